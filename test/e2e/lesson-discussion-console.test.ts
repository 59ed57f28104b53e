/**
 * Lesson discussion on the console, whose own /comments list is the discussion (no threads to mirror to): members
 * with access comment, reply and page through it in English and Chinese by typing the numbers of the buttons; the
 * lesson's "Discuss (N)" choice opens it; a member without access reads and writes nothing; the creator reviews a
 * report in /moderation and removes the comment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleChat, startConsoleChat } from "../support/console-learner.js";
import { createHarness, type Harness } from "../support/harness.js";
import { importLearningCourses, JOURNEY_LESSONS } from "../support/learning-courses.js";

describe("lesson discussion on the console", () => {
  let h: Harness;
  let chat: ConsoleChat;
  let course: number;
  beforeAll(async () => {
    h = await createHarness({ stripe: false });
    ({ journeyId: course } = await importLearningCourses(h.db.prisma, h.clock.now()));
    chat = await startConsoleChat(h);
    for (const name of ["mia", "li", "zoe"]) await chat.learner(name).command("start");
    const creator = chat.learner("creator");
    for (const name of ["mia", "li"]) await creator.command("grant", [String(await h.memberId(name)), String(course)]);
  }, 60_000);
  afterAll(async () => {
    await chat?.close();
    await h?.close();
  });

  it("members comment and reply in English and Chinese and open the discussion from the lesson", async () => {
    const mia = chat.learner("mia");
    const li = chat.learner("li");
    expect(await li.command("language", ["zh"])).toMatch(/中文/);
    expect(await mia.command("comment", [String(course), "2", "Is a covering index worth it?"])).toMatch(
      /Comment #\d+ posted/,
    );
    const first = await h.db.prisma.lessonComment.findFirstOrThrow({
      where: { body: "Is a covering index worth it?" },
    });
    expect(await li.command("replyto", [String(first.id), "读多写少时值得。"])).toContain(
      `已发布在评论 #${first.id} 下`,
    );
    // Six more comments: the list pages (five top-level comments a page).
    for (let i = 1; i <= 5; i++) await mia.command("comment", [String(course), "2", `Note ${i}`]);

    const lesson = await mia.command("lesson", [String(course), "2"]);
    expect(lesson).toContain(JOURNEY_LESSONS[1].en);
    expect(mia.buttons()).toContain("💬 Discuss (7)");
    const page1 = await mia.press("💬 Discuss (7)");
    expect(page1).toContain("Is a covering index worth it?");
    expect(page1).toContain("读多写少时值得。");
    expect(page1).toContain("Page 1 of 2");
    expect(page1).not.toContain("Note 5");
    const page2 = await mia.press("Next page ▶");
    expect(page2).toContain("Note 5");
    expect(page2).not.toContain("covering index");

    const zh = await li.command("comments", [String(course), "2"]);
    expect(zh).toContain("讨论");
    expect(zh).toContain("第 1 / 2 页");
    expect(zh).toContain("Is a covering index worth it?");
  });

  it("a member without access reads and writes nothing; a report reaches /moderation, where the creator removes it", async () => {
    const zoe = chat.learner("zoe");
    const denied = await zoe.command("comments", [String(course), "2"]);
    expect(denied).not.toContain("covering index");
    expect(denied).not.toContain(JOURNEY_LESSONS[1].en);
    expect(await zoe.command("comment", [String(course), "2", "hello"])).not.toContain("posted");
    expect(await h.db.prisma.lessonComment.count({ where: { body: "hello" } })).toBe(0);

    const target = await h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: "Note 3" } });
    expect(await chat.learner("li").command("report", [String(target.id), "离题"])).toContain("感谢举报");
    const creator = chat.learner("creator");
    const queue = await creator.command("moderation");
    expect(queue).toContain("Note 3");
    expect(queue).toContain("1 report(s)");
    const caseRow = await h.db.prisma.moderationCase.findFirstOrThrow({ where: { targetId: target.id } });
    expect(await creator.press(`🗑 Remove #${caseRow.id}`)).toContain(`Case #${caseRow.id}: the comment is removed`);
    const after = await chat.learner("mia").command("comments", [String(course), "2"]);
    expect(after).toContain("Note 2");
    expect(after).not.toContain("Note 3");
    expect(await creator.command("moderation", [String(caseRow.id), "remove"])).toContain("already decided");
  });
});

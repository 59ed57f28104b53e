/**
 * A creator writes lessons in chat, driven through the one router every adapter uses (console accounts): a guided
 * /addlesson with a photo, edits, unpublish and publish, what members see at each step, members refused, and a
 * re-import of the course folder afterwards that keeps ids, purchases, progress and the chat lesson.
 */
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importContent } from "../../core/content/import-content.js";
import { lessonContentHash } from "../../core/content/read-course-folder.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import type { IncomingFile } from "../../core/conversation/request.js";
import { courseFolder, PIXEL_PNG } from "../support/content-folders.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

let h: Harness;
let root: string;
let folder: string;
let courseId: number;

const text = (reply: Reply) => reply.messages.map((m) => plainText(m.text)).join("\n");

/** What a member reads: the reply's texts and the lessons' Markdown. */
async function read(user: string, line: string): Promise<string> {
  const reply = await h.sayReply(user, line);
  return reply.messages.map((m) => [plainText(m.text), m.markdown ?? ""].join("\n")).join("\n");
}

/** A photo or file sent in the chat, as an adapter hands it to the core. */
async function sendFile(user: string, file: IncomingFile): Promise<string> {
  const reply = await handleChatRequest(h.ctx, {
    user: {
      platform: "CONSOLE",
      externalId: user,
      displayName: user,
      username: user,
      languageCode: "en",
      chatId: user,
    },
    chat: { id: user, kind: "private" },
    input: { kind: "file", file },
  });
  return text(reply);
}

const chatLesson = () =>
  h.db.prisma.lesson.findFirstOrThrow({ where: { productId: courseId, slug: { startsWith: "chat-" } } });

beforeAll(async () => {
  h = await createHarness();
  root = await mkdtemp(path.join(tmpdir(), "lyceum-authoring-"));
  folder = await courseFolder(root, "sql-basics");
  const report = await importContent(h.ctx, folder);
  expect(report.ok).toBe(true);
  courseId = report.courses[0]!.productId;
  // Ivy owns the course; the drip (a lesson a week) is past for every lesson.
  for (const member of ["ivy", "jun", "mallory"]) await h.say(member, "/start");
  expect(await h.say(CREATOR, `/grant ivy ${courseId}`)).toContain("ivy");
  expect(await h.db.prisma.entitlement.count({ where: { productId: courseId } })).toBe(1);
  h.clock.advanceDays(60);
  expect(await read("ivy", "/lesson sql-basics 1")).toContain("Pick columns with SELECT.");
  await h.press(
    "ivy",
    `done ${(await h.db.prisma.lesson.findFirstOrThrow({ where: { productId: courseId, position: 1 } })).id}`,
  );
}, 120_000);

afterAll(async () => {
  await h?.close();
  await rm(root, { recursive: true, force: true });
});

describe("a creator writes a lesson in chat", () => {
  it("adds a draft with a photo, publishes it with /done, and members see it only then", async () => {
    expect(await h.say(CREATOR, "/addlesson sql-basics")).toContain("New lesson for SQL basics");
    expect(await h.say(CREATOR, "Window functions")).toContain("Chinese title");
    expect(await h.say(CREATOR, "窗口函数")).toContain("text");
    const saved = await h.say(CREATOR, "# Windows\n\nRank rows with OVER.");
    expect(saved).toContain("Lesson 4 Window functions is saved as a draft");

    // Saved as a draft: members do not see it yet.
    expect(await read("ivy", "/lesson sql-basics 4")).toContain("has no lesson 4");
    expect(await h.say("ivy", `/course ${courseId}`)).not.toContain("Window functions");

    expect(
      await sendFile(CREATOR, {
        kind: "photo",
        fileName: "window.png",
        mimeType: "image/png",
        caption: "A window",
        data: PIXEL_PNG,
      }),
    ).toContain("File 1 attached");
    expect(await sendFile(CREATOR, { kind: "document", telegramFileId: "tg-file-1", caption: "Notes" })).toContain(
      "File 2 attached",
    );
    expect(await h.say(CREATOR, "some stray text")).toContain("/done to publish");
    const published = await h.say(CREATOR, "/done");
    expect(published).toContain("Lesson 4 Window functions of SQL basics is published");

    const lesson = await chatLesson();
    expect(lesson).toMatchObject({
      position: 4,
      published: true,
      titleZh: "窗口函数",
      contentEn: "# Windows\n\nRank rows with OVER.",
    });
    expect(lesson.slug).toBe("chat-4-window-functions");
    expect(lesson.contentHash).toBe(lessonContentHash(lesson));
    const files = await h.db.prisma.lessonAttachment.findMany({
      where: { lessonId: lesson.id },
      orderBy: { position: "asc" },
    });
    expect(files.map((f) => [f.kind, f.fileName, f.caption, f.telegramFileId])).toEqual([
      ["PHOTO", "window.png", "A window", null],
      ["DOCUMENT", "file-2", "Notes", "tg-file-1"],
    ]);
    expect(Buffer.from(files[0]!.data!)).toEqual(PIXEL_PNG);

    const opened = await h.sayReply("ivy", "/lesson sql-basics 4");
    expect(text(opened)).toContain("Window functions");
    const lessonMessage = opened.messages.find((m) => m.markdown !== undefined);
    expect(lessonMessage?.markdown).toContain("Rank rows with OVER.");
    expect(lessonMessage?.attachments?.map((a) => a.fileName)).toEqual(["window.png", "file-2"]);
    // The flow is over: text is no answer any more.
    expect(await h.say(CREATOR, "more text")).toContain("Send a command");
  });

  it("edits the text (guided) and a title (inline); members see the edit and the hash follows", async () => {
    const before = await chatLesson();
    expect(await h.say(CREATOR, "/editlesson sql-basics 4 text")).toContain("Send the new text");
    expect(await h.say(CREATOR, "# Windows\n\nRank rows with OVER (PARTITION BY team).")).toContain(
      "Members see the change now",
    );
    expect(await h.say(CREATOR, "/editlesson sql-basics 4 title Window functions, gently")).toContain(
      "English title saved",
    );
    expect(await h.say(CREATOR, "/editlesson sql-basics 4 title Window functions, gently")).toContain(
      "nothing changed",
    );
    expect(await h.say(CREATOR, "/editlesson sql-basics 4 free on")).toContain("is now a free preview");
    expect(await h.say(CREATOR, "/editlesson sql-basics 4 free maybe")).toContain("Usage: /editlesson");
    expect(await h.say(CREATOR, "/editlesson sql-basics 9 text x")).toContain("has no lesson 9");

    const after = await chatLesson();
    expect(after.id).toBe(before.id);
    expect(after.freePreview).toBe(true);
    expect(after.contentHash).not.toBe(before.contentHash);
    expect(after.contentHash).toBe(lessonContentHash(after));
    const opened = await h.sayReply("ivy", "/lesson sql-basics 4");
    expect(opened.messages.find((m) => m.markdown !== undefined)?.markdown).toContain("PARTITION BY team");
  });

  it("unpublishes and publishes a lesson and a whole course; members see neither while hidden", async () => {
    expect(await h.say(CREATOR, "/unpublish sql-basics 4")).toContain("is hidden from members");
    expect(await h.say(CREATOR, "/unpublish sql-basics 4")).toContain("already hidden");
    expect(await read("ivy", "/lesson sql-basics 4")).toContain("has no lesson 4");
    expect(await h.say("jun", `/course ${courseId}`)).not.toContain("Window functions");
    expect(await h.say(CREATOR, "/publish sql-basics 4")).toContain("is published");
    expect(await read("ivy", "/lesson sql-basics 4")).toContain("PARTITION BY team");

    expect(await h.say(CREATOR, `/unpublish ${courseId}`)).toContain("SQL basics is hidden from members");
    expect(await h.say("ivy", "/courses")).not.toContain("SQL basics");
    expect(await h.say("ivy", `/course ${courseId}`)).toContain(`There is no course #${courseId}`);
    expect(await read("ivy", "/lesson sql-basics 1")).toContain("There is no course");
    expect(await h.say(CREATOR, `/publish ${courseId}`)).toContain("SQL basics is published");
    expect(await h.say("ivy", "/courses")).toContain("SQL basics");
  });

  it("refuses members: every authoring command, and files outside a flow are no command", async () => {
    for (const line of [
      "/addlesson sql-basics",
      "/editlesson sql-basics 4 text Hacked",
      "/publish sql-basics 4",
      "/unpublish sql-basics 4",
      "/unpublish 1",
      "/attach",
    ]) {
      expect(await h.say("mallory", line), line).toBe("Only the creator can do that.");
    }
    expect(await sendFile("mallory", { kind: "photo", telegramFileId: "tg-evil" })).toContain("Send a command");
    expect(await sendFile(CREATOR, { kind: "photo", telegramFileId: "tg-stray" })).toContain("Send a command");
    expect((await chatLesson()).contentEn).toContain("PARTITION BY team");
    expect((await chatLesson()).published).toBe(true);
    expect(
      await h.db.prisma.lessonAttachment.count({ where: { telegramFileId: { in: ["tg-evil", "tg-stray"] } } }),
    ).toBe(0);
  });

  it("ends the flow on another command; /cancel during the files step leaves a draft", async () => {
    expect(await h.say(CREATOR, "/addlesson sql-basics")).toContain("English title");
    expect(await h.say(CREATOR, "/courses")).toContain("SQL basics");
    expect(await h.say(CREATOR, "Half a title")).toContain("Send a command");
    await h.say(CREATOR, "/addlesson sql-basics");
    await h.say(CREATOR, "Unfinished");
    await h.say(CREATOR, "-");
    expect(await h.say(CREATOR, "-")).toContain("Lesson 5 Unfinished is saved as a draft");
    expect(await h.say(CREATOR, "/cancel")).toBeTruthy();
    const draft = await h.db.prisma.lesson.findFirstOrThrow({ where: { productId: courseId, titleEn: "Unfinished" } });
    expect(draft).toMatchObject({ published: false, titleZh: "Unfinished", contentEn: "", position: 5 });
    expect(await h.say("ivy", `/course ${courseId}`)).not.toContain("Unfinished");
    expect(await h.say(CREATOR, `/course ${courseId}`)).toMatch(/5\. Unfinished \(draft\)/);
  });

  it("a re-import of the folder keeps ids, purchases, progress and the chat lessons, and shows changed text", async () => {
    const lessonsBefore = await h.db.prisma.lesson.findMany({ where: { productId: courseId }, orderBy: { id: "asc" } });
    const ivy = await h.memberId("ivy");
    const entitlementsBefore = await h.db.prisma.entitlement.findMany({ where: { memberId: ivy } });
    const progressBefore = await h.db.prisma.lessonProgress.findMany({ where: { memberId: ivy } });
    expect(progressBefore.filter((row) => row.completedAt !== null)).toHaveLength(1);

    await writeFile(
      path.join(folder, "01-select.md"),
      "---\ntitle: SELECT\nfree: true\n---\n\nPick columns with SELECT, then filter.\n",
    );
    await unlink(path.join(folder, "10-indexes.md"));
    const report = await importContent(h.ctx, folder);
    expect(report.ok).toBe(true);
    expect(report.courses[0]!.productId).toBe(courseId);
    const outcomes = Object.fromEntries(report.courses[0]!.lessons.map((l) => [l.slug, l.outcome]));
    expect(outcomes).toMatchObject({ "01-select": "updated", "02-joins": "unchanged", "10-indexes": "unpublished" });

    const lessonsAfter = await h.db.prisma.lesson.findMany({ where: { productId: courseId }, orderBy: { id: "asc" } });
    expect(lessonsAfter.map((l) => l.id)).toEqual(lessonsBefore.map((l) => l.id));
    const bySlug = Object.fromEntries(lessonsAfter.map((l) => [l.slug, l]));
    // The folder lesson whose file is gone is hidden; the lessons written in chat keep their state and their files.
    expect(bySlug["10-indexes"]!.published).toBe(false);
    const chat = await chatLesson();
    expect(chat).toMatchObject({ published: true, position: 4 });
    expect(chat.contentEn).toContain("PARTITION BY team");
    expect(await h.db.prisma.lessonAttachment.count({ where: { lessonId: chat.id } })).toBe(2);
    expect(lessonsAfter.find((l) => l.titleEn === "Unfinished")).toMatchObject({ published: false, position: 5 });

    expect(await h.db.prisma.entitlement.findMany({ where: { memberId: ivy } })).toEqual(entitlementsBefore);
    expect(await h.db.prisma.lessonProgress.findMany({ where: { memberId: ivy } })).toEqual(progressBefore);
    expect(await read("ivy", "/lesson sql-basics 1")).toContain("Pick columns with SELECT, then filter.");
    // Members count visible lessons: with Indexes hidden, the chat lesson is their third.
    expect(await read("ivy", "/lesson sql-basics 3")).toContain("PARTITION BY team");
  });
});

/**
 * Lesson discussion on Discord end to end, where the platform differs: each lesson gets a public thread in the
 * discussion channel (LESSON_DISCUSSION_CHANNEL_ID), opened once on the first comment; comments are mirrored there; a
 * member's message in the thread is a comment and a reply to a copy is a reply; a ban and a mute reach the guild
 * (a ban, a timeout). Slash commands carry the arguments as one free-text option.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/discord/discord-fake.js";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";
import { unescapeDiscord } from "../support/discord-learner.js";
import { importLearningCourses } from "../support/learning-courses.js";

describe("lesson discussion on Discord", () => {
  let d: DiscordHarness;
  let course: number;
  let alice: FakeUser;
  let bo: FakeUser;
  const say = async (user: FakeUser, name: string, args: string, locale?: string) =>
    unescapeDiscord((await d.run(user, name, args ? { args } : {}, locale)).content ?? "");
  const memberOf = async (user: FakeUser) =>
    (
      await d.h.db.prisma.platformAccount.findUniqueOrThrow({
        where: { platform_externalId: { platform: "DISCORD", externalId: user.id } },
      })
    ).memberId;
  const threads = () => [...d.discord.channels.values()].filter((c) => c.parent_id === d.discussionId);

  beforeAll(async () => {
    d = await createDiscordHarness({ stripe: false, discussion: true });
    ({ journeyId: course } = await importLearningCourses(d.h.db.prisma, d.h.clock.now()));
    d.h.ctx.assistant = { bannedWords: ["casino"] };
    alice = d.member("Alice");
    bo = d.member("Bo");
  }, 60_000);
  afterAll(async () => {
    await d?.close();
  });

  it("a member without access reads nothing; with access the first comment opens the lesson's thread, once", async () => {
    const refused = await say(alice, "comments", `${course} 1`);
    expect(refused).toContain("is for members who bought the course");
    expect(threads()).toHaveLength(0);
    for (const user of [alice, bo]) {
      await say(user, "start", "");
      await d.run(d.creator, "grant", { member: String(await memberOf(user)), product: course });
    }
    await d.run(bo, "language", { language: "zh" });
    expect(await say(alice, "comment", `${course} 1 Where does the join condition go?`)).toMatch(/Comment #\d+ posted/);
    expect(await say(bo, "comment", `${course} 1 在 ON 子句里。`)).toMatch(/评论 #\d+ 已发布/);
    expect(threads()).toHaveLength(1);
    const thread = threads()[0]!;
    expect(thread.type).toBe(11);
    const inThread = d.discord.sent.filter((m) => m.channel_id === thread.id).map((m) => unescapeDiscord(m.content));
    expect(inThread).toEqual([
      expect.stringContaining("Where does the join condition go?"),
      expect.stringContaining("在 ON 子句里。"),
    ]);
    const stored = await d.h.db.prisma.lessonThread.findFirstOrThrow({ where: { platform: "DISCORD" } });
    expect(stored.threadRef).toBe(`dc:${thread.id}`);
  });

  it("a message in the lesson thread becomes a comment, a reply to a copy a reply", async () => {
    const thread = threads()[0]!;
    d.discord.post(alice, thread.id, "And for a LEFT JOIN?");
    await d.settle();
    const fromThread = await d.h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: "And for a LEFT JOIN?" } });
    expect(fromThread).toMatchObject({ platform: "DISCORD", parentId: null });
    expect(fromThread.messageRef).toMatch(new RegExp(`^dc:${thread.id}:\\d+$`));
    const first = await d.h.db.prisma.lessonComment.findFirstOrThrow({
      where: { body: "Where does the join condition go?" },
    });
    const copy = first.messageRef!.split(":")[2]!;
    d.discord.post(bo, thread.id, "Same place, ON.", { replyTo: copy });
    await d.settle();
    const reply = await d.h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: "Same place, ON." } });
    expect(reply.parentId).toBe(first.id);
    // Written on Discord: not posted there again by the bot.
    expect(d.discord.sent.filter((m) => m.content.includes("Same place, ON."))).toHaveLength(0);
    const listed = await say(alice, "comments", `${course} 1`);
    expect(listed).toContain("And for a LEFT JOIN?");
    expect(listed).toContain("Same place, ON.");
  });

  it("Mute 24h times the author out and Ban bans them in the guild", async () => {
    await say(bo, "comment", `${course} 1 casino link`);
    await say(alice, "comment", `${course} 2 casino again`);
    const cases = await d.h.db.prisma.moderationCase.findMany({ where: { status: "PENDING" }, orderBy: { id: "asc" } });
    expect(cases).toHaveLength(2);
    expect(await say(d.creator, "moderation", `${cases[0]!.id} mute`)).toContain("Bo is muted until");
    await d.settle();
    expect(d.discord.timeouts.get(bo.id)).toBeDefined();
    expect(await say(d.creator, "moderation", `${cases[1]!.id} ban`)).toContain("Alice is banned from posting");
    await d.settle();
    expect(d.discord.bans.has(alice.id)).toBe(true);
    expect(await say(d.creator, "moderation", `${cases[1]!.id} approve`)).toContain("already decided");
  });
});

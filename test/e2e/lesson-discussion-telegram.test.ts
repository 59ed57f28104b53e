/**
 * Lesson discussion on Telegram end to end (issue 14, item 2): members with access comment, reply and read in English
 * and Chinese; the lesson's forum topic in the discussion chat is opened once and every comment is mirrored there; a
 * member's message in the topic becomes a comment (a reply to a copy, a reply); a member without access reads and
 * writes nothing and learns nothing; muted and banned members are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelegramGateway } from "../../bots/telegram/telegram-gateway.js";
import { kickOutbox } from "../../core/access/outbox.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";
import { importLearningCourses, JOURNEY_LESSONS } from "../support/learning-courses.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const FORUM = -1001234500;

describe("lesson discussion on Telegram", () => {
  let h: TelegramHarness;
  let course: number;
  let alice: FakeUser;
  let bao: FakeUser;
  let eve: FakeUser;
  /** Everything the bot sent `user` since `mark`, as one string. */
  const since = (user: FakeUser, mark: number) =>
    h.fake
      .textsTo(user.id)
      .slice(mark)
      .map((text) => parseTelegramHtml(text))
      .join("\n");
  const turn = async (user: FakeUser, text: string) => {
    const mark = h.fake.textsTo(user.id).length;
    await h.say(user, text);
    return since(user, mark);
  };
  const commentBy = async (user: FakeUser) =>
    h.db.prisma.lessonComment.findFirstOrThrow({
      where: { memberId: await h.memberIdOf(user) },
      orderBy: { id: "desc" },
    });

  beforeAll(async () => {
    h = await createTelegramHarness();
    ({ journeyId: course } = await importLearningCourses(h.db.prisma, h.clock.now()));
    h.fake.chat(FORUM, { forum: true, title: "Lesson talk" });
    (h.ctx.gateways.TELEGRAM as TelegramGateway).discussionChatId = String(FORUM);
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    bao = h.fake.user(2002, "宝", { language_code: "zh" });
    eve = h.fake.user(2003, "Eve", { language_code: "en" });
    await h.say(h.creator, "/start");
    for (const user of [alice, bao, eve]) await h.say(user, "/start");
    for (const user of [alice, bao]) await h.say(h.creator, `/grant ${await h.memberIdOf(user)} ${course}`);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("members comment and reply in English and Chinese, read the thread in their language, and the topic is made once", async () => {
    const posted = await turn(alice, `/comment ${course} 1 Does EXPLAIN ANALYZE run the query?`);
    const first = await commentBy(alice);
    expect(posted).toContain(`Comment #${first.id} posted`);

    const replied = await turn(bao, `/replyto ${first.id} 是的，会真正执行一次。`);
    const reply = await commentBy(bao);
    expect(replied).toContain(`回复 #${reply.id} 已发布在评论 #${first.id} 下`);
    expect(reply.parentId).toBe(first.id);

    const read = await turn(bao, `/comments ${course} 1`);
    expect(read).toContain("讨论");
    expect(read).toContain("Does EXPLAIN ANALYZE run the query?");
    expect(read).toContain("是的，会真正执行一次。");

    // One topic for the lesson, both comments in it, the reply as a reply to the first one's copy.
    expect(h.fake.callsOf("createForumTopic")).toHaveLength(1);
    const thread = await h.db.prisma.lessonThread.findFirstOrThrow({ where: { platform: "TELEGRAM" } });
    const topicId = Number(thread.threadRef.split(":")[2]);
    const inForum = h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === FORUM);
    expect(inForum.map((c) => String(c.text))).toEqual([
      expect.stringContaining("Does EXPLAIN ANALYZE run the query?"),
      expect.stringContaining("是的，会真正执行一次。"),
    ]);
    const repliesTo = (i: number) => (inForum[i]!.reply_parameters as { message_id: number }).message_id;
    expect(repliesTo(0)).toBe(topicId);
    expect(repliesTo(1)).toBe(inForum[0]!.__message_id);
    expect(inForum[1]!.message_thread_id).toBe(topicId);

    // The lesson itself offers the discussion, with its size.
    const lesson = await turn(alice, `/lesson ${course} 1`);
    expect(lesson).toContain(JOURNEY_LESSONS[0].en);
    const buttons = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === alice.id)?.reply_markup as {
      inline_keyboard: { text: string; callback_data: string }[][];
    };
    const discuss = buttons.inline_keyboard.flat().find((b) => b.text.startsWith("💬"));
    expect(discuss).toEqual({ text: "💬 Discuss (2)", callback_data: `comments ${course} 1` });
  });

  it("a member's message in the lesson topic becomes a comment, and a reply to a copy becomes a reply", async () => {
    const thread = await h.db.prisma.lessonThread.findFirstOrThrow({ where: { platform: "TELEGRAM" } });
    const topicId = Number(thread.threadRef.split(":")[2]);
    await h.settle(
      h.fake.sayInGroup(alice, FORUM, "Which index helps a LIKE 'abc%' filter?", { threadId: topicId }).updateId,
    );
    const fromTopic = await commentBy(alice);
    expect(fromTopic).toMatchObject({
      body: "Which index helps a LIKE 'abc%' filter?",
      parentId: null,
      platform: "TELEGRAM",
    });

    const first = await h.db.prisma.lessonComment.findFirstOrThrow({
      where: { parentId: null },
      orderBy: { id: "asc" },
    });
    const copy = Number(first.messageRef!.split(" ")[0]!.split(":")[2]);
    await h.settle(h.fake.sayInGroup(bao, FORUM, "B 树索引可以。", { threadId: topicId, replyTo: copy }).updateId);
    const reply = await commentBy(bao);
    expect(reply).toMatchObject({ body: "B 树索引可以。", parentId: first.id });
    // Written in Telegram: not posted there a second time.
    expect(h.fake.callsOf("sendMessage").filter((c) => String(c.text).includes("B 树索引可以"))).toHaveLength(0);
    expect(await turn(alice, `/comments ${course} 1`)).toContain("Which index helps a LIKE");
  });

  it("a member without access can neither read nor write the discussion, and learns nothing about it", async () => {
    const first = await h.db.prisma.lessonComment.findFirstOrThrow({ orderBy: { id: "asc" } });
    const before = await h.db.prisma.lessonComment.count();
    const read = await turn(eve, `/comments ${course} 1`);
    expect(read).not.toContain("EXPLAIN ANALYZE");
    expect(read).not.toContain(JOURNEY_LESSONS[0].en);
    expect(read).toContain("is for members who bought the course");
    expect(await turn(eve, `/comment ${course} 1 let me in`)).not.toContain("posted");
    expect(await turn(eve, `/replyto ${first.id} me too`)).toContain(`There is no comment #${first.id}`);
    expect(await turn(eve, `/report ${first.id}`)).toContain(`There is no comment #${first.id} you can report`);
    const thread = await h.db.prisma.lessonThread.findFirstOrThrow({ where: { platform: "TELEGRAM" } });
    await h.settle(
      h.fake.sayInGroup(eve, FORUM, "free ride", { threadId: Number(thread.threadRef.split(":")[2]) }).updateId,
    );
    expect(await h.db.prisma.lessonComment.count()).toBe(before);
    expect(await turn(eve, "/comment")).toContain("Usage: /comment <course> <lesson number> <your comment>");
  });

  it("a copy Telegram refused with a long 429 is posted later by the outbox, once", async () => {
    h.fake.rateLimitNext("sendMessage", 30, { chatId: FORUM });
    expect(await turn(bao, `/comment ${course} 1 限流之后还会发出去吗？`)).toMatch(/评论 #\d+ 已发布/);
    const copies = () =>
      h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === FORUM && String(c.text).includes("限流之后"));
    expect(copies()).toHaveLength(1); // the refused attempt, recorded by the fake
    // The outbox tries again after its backoff (seconds of real time); each drain is what the job runner would run.
    const deadline = Date.now() + 15_000;
    while (copies().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await kickOutbox(h.ctx);
      await h.jobs.idle();
    }
    expect(copies()).toHaveLength(2);
    const comment = await h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: "限流之后还会发出去吗？" } });
    expect(comment.messageRef).toMatch(/^tg:-1001234500:\d+$/);
    await kickOutbox(h.ctx);
    await h.jobs.idle();
    expect(copies()).toHaveLength(2);
  });

  it("a discussion chat that is not a forum gets no topic and no copies; the comment is still kept", async () => {
    const gateway = h.ctx.gateways.TELEGRAM as TelegramGateway;
    h.fake.chat(-1001234599, { title: "Plain group" });
    gateway.discussionChatId = "-1001234599";
    try {
      expect(await turn(alice, `/comment ${course} 3 Warm caches only?`)).toMatch(/Comment #\d+ posted/);
      expect(h.fake.callsOf("createForumTopic")).toHaveLength(1);
      expect(h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === -1001234599)).toHaveLength(0);
      expect(await h.db.prisma.lessonThread.count()).toBe(1);
      expect(await turn(bao, `/comments ${course} 3`)).toContain("Warm caches only?");
    } finally {
      gateway.discussionChatId = String(FORUM);
    }
  });

  it("a muted member is told until when, a banned one that they can no longer post", async () => {
    const aliceId = await h.memberIdOf(alice);
    await h.db.prisma.member.update({
      where: { id: aliceId },
      data: { mutedUntil: new Date(h.clock.now().getTime() + 3_600_000) },
    });
    expect(await turn(alice, `/comment ${course} 2 quiet?`)).toContain("You are muted until");
    await h.db.prisma.member.update({ where: { id: aliceId }, data: { mutedUntil: null, bannedAt: h.clock.now() } });
    expect(await turn(alice, `/comment ${course} 2 still here`)).toContain("You can no longer post");
    expect(await h.db.prisma.lessonComment.count({ where: { body: { in: ["quiet?", "still here"] } } })).toBe(0);
    await h.db.prisma.member.update({ where: { id: aliceId }, data: { bannedAt: null } });
  });
});

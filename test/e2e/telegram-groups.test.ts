/**
 * Telegram beyond the private chat: membership changes in gated chats, the bot losing its rights, Q&A threads in
 * forum topics and reply threads, and Telegram's rate limits — the real grammY client against the local fake.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const LOUNGE = -1001;
const FORUM = -1002;

describe("telegram groups, Q&A and rate limits", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    bob = h.fake.user(2002, "Bob", { language_code: "en" });
    h.fake.chat(LOUNGE, { title: "Paid Lounge" });
    h.fake.chat(FORUM, { title: "Q&A Forum", forum: true });
    await h.say(h.creator, "/start");
  });

  async function aliceOwnsAndJoins() {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await h.say(h.creator, `/grant #${await memberOf(alice)} 1`);
    await h.settle(h.fake.requestJoin(alice, LOUNGE));
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);
  }
  async function memberOf(user: FakeUser) {
    await h.say(user, "/start");
    return h.memberIdOf(user);
  }

  it("a member who leaves the chat is recorded absent, and the next sweep does not pull them back in", async () => {
    await aliceOwnsAndJoins();
    const membership = () => h.db.prisma.gateMembership.findFirstOrThrow({ where: { gate: { platform: "TELEGRAM" } } });
    expect((await membership()).state).toBe("PRESENT");
    await h.settle(h.fake.leave(alice, LOUNGE));
    expect((await membership()).state).toBe("ABSENT");
    h.fake.calls.length = 0;
    await h.sweep();
    // Still entitled: the sweep offers the way back (the join link), it cannot add anyone by force.
    expect(h.fake.callsOf("banChatMember")).toHaveLength(0);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(false);
  });

  it("someone who gets into a gate without an entitlement is removed at once", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await memberOf(bob);
    await h.settle(h.fake.join(bob, LOUNGE)); // an admin added Bob by hand
    expect(h.fake.callsOf("banChatMember")).toMatchObject([{ chat_id: String(LOUNGE), user_id: bob.id }]);
    expect(h.fake.isMember(LOUNGE, bob.id)).toBe(false);
  });

  it("the creator is told when the bot is removed from a gate or loses its rights", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await h.settle(h.fake.changeBotStatus(LOUNGE, "member", h.creator));
    expect(h.fake.transcript(h.creator.id)).toContain("no longer an administrator");
    await h.settle(h.fake.changeBotStatus(LOUNGE, "kicked", h.creator));
    expect(h.fake.transcript(h.creator.id)).toContain("removed from the chat");
    // A chat that is not a gate is none of the creator's worry.
    h.fake.calls.length = 0;
    await h.settle(h.fake.changeBotStatus(FORUM, "left", h.creator));
    expect(h.fake.textsTo(h.creator.id)).toEqual([]);
  });

  it("a gate the bot may not manage is reported instead of failing silently", async () => {
    h.fake.chat(-1003, { title: "Locked", botStatus: "member" });
    await h.say(h.creator, "/gate -1003 1");
    await h.say(h.creator, `/grant #${await memberOf(alice)} 1`);
    expect(h.fake.transcript(h.creator.id)).toContain("I could not change who is in");
    const row = await h.db.prisma.gateMembership.findFirstOrThrow({ where: { gate: { externalId: "-1003" } } });
    expect(row.lastError).toContain("not enough rights");
  });

  it("a forum topic is a question, replies in it are answers, and the asker accepts one", async () => {
    const topic = h.fake.createTopic(alice, FORUM, "How do I read a CSV?");
    const first = h.fake.sayInGroup(alice, FORUM, "pandas keeps failing on my file", {
      threadId: topic.threadId,
      topicName: "How do I read a CSV?",
    });
    await h.settle(topic.updateId, first.updateId);
    const question = await h.db.prisma.question.findFirstOrThrow();
    expect(question).toMatchObject({ title: "How do I read a CSV?", threadRef: `tg:${FORUM}:${topic.threadId}` });
    const recorded = h.fake.callsOf("sendMessage").find((c) => Number(c.chat_id) === FORUM)!;
    expect(recorded.message_thread_id).toBe(topic.threadId);

    const answer = h.fake.sayInGroup(bob, FORUM, "use pd.read_csv with encoding='utf-8'", { threadId: topic.threadId });
    await h.settle(answer.updateId);
    expect(await h.db.prisma.answer.count({ where: { questionId: question.id } })).toBe(1);

    const stranger = h.fake.user(2003, "Carl");
    const refused = h.fake.sayInGroup(stranger, FORUM, "/accept", {
      threadId: topic.threadId,
      replyTo: answer.messageId,
    });
    await h.settle(refused.updateId);
    expect(h.fake.transcript(FORUM)).toContain("Only the person who asked");
    expect((await h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } })).acceptedAnswerId).toBeNull();

    const accepted = h.fake.sayInGroup(alice, FORUM, "/accept", {
      threadId: topic.threadId,
      replyTo: answer.messageId,
    });
    await h.settle(accepted.updateId);
    expect(h.fake.transcript(FORUM)).toContain(`Answer accepted for question #${question.id}`);
    const solved = await h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } });
    expect(solved.status).toBe("SOLVED");
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: await h.memberIdOf(bob) } })).reputation).toBe(
      10,
    );
  });

  it("in a plain group /ask starts a question and replies to it answer it; the creator may accept", async () => {
    const ask = h.fake.sayInGroup(alice, LOUNGE, "/ask Which Python version for the course?");
    await h.settle(ask.updateId);
    const question = await h.db.prisma.question.findFirstOrThrow();
    expect(question.threadRef).toBe(`tg:${LOUNGE}:${ask.messageId}`);
    const reply = h.fake.sayInGroup(bob, LOUNGE, "3.12 works", { replyTo: ask.messageId });
    const chatter = h.fake.sayInGroup(bob, LOUNGE, "unrelated chatter");
    await h.settle(reply.updateId, chatter.updateId);
    expect(await h.db.prisma.answer.count()).toBe(1);
    await h.settle(h.fake.sayInGroup(h.creator, LOUNGE, "/accept", { replyTo: reply.messageId }).updateId);
    expect((await h.db.prisma.question.findFirstOrThrow()).status).toBe("SOLVED");
    await h.settle(h.fake.sayInGroup(alice, LOUNGE, "/accept", { replyTo: chatter.messageId }).updateId);
    expect(h.fake.transcript(LOUNGE)).toContain("not an answer");
  });

  it("a 429 with a short retry_after is waited out and the reply still arrives", async () => {
    h.fake.rateLimitNext("sendMessage", 1, { chatId: alice.id });
    await h.say(alice, "/help");
    const attempts = h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === alice.id);
    expect(attempts).toHaveLength(2);
    expect(h.fake.transcript(alice.id)).toContain("Commands");
  });

  it("the gateway reports a long 429 as RATE_LIMITED and a blocked member as UNREACHABLE", async () => {
    const gateway = h.ctx.gateways.TELEGRAM!;
    const account = {
      accountId: 1,
      platform: "TELEGRAM" as const,
      externalId: String(alice.id),
      chatId: String(alice.id),
    };
    h.fake.rateLimitNext("sendMessage", 30, { chatId: alice.id });
    expect(await gateway.send(account, { messages: [{ text: "hi" }] })).toEqual({
      ok: false,
      reason: "RATE_LIMITED",
      retryAfterSeconds: 30,
    });
    h.fake.blocked.add(alice.id);
    expect(await gateway.send(account, { messages: [{ text: "hi" }] })).toEqual({ ok: false, reason: "UNREACHABLE" });
    h.fake.blocked.delete(alice.id);
    expect(await gateway.send(account, { messages: [{ text: "**hi** <there> & `you`" }] })).toMatchObject({ ok: true });
    expect(h.fake.callsOf("sendMessage").at(-1)?.text).toBe("<b>hi</b> &lt;there&gt; &amp; <code>you</code>");
  });
});

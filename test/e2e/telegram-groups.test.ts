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
  /** The callback data of the inline button the bot last sent `user` with this label, as the app would press it. */
  function buttonData(user: FakeUser, label: string): string {
    for (const call of [...h.fake.callsOf("sendMessage")].reverse()) {
      if (Number(call.chat_id) !== user.id || call.reply_markup === undefined) continue;
      const markup = (typeof call.reply_markup === "string" ? JSON.parse(call.reply_markup) : call.reply_markup) as {
        inline_keyboard?: { text: string; callback_data?: string }[][];
      };
      const button = markup.inline_keyboard?.flat().find((b) => b.text === label);
      if (button?.callback_data) return button.callback_data;
    }
    throw new Error(`the bot never sent ${user.first_name} a button "${label}"`);
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
    const intrusion = await h.db.prisma.gateIntrusion.findFirstOrThrow();
    expect(intrusion).toMatchObject({ unknownAccount: false, removedAt: expect.any(Date) });
  });

  it("a stranger who never wrote to the bot and joins by an old link is removed, recorded, and the creator told once", async () => {
    // Telegram sends joins only to a bot that asked for chat_member updates (and is an administrator there).
    expect(h.fake.allowedUpdates).toContain("chat_member");
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    const carl = h.fake.user(2003, "Carl", { username: "carl_x" });
    const dave = h.fake.user(2004, "Dave");

    await h.settle(h.fake.join(carl, LOUNGE));
    expect(h.fake.callsOf("banChatMember")).toMatchObject([{ chat_id: String(LOUNGE), user_id: carl.id }]);
    expect(h.fake.callsOf("unbanChatMember")).toMatchObject([
      { chat_id: String(LOUNGE), user_id: carl.id, only_if_banned: true },
    ]);
    // Out, but not banned: Carl may come back after buying.
    expect(h.fake.chats.get(LOUNGE)!.members.get(carl.id)).toBe("left");
    const intrusion = await h.db.prisma.gateIntrusion.findFirstOrThrow({ include: { account: true } });
    expect(intrusion).toMatchObject({
      unknownAccount: true,
      removedAt: expect.any(Date),
      account: { externalId: String(carl.id), username: "carl_x" },
    });
    expect(h.fake.transcript(h.creator.id)).toContain("Removed Carl (@carl_x) from Paid Lounge: inside without access");

    // A second one in the same hour is removed and recorded too, without a second alert.
    await h.settle(h.fake.join(dave, LOUNGE));
    expect(h.fake.isMember(LOUNGE, dave.id)).toBe(false);
    expect(await h.db.prisma.gateIntrusion.count({ where: { removedAt: { not: null } } })).toBe(2);
    expect(h.fake.textsTo(h.creator.id).filter((text) => text.includes("🚫"))).toHaveLength(1);
    await h.say(h.creator, "/gate");
    expect(h.fake.transcript(h.creator.id)).toContain("removed without access: 2 (latest: Dave)");
  });

  it("an administrator, the creator and a member with access who join are left alone, now and by the sweep", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await h.say(h.creator, `/grant #${await memberOf(alice)} 1`);
    const ada = h.fake.user(2005, "Ada");
    await h.settle(
      h.fake.join(ada, LOUNGE, { status: "administrator" }),
      h.fake.join(alice, LOUNGE),
      h.fake.join(h.creator, LOUNGE),
    );
    await h.sweep();
    expect(h.fake.callsOf("banChatMember")).toEqual([]);
    for (const user of [ada, alice, h.creator]) expect(h.fake.isMember(LOUNGE, user.id)).toBe(true);
    expect(await h.db.prisma.gateIntrusion.count()).toBe(0);
    expect(h.fake.transcript(h.creator.id)).not.toContain("🚫");
  });

  it("/gate on a chat with people inside asks first: Keep keeps them when seen, Remove removes them", async () => {
    const SECOND = -1003;
    h.fake.chat(SECOND, { title: "Second Lounge" });
    const dora = h.fake.user(2006, "Dora");
    const erin = h.fake.user(2007, "Erin");
    h.fake.alreadyInside(LOUNGE, dora, erin);
    h.fake.alreadyInside(SECOND, dora);
    const membership = (chatId: number, user: FakeUser) =>
      h.db.prisma.gateMembership.findFirst({
        where: { gate: { externalId: String(chatId) }, account: { externalId: String(user.id) } },
      });

    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    const asked = h.fake.transcript(h.creator.id);
    expect(asked).toContain(`There are 2 people in ${LOUNGE} besides its administrators`);
    expect(asked).toContain("does not let bots list who is inside");
    // Nothing changes while the creator has not chosen.
    await h.settle(h.fake.changeStatus(dora, LOUNGE, "restricted"));
    expect(h.fake.callsOf("banChatMember")).toEqual([]);

    await h.press(h.creator, buttonData(h.creator, "Keep them"));
    expect(h.fake.transcript(h.creator.id)).toContain("People already inside are kept when I see them");
    await h.settle(h.fake.changeStatus(erin, LOUNGE, "restricted")); // already inside, seen for the first time
    expect(await membership(LOUNGE, erin)).toMatchObject({ state: "PRESENT", kept: true });
    const frank = h.fake.user(2008, "Frank");
    await h.settle(h.fake.join(frank, LOUNGE)); // joining later is never "already inside"
    await h.sweep();
    expect(h.fake.callsOf("banChatMember")).toMatchObject([{ chat_id: String(LOUNGE), user_id: frank.id }]);
    expect(h.fake.isMember(LOUNGE, erin.id)).toBe(true);

    await h.say(h.creator, `/gate ${SECOND} 1`);
    await h.press(h.creator, buttonData(h.creator, "Remove anyone without access"));
    expect(h.fake.transcript(h.creator.id)).toContain("From now on anyone I see inside without access is removed");
    await h.settle(h.fake.changeStatus(dora, SECOND, "restricted"));
    expect(h.fake.callsOf("banChatMember").at(-1)).toMatchObject({ chat_id: String(SECOND), user_id: dora.id });
    expect(h.fake.isMember(SECOND, dora.id)).toBe(false);
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

  it("when a group command fails unexpectedly the asker is told, in the group, and the bot keeps serving", async () => {
    // A real fault: the questions table is gone for a moment (a botched manual change, a failover).
    await h.db.prisma.$executeRawUnsafe(`ALTER TABLE "Question" RENAME TO "Question_away"`);
    try {
      const ask = h.fake.sayInGroup(alice, LOUNGE, "/ask Is there a certificate?");
      await h.settle(ask.updateId);
      expect(h.fake.transcript(LOUNGE)).toContain("Something went wrong");
    } finally {
      await h.db.prisma.$executeRawUnsafe(`ALTER TABLE "Question_away" RENAME TO "Question"`);
    }
    const again = h.fake.sayInGroup(alice, LOUNGE, "/ask Is there a certificate?");
    await h.settle(again.updateId);
    expect(await h.db.prisma.question.count()).toBe(1);
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

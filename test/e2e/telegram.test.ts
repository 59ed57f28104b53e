/**
 * The Telegram bot end to end: the real grammY client polls a local fake of the Bot API, a real database records
 * what happened. Users act through the fake (messages, button presses, Stars payments, join requests); the tests
 * look at what the bot sent back and at the rows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const LOUNGE = -1001;
const FORBIDDEN = "Only the creator can do that.";

describe("telegram bot (grammY, long polling)", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;
  let mallory: FakeUser;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { username: "alice", language_code: "en" });
    bob = h.fake.user(2002, "Bob", { language_code: "en" });
    mallory = h.fake.user(2666, "Mallory", { language_code: "en" });
    h.fake.chat(LOUNGE, { title: "Paid Lounge" });
  });

  /** The creator binds the lounge to course #1, in a private chat with the bot, as the README says. */
  async function bindLounge() {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
  }

  /** Buys course #1 with Stars the way the Telegram app does it: /buy → invoice → pre-checkout → payment. */
  async function buyWithStars(user: FakeUser, productId = 1) {
    await h.say(user, `/buy ${productId}`);
    const invoice = h.fake.callsOf("sendInvoice").findLast((c) => Number(c.chat_id) === user.id);
    if (!invoice) throw new Error("no invoice was sent");
    const amount = (invoice.prices as { amount: number }[])[0]!.amount;
    const check = h.fake.preCheckout(user, { payload: String(invoice.payload), total_amount: amount });
    await h.settle(check.updateId);
    expect(await check.answer).toEqual({ ok: true });
    const payment = h.fake.successfulPayment(user, { payload: String(invoice.payload), total_amount: amount });
    await h.settle(payment.updateId);
    return { invoice, amount, chargeId: payment.chargeId };
  }

  it("registers the command menu in English and Chinese, creator commands left out", async () => {
    const menus = h.startupCalls.filter((c) => c.method === "setMyCommands").map((c) => c.params);
    const english = menus.find((c) => c.language_code === undefined)?.commands as {
      command: string;
      description: string;
    }[];
    const chinese = menus.find((c) => c.language_code === "zh")?.commands as { command: string; description: string }[];
    expect(english.map((c) => c.command)).toEqual(expect.arrayContaining(["start", "courses", "buy", "mycourses"]));
    expect(english.map((c) => c.command)).not.toContain("confirm");
    expect(chinese.find((c) => c.command === "courses")?.description).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a newcomer starts from a deep link, buys with Stars, gets the join link and is let in", async () => {
    await bindLounge();
    expect(await h.db.prisma.gate.count({ where: { platform: "TELEGRAM", externalId: String(LOUNGE) } })).toBe(1);

    await h.say(alice, "/start course_1");
    expect(h.fake.transcript(alice.id)).toContain("Welcome to Lyceum, Alice");
    expect(h.fake.transcript(alice.id)).toContain("Python for Data Analysis");
    const details = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === alice.id)!;
    const buttons = (
      details.reply_markup as { inline_keyboard: { callback_data?: string }[][] }
    ).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toContain("buy 1");
    expect(String(details.text)).toContain("<b>Python for Data Analysis</b>");

    await h.press(alice, "buy 1");
    const invoice = h.fake.callsOf("sendInvoice").at(-1)!;
    expect(invoice).toMatchObject({
      chat_id: alice.id,
      currency: "XTR",
      provider_token: "",
      prices: [{ amount: 2500 }],
    });
    expect(h.fake.callsOf("answerCallbackQuery")).toHaveLength(1);

    const check = h.fake.preCheckout(alice, { payload: String(invoice.payload), total_amount: 2500 });
    await h.settle(check.updateId);
    expect(await check.answer).toEqual({ ok: true });
    const payment = h.fake.successfulPayment(alice, { payload: String(invoice.payload), total_amount: 2500 });
    await h.settle(payment.updateId);

    const order = await h.db.prisma.order.findFirstOrThrow({ where: { memberId: await h.memberIdOf(alice) } });
    expect(order).toMatchObject({ status: "PAID", currency: "xtr", amount: 2500 });
    expect(await h.db.prisma.payment.findMany({ where: { orderId: order.id } })).toMatchObject([
      { provider: "TELEGRAM_STARS", providerPaymentId: payment.chargeId },
    ]);
    const link = h.fake.callsOf("createChatInviteLink")[0]!;
    expect(link).toMatchObject({ chat_id: String(LOUNGE), creates_join_request: true });
    expect(link.member_limit).toBeUndefined();
    const inviteLink = [...h.fake.inviteLinks.keys()][0]!;
    expect(h.fake.transcript(alice.id)).toContain(`Join here: ${inviteLink}`);

    await h.say(alice, "/mycourses");
    expect(h.fake.textsTo(alice.id).at(-1)).toContain(inviteLink);

    await h.settle(h.fake.requestJoin(alice, LOUNGE, inviteLink));
    expect(h.fake.callsOf("approveChatJoinRequest")).toMatchObject([{ chat_id: LOUNGE, user_id: alice.id }]);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);
    expect(h.fake.transcript(alice.id)).toContain("Welcome to Paid Lounge! Your request was approved.");
    const membership = await h.db.prisma.gateMembership.findFirstOrThrow();
    expect(membership.state).toBe("PRESENT");
  });

  it("a non-buyer's join request is declined with what to buy", async () => {
    await bindLounge();
    await h.say(bob, "/start");
    await h.settle(h.fake.requestJoin(bob, LOUNGE));
    expect(h.fake.callsOf("declineChatJoinRequest")).toMatchObject([{ chat_id: LOUNGE, user_id: bob.id }]);
    expect(h.fake.callsOf("approveChatJoinRequest")).toHaveLength(0);
    expect(h.fake.isMember(LOUNGE, bob.id)).toBe(false);
    const declined = h.fake.transcript(bob.id);
    expect(declined).toContain("Your request to join Paid Lounge was declined");
    expect(declined).toContain("Python for Data Analysis");
  });

  it("a join request to a chat that is not a gate is left alone", async () => {
    h.fake.chat(-1009, { title: "Free chat" });
    await h.settle(h.fake.requestJoin(bob, -1009));
    expect(h.fake.callsOf("declineChatJoinRequest")).toHaveLength(0);
    expect(h.fake.callsOf("approveChatJoinRequest")).toHaveLength(0);
  });

  it("the same successful payment delivered twice grants once", async () => {
    await bindLounge();
    const { invoice, chargeId } = await buyWithStars(alice);
    const again = h.fake.successfulPayment(alice, { payload: String(invoice.payload), total_amount: 2500, chargeId });
    await h.settle(again.updateId);
    const memberId = await h.memberIdOf(alice);
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count({ where: { memberId } })).toBe(1);
    expect(h.fake.transcript(alice.id).match(/Payment received/g)).toHaveLength(1);
  });

  it("pre-checkout refuses a changed amount, someone else's order and a forged payload, and nothing is granted", async () => {
    await h.say(alice, "/buy 1");
    const payload = String(h.fake.callsOf("sendInvoice").at(-1)!.payload);
    const cheaper = h.fake.preCheckout(alice, { payload, total_amount: 1 });
    const stolen = h.fake.preCheckout(mallory, { payload, total_amount: 2500 });
    const forged = h.fake.preCheckout(mallory, { payload: "lyceum:order:999999", total_amount: 2500 });
    const garbage = h.fake.preCheckout(mallory, { payload: "'; DROP TABLE orders; --", total_amount: 2500 });
    await h.settle(cheaper.updateId, stolen.updateId, forged.updateId, garbage.updateId);
    for (const answer of [cheaper.answer, stolen.answer, forged.answer, garbage.answer]) {
      const { ok, error_message } = await answer;
      expect(ok).toBe(false);
      expect(error_message).toMatch(/\S/);
    }
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("PENDING");
  });

  it("a payment Telegram took for a forged payload is recorded for the creator and grants nothing", async () => {
    await h.say(h.creator, "/start");
    await h.say(alice, "/buy 1");
    const payload = String(h.fake.callsOf("sendInvoice").at(-1)!.payload);
    await h.settle(h.fake.successfulPayment(mallory, { payload, total_amount: 2500 }).updateId);
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect(h.fake.transcript(mallory.id)).toContain("did not match an open order");
    expect(h.fake.transcript(h.creator.id)).toContain("did not match the order");
  });

  it("a refund approved by the creator refunds the Stars and removes the member from the chat", async () => {
    await bindLounge();
    const { chargeId } = await buyWithStars(alice);
    const inviteLink = [...h.fake.inviteLinks.keys()][0]!;
    await h.settle(h.fake.requestJoin(alice, LOUNGE, inviteLink));
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);

    await h.say(alice, "/refund 1 not for me");
    await h.say(h.creator, "/approve 1");
    expect(h.fake.callsOf("refundStarPayment")).toMatchObject([
      { user_id: alice.id, telegram_payment_charge_id: chargeId },
    ]);
    expect(h.fake.charges.get(chargeId)?.refunded).toBe(true);
    expect(h.fake.callsOf("banChatMember")).toMatchObject([{ chat_id: String(LOUNGE), user_id: alice.id }]);
    expect(h.fake.callsOf("unbanChatMember")).toMatchObject([
      { chat_id: String(LOUNGE), user_id: alice.id, only_if_banned: true },
    ]);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(false);
    expect(h.fake.chats.get(LOUNGE)?.members.get(alice.id)).toBe("left"); // unbanned: free to buy and come back
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow();
    expect(entitlement.revokedAt).not.toBeNull();
  });

  it("a member who blocked the bot does not stop the sweep, and is marked unreachable", async () => {
    await buyWithStars(alice);
    await buyWithStars(bob);
    h.fake.blocked.add(bob.id);
    await bindLounge(); // binding reconciles the gate: both are sent the link, Bob's message fails
    expect(h.fake.transcript(alice.id)).toContain("Join here:");
    const bobAccount = await h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: String(bob.id) } });
    expect(bobAccount.unreachableSince).not.toBeNull();
    h.fake.calls.length = 0;
    await h.sweep();
    expect(h.fake.callsOf("getChatMember").map((c) => c.user_id)).toEqual(expect.arrayContaining([alice.id, bob.id]));
  });

  it("a member who blocked the bot does not stop a broadcast", async () => {
    await h.say(h.creator, "/start");
    await h.say(alice, "/start");
    await h.say(bob, "/start");
    h.fake.blocked.add(alice.id); // the first recipient fails, the others must still get it
    await h.say(h.creator, "/broadcast New lesson out today");
    await h.say(h.creator, "/broadcast 1 send");
    await h.jobs.idle();
    expect(h.fake.transcript(bob.id)).toContain("New lesson out today");
    expect(h.fake.transcript(h.creator.id)).toContain("New lesson out today");
    const aliceAccount = await h.db.prisma.platformAccount.findFirstOrThrow({
      where: { externalId: String(alice.id) },
    });
    expect(aliceAccount.unreachableSince).not.toBeNull();
  });

  it("a non-creator cannot run creator commands, typed or pressed", async () => {
    await h.say(alice, "/buy 1");
    for (const line of ["/confirm 1", `/gate ${LOUNGE} 1`, "/approve 1", "/grant @mallory 1", "/refunds"]) {
      h.fake.calls.length = 0;
      await h.say(mallory, line);
      expect(h.fake.transcript(mallory.id), line).toBe(FORBIDDEN);
    }
    h.fake.calls.length = 0;
    await h.press(mallory, "confirm 1");
    expect(h.fake.transcript(mallory.id)).toBe(FORBIDDEN);
    expect(await h.db.prisma.gate.count({ where: { platform: "TELEGRAM" } })).toBe(0);
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("PENDING");
  });

  it("tampered callback data and deep-link arguments get a clear reply and change nothing", async () => {
    await h.press(mallory, "buy 1; DROP TABLE orders");
    expect(h.fake.textsTo(mallory.id).at(-1)).toContain("Usage");
    await h.press(mallory, "\u0000\u0001");
    expect(h.fake.textsTo(mallory.id).at(-1)).toContain("no longer valid");
    await h.press(mallory, "grant 2666 1");
    expect(h.fake.textsTo(mallory.id).at(-1)).toBe(FORBIDDEN);
    await h.say(mallory, "/start course_99999");
    expect(h.fake.textsTo(mallory.id).at(-1)).toContain("Welcome");
    await h.say(mallory, "/start ref_<b>x</b>");
    expect(h.fake.textsTo(mallory.id).at(-1)).toContain("Welcome");
    await h.say(mallory, "/buy <script>alert(1)</script>");
    expect(h.fake.textsTo(mallory.id).at(-1)).toContain("&lt;"); // escaped, so Telegram accepted the HTML
    expect(await h.db.prisma.order.count()).toBe(0);
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect(await h.db.prisma.member.count({ where: { referredById: { not: null } } })).toBe(0);
  });

  it("a member whose Telegram speaks Chinese is answered in Chinese", async () => {
    const li = h.fake.user(2088, "李雷", { language_code: "zh-hans" });
    await h.say(li, "/courses");
    expect(h.fake.transcript(li.id)).toContain("Python 数据分析入门");
  });
});

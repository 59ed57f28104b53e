/**
 * The core pieces every chat platform adapter builds on, driven through the same router and use cases the adapters
 * call: Stars invoices and payments, join requests, Q&A threads, account linking.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bindGate } from "../../core/access/bind-gate.js";
import { decideJoinRequest, recordGatePresence } from "../../core/access/join-requests.js";
import { checkStarsCheckout } from "../../core/commerce/check-stars-checkout.js";
import { recordStarsPayment } from "../../core/commerce/record-stars-payment.js";
import { acceptAnswer } from "../../core/community/accept-answer.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { askQuestion } from "../../core/community/ask-question.js";
import { commandList, handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import { parseCommand } from "../../core/conversation/request.js";
import type { PlatformUser } from "../../core/identity/resolve-member.js";
import type { StarsPayments } from "../../core/ports.js";
import { RecordingGateway } from "../fakes/recording-gateway.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const tgUser = (id: string, languageCode = "en"): PlatformUser => ({
  platform: "TELEGRAM",
  externalId: id,
  displayName: `tg${id}`,
  username: `tg${id}`,
  languageCode,
  chatId: id,
});
const GROUP = "-1001234567890";

class RecordingStars implements StarsPayments {
  refunds: [string, string][] = [];
  canceled: [string, string, boolean][] = [];
  async refundStarPayment(payer: string, chargeId: string) {
    this.refunds.push([payer, chargeId]);
  }
  async setStarSubscriptionCanceled(payer: string, chargeId: string, canceled: boolean) {
    this.canceled.push([payer, chargeId, canceled]);
  }
}

describe("Telegram Stars, join requests, Q&A and linking in the core", () => {
  let h: Harness;
  let telegram: RecordingGateway;
  let stars: RecordingStars;
  const ask = async (user: PlatformUser, line: string, stars = true): Promise<Reply> => {
    const reply = await handleChatRequest(h.ctx, {
      user,
      chat: { id: user.externalId, kind: "private" },
      input: parseCommand(line) ?? { kind: "text", text: line },
      capabilities: { starsInvoices: stars },
      botLink: "https://t.me/LyceumBot?start=",
    });
    await h.jobs.idle();
    return reply;
  };
  const text = (reply: Reply) => reply.messages.map((m) => plainText(m.text)).join("\n");

  beforeAll(async () => {
    h = await createHarness();
    telegram = new RecordingGateway("TELEGRAM");
    stars = new RecordingStars();
    h.ctx.gateways.TELEGRAM = telegram;
    h.ctx.payments.stars = stars;
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    telegram.sent.length = 0;
    telegram.inside.clear();
    telegram.grants = 0;
    telegram.revokes = 0;
    stars.refunds.length = 0;
    stars.canceled.length = 0;
    const creator = await h.say(CREATOR, "/start").then(() => h.memberId(CREATOR));
    await bindGate(h.ctx, {
      staffMemberId: creator,
      platform: "TELEGRAM",
      externalId: GROUP,
      title: "Python Club",
      productIds: [1],
    });
  });

  it("/buy on Telegram answers with a Stars invoice; pre-checkout checks order, payer and amount; payment grants once", async () => {
    const alice = tgUser("111");
    const reply = await ask(alice, "/buy 1");
    const invoice = reply.messages[0]?.invoice;
    expect(invoice).toMatchObject({ amount: 2500, subscriptionPeriodSeconds: null, title: "Python for Data Analysis" });
    expect(text(reply)).toContain("⭐2500");
    const order = await h.db.prisma.order.findFirstOrThrow();
    expect(order).toMatchObject({ currency: "xtr", amount: 2500, provider: "TELEGRAM_STARS", status: "PENDING" });

    const payload = invoice!.payload;
    expect(await checkStarsCheckout(h.ctx, { payload, user: alice, currency: "XTR", totalAmount: 2500 })).toEqual({
      ok: true,
    });
    expect(await checkStarsCheckout(h.ctx, { payload, user: alice, currency: "XTR", totalAmount: 1 })).toMatchObject({
      ok: false,
    });
    expect(
      await checkStarsCheckout(h.ctx, { payload, user: tgUser("999"), currency: "XTR", totalAmount: 2500 }),
    ).toMatchObject({ ok: false, message: expect.stringContaining("not found") });
    expect(
      await checkStarsCheckout(h.ctx, {
        payload: "lyceum:order:99; DROP",
        user: alice,
        currency: "XTR",
        totalAmount: 2500,
      }),
    ).toMatchObject({ ok: false });

    const paid = { payload, user: alice, chargeId: "stxCHARGE1", totalAmount: 2500, currency: "XTR" };
    expect(await recordStarsPayment(h.ctx, paid)).toEqual({ outcome: "paid" });
    expect(await recordStarsPayment(h.ctx, paid)).toEqual({ outcome: "duplicate" });
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count()).toBe(1);
    await h.jobs.idle();
    expect(telegram.members(GROUP).has("111")).toBe(true);
    expect(telegram.messagesTo("111").join("\n")).toContain("Join here: https://chat.example/");
    expect(await checkStarsCheckout(h.ctx, { payload, user: alice, currency: "XTR", totalAmount: 2500 })).toMatchObject(
      { ok: false, message: expect.stringContaining("can't be bought") },
    );
  });

  it("a Stars refund approved by the creator goes back through Telegram and closes access at once", async () => {
    const bob = tgUser("222");
    const invoice = (await ask(bob, "/buy 1")).messages[0]!.invoice!;
    await recordStarsPayment(h.ctx, {
      payload: invoice.payload,
      user: bob,
      chargeId: "stxB",
      totalAmount: 2500,
      currency: "XTR",
    });
    await h.jobs.idle();
    expect(text(await ask(bob, "/refund 1"))).toContain("Refund requested");
    expect(await h.say(CREATOR, "/approve 1")).toBe("Order #1 refunded in Stars; access closed.");
    expect(stars.refunds).toEqual([["222", "stxB"]]);
    expect(telegram.members(GROUP).has("222")).toBe(false);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("REFUNDED");
  });

  it("a Stars subscription renews every 30 days with a new charge, and its refund also cancels it", async () => {
    const cara = tgUser("333");
    const invoice = (await ask(cara, "/buy 5")).messages[0]!.invoice!;
    expect(invoice).toMatchObject({ amount: 750, subscriptionPeriodSeconds: 2_592_000 });
    const firstEnd = new Date(h.clock.now().getTime() + 30 * 86_400_000);
    const first = {
      payload: invoice.payload,
      user: cara,
      totalAmount: 750,
      currency: "XTR",
      isRecurring: true,
      isFirstRecurring: true,
    };
    expect(await recordStarsPayment(h.ctx, { ...first, chargeId: "sub1", subscriptionExpiresAt: firstEnd })).toEqual({
      outcome: "paid",
    });
    const secondEnd = new Date(firstEnd.getTime() + 30 * 86_400_000);
    const renewal = { ...first, isFirstRecurring: false, chargeId: "sub2", subscriptionExpiresAt: secondEnd };
    expect(await recordStarsPayment(h.ctx, renewal)).toEqual({ outcome: "renewed" });
    expect(await recordStarsPayment(h.ctx, renewal)).toEqual({ outcome: "duplicate" });
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { productId: 5 } });
    expect(entitlement.endsAt?.getTime()).toBe(secondEnd.getTime());
    await ask(cara, "/refund 1");
    await h.say(CREATOR, "/approve 1");
    expect(stars.canceled).toEqual([["333", "sub1", true]]);
  });

  it("a join request is approved for a buyer and declined with what to buy for anyone else; intruders are removed", async () => {
    const stranger = tgUser("444", "zh-hans");
    const declined = await decideJoinRequest(h.ctx, { platform: "TELEGRAM", gateExternalId: GROUP, user: stranger });
    expect(declined?.approve).toBe(false);
    expect(text(declined!.reply)).toContain("Python Club");
    expect(text(declined!.reply)).toContain("Python 数据分析入门");
    expect(declined!.reply.messages[0]?.buttons?.[0]?.[0]).toMatchObject({ action: "course 1" });
    expect(
      await decideJoinRequest(h.ctx, { platform: "TELEGRAM", gateExternalId: "-100999", user: stranger }),
    ).toBeNull();

    const buyer = tgUser("555");
    const invoice = (await ask(buyer, "/buy 1")).messages[0]!.invoice!;
    await recordStarsPayment(h.ctx, {
      payload: invoice.payload,
      user: buyer,
      chargeId: "stxJ",
      totalAmount: 2500,
      currency: "XTR",
    });
    expect(
      (await decideJoinRequest(h.ctx, { platform: "TELEGRAM", gateExternalId: GROUP, user: buyer }))?.approve,
    ).toBe(true);

    telegram.members(GROUP).add("444"); // the stranger got in through a forwarded link
    await recordGatePresence(h.ctx, {
      platform: "TELEGRAM",
      gateExternalId: GROUP,
      userExternalId: "444",
      present: true,
    });
    await h.jobs.idle();
    expect(telegram.members(GROUP).has("444")).toBe(false);
  });

  it("a question thread collects answers; only the asker or staff accepts one, and the author earns reputation", async () => {
    const asker = tgUser("601");
    const helper = tgUser("602");
    const thread = `tg:${GROUP}:77`;
    const { questionId, isNew } = await askQuestion(h.ctx, {
      user: asker,
      threadRef: thread,
      title: "pandas groupby?",
      body: "How do I group by two columns?",
    });
    expect(isNew).toBe(true);
    expect(
      (await askQuestion(h.ctx, { user: asker, threadRef: thread, title: "again", body: "again" })).questionId,
    ).toBe(questionId);
    const answer = await answerQuestion(h.ctx, {
      user: helper,
      threadRef: thread,
      body: "df.groupby(['a','b'])",
      messageRef: `${thread}:9`,
    });
    expect(answer).not.toBeNull();
    expect(
      await answerQuestion(h.ctx, { user: helper, threadRef: "tg:other:1", body: "x", messageRef: "tg:other:1:2" }),
    ).toBeNull();
    expect(await acceptAnswer(h.ctx, { user: tgUser("603"), messageRef: `${thread}:9` })).toEqual({
      ok: false,
      reason: "FORBIDDEN",
    });
    expect(await acceptAnswer(h.ctx, { user: asker, messageRef: `${thread}:9` })).toMatchObject({
      ok: true,
      questionId,
      threadRef: thread,
    });
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: questionId } })).toMatchObject({
      status: "SOLVED",
      acceptedAnswerId: answer!.answerId,
    });
    expect((await h.db.prisma.member.findFirstOrThrow({ where: { displayName: "tg602" } })).reputation).toBe(10);
  });

  it("/link joins a Telegram and a console account into one member: one library, access on both", async () => {
    const tg = tgUser("701");
    const invoice = (await ask(tg, "/buy 1")).messages[0]!.invoice!;
    await recordStarsPayment(h.ctx, {
      payload: invoice.payload,
      user: tg,
      chargeId: "stxL",
      totalAmount: 2500,
      currency: "XTR",
    });
    const codeReply = text(await ask(tg, "/link"));
    const code = /code: ([A-Z0-9]{8})/.exec(codeReply)?.[1];
    expect(code).toBeDefined();
    expect(text(await ask(tg, `/link ${code}`))).toBe("These accounts are already linked.");
    expect(await h.say("dora", "/mycourses")).toContain("You don't own anything yet");
    expect(await h.say("dora", `/link ${code!.toLowerCase()}`)).toBe(
      "Linked! Your accounts now share one library, orders and channels.",
    );
    expect(await h.say("dora", "/mycourses")).toContain("Python for Data Analysis");
    expect(h.gateway.members("#members-lounge").has("dora")).toBe(true);
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: await h.memberId("dora") } })).toBe(2);
    expect(await h.say("erik", `/link ${code}`)).toContain("not valid");
    const second = /code: ([A-Z0-9]{8})/.exec(text(await ask(tgUser("702"), "/link")))?.[1];
    expect(text(await ask(tgUser("703"), `/link ${second}`))).toContain("other platform");
    h.clock.advanceDays(1);
    expect(await h.say("erik", `/link ${second}`)).toContain("not valid");
  });

  it("every command has a menu description in both languages, and /profile shows the deep link", async () => {
    for (const locale of ["en", "zh"] as const) {
      for (const command of commandList(locale))
        expect(command.description, `${locale} ${command.name}`).not.toBe(command.name);
    }
    expect(commandList("zh").find((c) => c.name === "buy")?.description).toBe("购买课程");
    expect(text(await ask(tgUser("801"), "/profile"))).toMatch(
      /Invite link: https:\/\/t\.me\/LyceumBot\?start=ref_[A-Z0-9x]+/,
    );
  });
});

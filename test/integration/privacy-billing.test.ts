/**
 * Privacy and billing self-service, driven the way members drive them (the router every adapter uses, the real
 * Stripe adapter against the local Stripe fake, signed webhooks over HTTP): /mydata holds one's own rows and nobody
 * else's; /erase needs two confirmations, erases only the one who asks (and their linked accounts), keeps accounting
 * rows anonymised, and a returning account starts afresh; /billing opens the Customer Portal for a subscriber with
 * one reused Stripe customer; a cancellation at the period end keeps access until then; an expired checkout is never
 * handed out again; /paysupport and /terms answer in both languages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import { parseCommand } from "../../core/conversation/request.js";
import type { MemberExport } from "../../core/identity/export-member-data.js";
import { createHarness, type Harness } from "../support/harness.js";

const LOUNGE = "#members-lounge";

describe("privacy and billing self-service", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const text = (reply: Reply) => reply.messages.map((m) => plainText(m.text)).join("\n");
  const actionOf = (reply: Reply, index = 0) => {
    const button = reply.messages.at(-1)?.buttons?.flat()[index];
    if (!button || !("action" in button)) throw new Error("no action button");
    return button.action;
  };
  const urlOf = (reply: Reply) => {
    const button = reply.messages.flatMap((m) => m.buttons?.flat() ?? []).find((b) => "url" in b);
    return button && "url" in button ? button.url : null;
  };
  /** A member on Telegram, through the same router (for linked accounts). */
  const onTelegram = (externalId: string, line: string) =>
    handleChatRequest(h.ctx, {
      user: { platform: "TELEGRAM", externalId, displayName: `tg ${externalId}`, username: `tg${externalId}` },
      chat: { id: externalId, kind: "private" },
      input: parseCommand(line) ?? { kind: "text", text: line },
    });

  /** `/buy` through Stripe Checkout, paid, its webhook delivered. */
  async function buyAndPay(user: string, productId: number) {
    await h.say(user, `/buy ${productId}`);
    const order = await h.db.prisma.order.findFirstOrThrow({
      where: { member: { accounts: { some: { externalId: user } } } },
      orderBy: { id: "desc" },
    });
    expect((await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!))).status).toBe(200);
    return h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
  }

  async function exportOf(user: string): Promise<{ reply: Reply; data: MemberExport; raw: string }> {
    const reply = await h.sayReply(user, "/mydata");
    const document = reply.messages.find((m) => m.document)?.document;
    if (!document) throw new Error(`no document in: ${text(reply)}`);
    expect(document.fileName).toMatch(/^lyceum-data-\d+-\d{4}-\d\d-\d\d\.json$/);
    const raw = new TextDecoder().decode(document.data);
    return { reply, data: JSON.parse(raw) as MemberExport, raw };
  }

  // --- /mydata

  it("/mydata sends a file with the member's own rows and none of another member's", async () => {
    const aliceOrder = await buyAndPay("alice", 1);
    const bobOrder = await buyAndPay("bob", 1);
    const aliceId = await h.memberId("alice");
    const bobId = await h.memberId("bob");
    await h.db.prisma.question.create({
      data: { memberId: aliceId, platform: "CONSOLE", title: "alice asks", body: "How do pivots work?" },
    });
    await h.db.prisma.question.create({
      data: { memberId: bobId, platform: "CONSOLE", title: "bob asks", body: "bob-secret-question" },
    });
    await h.db.prisma.activityEvent.create({ data: { memberId: bobId, kind: "lesson_opened", data: { bob: true } } });

    const { data, raw } = await exportOf("alice");
    expect(data.member.id).toBe(aliceId);
    expect(data.accounts).toEqual([expect.objectContaining({ platform: "CONSOLE", externalId: "alice" })]);
    expect(data.orders.map((o) => o.id)).toEqual([aliceOrder.id]);
    expect(data.orders[0]!.payments).toHaveLength(1);
    expect(data.entitlements).toEqual([expect.objectContaining({ orderId: aliceOrder.id, revokedAt: null })]);
    expect(data.questions.map((q) => q.body)).toEqual(["How do pivots work?"]);
    // Nothing of bob's: not his order, his question, his account or his activity.
    expect(raw).not.toContain("bob");
    expect(data.orders.some((o) => o.id === bobOrder.id)).toBe(false);
    expect(data.activity.every((e) => !JSON.stringify(e).includes("bob"))).toBe(true);
  });

  it("/mydata and /erase refuse to work in a group chat", async () => {
    const reply = await handleChatRequest(h.ctx, {
      user: { platform: "CONSOLE", externalId: "gina", displayName: "gina" },
      chat: { id: "#general", kind: "group" },
      input: parseCommand("/mydata")!,
    });
    expect(reply.messages.some((m) => m.document)).toBe(false);
    expect(text(reply)).toContain("private chat");
  });

  // --- /erase

  it("/erase needs both confirmations, then erases personal data and keeps accounting rows anonymised", async () => {
    const order = await buyAndPay("erin", 1);
    const erinId = await h.memberId("erin");
    expect(h.gateway.members(LOUNGE).has("erin")).toBe(true);
    const question = await h.db.prisma.question.create({
      data: { memberId: erinId, platform: "CONSOLE", title: "erin's title", body: "erin's private worry" },
    });
    const reply = await h.db.prisma.answer.create({
      data: { questionId: question.id, authorId: erinId, body: "erin answers herself" },
    });
    await h.db.prisma.activityEvent.create({ data: { memberId: erinId, kind: "lesson_opened" } });
    await h.db.prisma.answerVote.create({ data: { answerId: reply.id, memberId: erinId, helpful: true } });
    expect(await h.say("erin", "/trial 2")).toContain("free trial");
    const personal = await h.db.prisma.coupon.create({ data: { code: "KEEP-ERIN", percentOff: 20, memberId: erinId } });
    const before = (await exportOf("erin")).data;
    expect(before.trials).toEqual([expect.objectContaining({ productId: 2, convertedAt: null })]);
    expect(before.personalCoupons).toEqual([expect.objectContaining({ code: "KEEP-ERIN", percentOff: 20 })]);

    // 1. /erase explains and asks to continue; nothing happens yet.
    const first = await h.sayReply("erin", "/erase");
    expect(text(first)).toContain("Erase your data");
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: erinId } })).erasedAt).toBeNull();
    // 2. Continue asks once more, with a one-time button; still nothing erased.
    const second = await h.sayReply("erin", `/${actionOf(first)}`);
    const eraseNow = actionOf(second);
    expect(eraseNow).toMatch(/^erase now \S+$/);
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: erinId } })).erasedAt).toBeNull();
    // Typed text and a forged token erase nothing.
    expect(await h.say("erin", "yes erase")).toContain("Nothing was erased yet");
    expect(await h.press("erin", "erase now forged-token")).toContain("expired or is not valid");
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: erinId } })).toBe(1);

    expect(await h.press("erin", eraseNow)).toContain("Your data has been erased");

    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { id: erinId } });
    expect(member).toMatchObject({ displayName: "erased member", stripeCustomerId: null });
    expect(member.erasedAt).not.toBeNull();
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: erinId } })).toBe(0);
    expect(await h.db.prisma.activityEvent.count({ where: { memberId: erinId } })).toBe(0);
    expect(await h.db.prisma.answerVote.count({ where: { memberId: erinId } })).toBe(0);
    expect(await h.db.prisma.trial.count({ where: { memberId: erinId } })).toBe(0);
    expect((await h.db.prisma.coupon.findUniqueOrThrow({ where: { id: personal.id } })).active).toBe(false);
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } })).toMatchObject({
      title: "[erased]",
      body: "[erased]",
    });
    expect((await h.db.prisma.answer.findUniqueOrThrow({ where: { id: reply.id } })).body).toBe("[erased]");
    // Accounting stays: the order and its payment with amounts and dates, owned by the anonymised member.
    const kept = await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(kept).toMatchObject({ memberId: erinId, amount: order.amount, status: "PAID" });
    expect(kept.payments).toHaveLength(1);
    expect(kept.paidAt).not.toBeNull();
    // Access revoked through the access path, and out of the paid channel.
    const entitlements = await h.db.prisma.entitlement.findMany({ where: { memberId: erinId } });
    expect(entitlements.every((e) => e.revokedAt !== null && e.revokeReason === "ERASED")).toBe(true);
    expect(h.gateway.members(LOUNGE).has("erin")).toBe(false);

    // The same account writing again is a new member.
    await h.say("erin", "/start");
    expect(await h.memberId("erin")).not.toBe(erinId);
    expect((await exportOf("erin")).data.orders).toEqual([]);
  });

  it("nobody can erase someone else: not with a name, not with another account's button, not a creator", async () => {
    await h.say("fay", "/start");
    const fayId = await h.memberId("fay");
    const confirm = await h.sayReply("fay", "/erase confirm");
    const fayButton = actionOf(confirm);

    expect(await h.say("gus", `/erase ${fayId}`)).toContain("nobody can erase someone else");
    expect(await h.say("gus", "/erase @fay")).toContain("nobody can erase someone else");
    expect(await h.press("gus", fayButton)).toContain("expired or is not valid");
    expect(await h.say("creator", `/erase ${fayId}`)).toContain("nobody can erase someone else");
    expect(await h.say("creator", "/erase now x")).toContain("expired or is not valid");

    const fay = await h.db.prisma.member.findUniqueOrThrow({ where: { id: fayId } });
    expect(fay.erasedAt).toBeNull();
    expect(fay.displayName).toBe("fay");
    expect(await h.db.prisma.member.count({ where: { erasedAt: { not: null } } })).toBe(0);
  });

  it("a stale second confirmation erases nothing", async () => {
    await h.say("hana", "/start");
    const button = actionOf(await h.sayReply("hana", "/erase confirm"));
    h.clock.advanceDays(1);
    expect(await h.press("hana", button)).toContain("expired or is not valid");
    expect((await h.db.prisma.member.findFirstOrThrow({ where: { displayName: "hana" } })).erasedAt).toBeNull();
  });

  it("erasing from one account erases its linked accounts too; each returns as a new member", async () => {
    await h.say("ivy", "/start");
    const ivyId = await h.memberId("ivy");
    const code = /`([^`]+)`/.exec((await h.sayReply("ivy", "/link")).messages[0]!.text)?.[1];
    expect(code).toBeTruthy();
    expect(text(await onTelegram("777", `/link ${code}`))).not.toContain("not valid");
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: ivyId } })).toBe(2);

    const button = actionOf(await h.sayReply("ivy", "/erase confirm"));
    expect(await h.press("ivy", button)).toContain("erased");
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: ivyId } })).toBe(0);

    await onTelegram("777", "/start");
    const telegram = await h.db.prisma.platformAccount.findUniqueOrThrow({
      where: { platform_externalId: { platform: "TELEGRAM", externalId: "777" } },
    });
    expect(telegram.memberId).not.toBe(ivyId);
  });

  it("a subscriber is asked to stop the subscription at Stripe before erasure, and it is canceled there", async () => {
    const order = await buyAndPay("jon", 5);
    const subscriptionRef = h.stripe!.sessions.get(order.checkoutRef!)!.subscription as string;
    h.stripe!.setDown(true);
    const button = actionOf(await h.sayReply("jon", "/erase confirm"));
    expect(await h.press("jon", button)).toContain("nothing was erased");
    expect((await h.db.prisma.member.findFirstOrThrow({ where: { displayName: "jon" } })).erasedAt).toBeNull();
    h.stripe!.setDown(false);
    const again = actionOf(await h.sayReply("jon", "/erase confirm"));
    expect(await h.press("jon", again)).toContain("Your data has been erased");
    expect(h.stripe!.subscriptions.get(subscriptionRef)!.status).toBe("canceled");
  });

  // --- /billing

  it("/billing gives a subscriber a Customer Portal link for their one Stripe customer, reused by later checkouts", async () => {
    const order = await buyAndPay("kim", 5);
    const customer = h.stripe!.sessions.get(order.checkoutRef!)!.customer as string;
    expect(customer).toMatch(/^cus_/);
    expect((await h.db.prisma.member.findFirstOrThrow({ where: { displayName: "kim" } })).stripeCustomerId).toBe(
      customer,
    );

    const reply = await h.sayReply("kim", "/billing");
    const portal = h.stripe!.portalSessions.at(-1)!;
    expect(urlOf(reply)).toBe(portal.url);
    expect(portal).toMatchObject({ customer, locale: "en" });
    expect(portal.return_url).toMatch(/\/billing\/return$/);

    // The next checkout names the same customer instead of making another.
    await h.say("kim", "/buy 1");
    const body = h.stripe!.requests.findLast((r) => r.path === "/v1/checkout/sessions")!.body as Record<
      string,
      unknown
    >;
    expect(body.customer).toBe(customer);
  });

  it("/billing tells a member without a subscription so, in their language", async () => {
    await buyAndPay("lee", 1); // a one-time purchase is not a subscription
    const portalsBefore = h.stripe!.portalSessions.length;
    expect(await h.say("lee", "/billing")).toContain("no running subscription");
    expect(await h.say("mei", "/billing", "zh")).toContain("没有进行中的订阅");
    expect(h.stripe!.portalSessions).toHaveLength(portalsBefore);
  });

  it("canceling at the period end keeps access until that end, then closes it", async () => {
    const order = await buyAndPay("ned", 5);
    const subscriptionRef = h.stripe!.sessions.get(order.checkoutRef!)!.subscription as string;
    const paidUntil = (await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: order.id } })).endsAt!;
    // What the Customer Portal does: the subscription is set to end with its period.
    await h.ctx.payments.stripe!.cancelSubscription(subscriptionRef, { atPeriodEnd: true });
    const updated = h.stripe!.events.findLast((e) => e.type === "customer.subscription.updated")!;
    expect((await h.deliver(updated)).status).toBe(200);

    // The demo subscription starts with a trial: still running, set to end.
    const subscription = await h.db.prisma.subscription.findFirstOrThrow();
    expect(subscription.cancelAtPeriodEnd).toBe(true);
    expect(["ACTIVE", "TRIALING"]).toContain(subscription.status);
    const during = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    expect(during.revokedAt).toBeNull();
    expect(during.endsAt?.getTime()).toBe(paidUntil.getTime());
    expect(await h.say("ned", "/mycourses")).not.toContain("nothing yet");
    expect(h.gateway.members(LOUNGE).has("ned")).toBe(true);

    h.clock.advanceDays(31);
    await h.deliver(h.stripe!.cancelSubscription(subscriptionRef));
    const after = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    expect(after.revokedAt).not.toBeNull();
  });

  // --- Expired checkouts

  it("an expired checkout cancels its order, and /buy then opens a fresh checkout instead of the dead link", async () => {
    const first = await h.sayReply("oli", "/buy 1");
    const deadUrl = urlOf(first);
    const order = await h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect((await h.deliver(h.stripe!.expireCheckout(order.checkoutRef!))).status).toBe(200);
    expect(await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: "CANCELED",
    });

    const again = await h.sayReply("oli", "/buy 1");
    expect(urlOf(again)).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(urlOf(again)).not.toBe(deadUrl);
    const fresh = await h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(fresh.id).not.toBe(order.id);
    expect(fresh.status).toBe("PENDING");
  });

  it("a checkout about to expire is not handed out again even when its expiry event never came", async () => {
    const deadUrl = urlOf(await h.sayReply("pia", "/buy 1"));
    h.clock.advanceDays(23.5 / 24);
    const again = await h.sayReply("pia", "/buy 1");
    expect(urlOf(again)).not.toBe(deadUrl);
    expect(await h.db.prisma.order.count()).toBe(2);
  });

  // --- Telegram's required answers for Stars sellers

  it("/paysupport and /terms answer in English and Chinese, and the creator's own texts replace them", async () => {
    expect(await h.say("quinn", "/paysupport")).toContain("Payment support");
    expect(await h.say("quinn", "/terms")).toContain("Terms of sale");
    expect(await h.say("rui", "/paysupport", "zh")).toContain("付款帮助");
    expect(await h.say("rui", "/terms", "zh")).toContain("销售条款");

    h.ctx.config.paySupportText = { en: "Mail pay@example.com *any* time", zh: "请发邮件到 pay@example.com" };
    h.ctx.config.termsText = { en: "Our terms: https://example.com/terms" };
    try {
      const support = await h.sayReply("quinn", "/paysupport");
      expect(text(support)).toBe("Payment support\nMail pay@example.com *any* time");
      expect(await h.say("rui", "/paysupport", "zh")).toContain("请发邮件到 pay@example.com");
      // Only an English text configured: Chinese members see it rather than nothing.
      expect(await h.say("rui", "/terms", "zh")).toContain("https://example.com/terms");
    } finally {
      h.ctx.config.paySupportText = undefined;
      h.ctx.config.termsText = undefined;
    }
  });
});

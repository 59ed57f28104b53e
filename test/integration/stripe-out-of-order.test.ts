/**
 * Money and access under Stripe's real delivery: events late, early, twice or at the same instant, refunds of
 * subscriptions from chat, checkouts we did not create, and a webhook outage healed by the reconciler alone. Each
 * case drives the product the way Stripe and the creator would: the real SDK against the local Stripe fake, signed
 * events POSTed to the HTTP server, chat commands through the router, a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StripeEventJson } from "../fakes/stripe-fake.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const LOUNGE = "#members-lounge";
const DAY_MS = 86_400_000;

describe("Stripe events in any order", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true, gracePeriodDays: 3 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  // --- Helpers

  const stripe = () => h.stripe!;
  async function orderOf(user: string) {
    return h.db.prisma.order.findFirstOrThrow({
      where: { member: { accounts: { some: { externalId: user } } } },
      orderBy: { id: "desc" },
    });
  }
  async function buy(user: string, productId = 1) {
    await h.say(user, `/buy ${productId}`);
    const order = await orderOf(user);
    expect(order.checkoutRef).toMatch(/^cs_test_/);
    return order;
  }
  const order = (id: number) => h.db.prisma.order.findUniqueOrThrow({ where: { id } });
  const activeFor = async (user: string) =>
    h.db.prisma.entitlement.findMany({
      where: { member: { accounts: { some: { externalId: user } } }, revokedAt: null },
    });
  const inLounge = (user: string) => h.gateway.members(LOUNGE).has(user);
  const paymentIntentOf = (checkoutRef: string) => stripe().sessions.get(checkoutRef)!.payment_intent as string;
  const eventsSince = (start: number, type?: string) =>
    stripe()
      .events.slice(start)
      .filter((e) => !type || e.type === type);
  async function deliverAll(events: StripeEventJson[]) {
    for (const event of events) expect((await h.deliver(event)).status).toBe(200);
  }
  async function subscribe(user: string) {
    const before = stripe().events.length;
    const order = await buy(user, 5);
    const completed = stripe().completeCheckout(order.checkoutRef!);
    const subscriptionRef = stripe().sessions.get(order.checkoutRef!)!.subscription as string;
    const firstInvoice = eventsSince(before, "invoice.paid")[0]!;
    return { order, completed, firstInvoice, subscriptionRef };
  }

  // --- Disputes before payments

  it("a dispute delivered before its checkout is applied when the checkout arrives: no access, ever", async () => {
    const bought = await buy("dana");
    const completed = stripe().completeCheckout(bought.checkoutRef!);
    const disputed = stripe().dispute(paymentIntentOf(bought.checkoutRef!));

    const early = await h.deliver(disputed);
    expect(early).toMatchObject({ status: 200, body: { outcome: "applied" } });
    expect((await h.deliver(completed)).status).toBe(200);

    expect((await order(bought.id)).status).toBe("DISPUTED");
    expect(await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: bought.id } })).toMatchObject({
      status: "DISPUTED",
      disputeStatus: "OPEN",
      amount: bought.amount,
    });
    expect(await activeFor("dana")).toHaveLength(0);
    expect(inLounge("dana")).toBe(false);
    expect(h.gateway.messagesTo("dana").join("\n")).not.toContain("Payment received");
  });

  it("a dispute won gives access back; a dispute lost keeps it closed", async () => {
    const won = await buy("wes");
    await h.deliver(stripe().completeCheckout(won.checkoutRef!));
    const wonDispute = stripe().dispute(paymentIntentOf(won.checkoutRef!));
    await h.deliver(wonDispute);
    expect(inLounge("wes")).toBe(false);
    await h.deliver(stripe().closeDispute(wonDispute.data.object.id, "won"));
    expect((await order(won.id)).status).toBe("PAID");
    expect(await activeFor("wes")).toHaveLength(1);
    expect(inLounge("wes")).toBe(true);

    const lost = await buy("lou");
    const completed = stripe().completeCheckout(lost.checkoutRef!);
    const lostDispute = stripe().dispute(paymentIntentOf(lost.checkoutRef!));
    const closed = stripe().closeDispute(lostDispute.data.object.id, "lost");
    // Delivered backwards: the outcome first, then the dispute, then the payment.
    await deliverAll([closed, lostDispute, completed]);
    expect((await order(lost.id)).status).toBe("DISPUTED");
    expect(await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: lost.id } })).toMatchObject({
      disputeStatus: "LOST",
    });
    expect(await activeFor("lou")).toHaveLength(0);
  });

  it("a dispute on a renewal delivered before its invoice.paid closes access when the invoice arrives", async () => {
    const { order: sub, completed, firstInvoice, subscriptionRef } = await subscribe("sid");
    await deliverAll([completed, firstInvoice]);
    const renewal = stripe().renewSubscription(subscriptionRef, { periodDays: 30 });
    const disputed = stripe().dispute(renewal.data.object.id);
    await deliverAll([disputed, renewal]);
    expect((await order(sub.id)).status).toBe("DISPUTED");
    expect(await activeFor("sid")).toHaveLength(0);
    expect(inLounge("sid")).toBe(false);
  });

  // --- Partial refunds

  it("a partial refund delivered before its payment keeps access; each refund is stored once with its own amount", async () => {
    const bought = await buy("pat");
    const completed = stripe().completeCheckout(bought.checkoutRef!);
    const intent = paymentIntentOf(bought.checkoutRef!);
    const thirty = Math.round(bought.amount * 0.3);
    const first = stripe().refund(intent, { amount: thirty });
    const second = stripe().refund(intent, { amount: 100 });

    await deliverAll([second, first, first, completed, second]);
    expect((await order(bought.id)).status).toBe("PAID");
    expect(await activeFor("pat")).toHaveLength(1);
    const payment = await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: bought.id } });
    expect(payment).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: thirty + 100 });
    const refunds = await h.db.prisma.refund.findMany({ where: { orderId: bought.id }, orderBy: { amount: "asc" } });
    expect(refunds.map((r) => r.amount)).toEqual([100, thirty].sort((a, b) => a - b));
    expect(refunds.every((r) => r.status === "SUCCEEDED")).toBe(true);

    // The rest refunded later: now it is a full refund, and access closes.
    await h.deliver(stripe().refund(intent));
    expect(await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: bought.id } })).toMatchObject({
      status: "REFUNDED",
      refundedAmount: bought.amount,
    });
    expect((await order(bought.id)).status).toBe("REFUNDED");
    expect(await activeFor("pat")).toHaveLength(0);
  });

  // --- Subscriptions refunded from chat

  it("a subscription refunded from chat is cancelled at Stripe, so no renewal can charge the member again", async () => {
    const { order: sub, completed, firstInvoice, subscriptionRef } = await subscribe("rae");
    await deliverAll([completed, firstInvoice]);
    h.clock.advanceDays(7); // the trial ends and the first month is charged
    await h.deliver(stripe().renewSubscription(subscriptionRef, { periodDays: 30 }));
    expect(inLounge("rae")).toBe(true);

    await h.say("rae", `/refund ${sub.id} changed my mind`);
    const reply = await h.say(CREATOR, "/approve 1");
    expect(reply).toContain(`Order #${sub.id} refunded through Stripe`);
    expect(reply).toContain("subscription is cancelled at Stripe");
    expect(stripe().subscriptions.get(subscriptionRef)!.status).toBe("canceled");
    expect(inLounge("rae")).toBe(false);
    expect((await order(sub.id)).status).toBe("REFUNDED");

    // Stripe's own events arrive afterwards, in any order, and change nothing.
    const start = stripe().events.length - 2;
    await deliverAll(eventsSince(Math.max(0, start)).reverse());
    expect(() => stripe().renewSubscription(subscriptionRef)).toThrow(/canceled/);
    expect(await h.db.prisma.payment.count({ where: { orderId: sub.id } })).toBe(2);
    expect(await h.db.prisma.payment.count({ where: { orderId: sub.id, status: "REFUNDED" } })).toBe(1);
    expect(await activeFor("rae")).toHaveLength(0);
  });

  // --- Checkouts we did not create

  it("a checkout session we did not create cannot pay an order: recorded apart, the creator told, nothing granted", async () => {
    const bought = await buy("fox");
    await h.say(CREATOR, "/start");
    const lower = stripe().createForeignSession({
      amount: 100,
      currency: bought.currency,
      clientReferenceId: String(bought.id),
      metadata: { orderId: String(bought.id) },
    });
    const response = await h.deliver(stripe().completeCheckout(lower.id));
    expect(response).toMatchObject({ status: 200, body: { outcome: "foreign" } });
    // Same price through a Payment Link: still not the session made for the order.
    const samePrice = stripe().createForeignSession({
      amount: bought.amount,
      currency: bought.currency,
      clientReferenceId: String(bought.id),
    });
    await h.deliver(stripe().completeCheckout(samePrice.id));

    expect((await order(bought.id)).status).toBe("PENDING");
    expect(await h.db.prisma.payment.count()).toBe(0);
    expect(await activeFor("fox")).toHaveLength(0);
    const unmatched = await h.db.prisma.unmatchedPayment.findMany({ orderBy: { id: "asc" } });
    expect(unmatched.map((u) => [u.claimedOrderId, u.amount])).toEqual([
      [bought.id, 100],
      [bought.id, bought.amount],
    ]);
    expect(h.gateway.messagesTo(CREATOR).join("\n")).toContain(`did not create for order #${bought.id}`);

    // The member's own checkout still works.
    await h.deliver(stripe().completeCheckout(bought.checkoutRef!));
    expect((await order(bought.id)).status).toBe("PAID");
  });

  // --- Subscription endings before the checkout

  it("a deletion delivered before the checkout is applied (no 503) and the checkout grants nothing", async () => {
    const { order: sub, completed, firstInvoice, subscriptionRef } = await subscribe("del");
    const deleted = stripe().cancelSubscription(subscriptionRef);
    const early = await h.deliver(deleted);
    expect(early.status).toBe(200);
    await deliverAll([completed, firstInvoice]);
    expect(await activeFor("del")).toHaveLength(0);
    expect(inLounge("del")).toBe(false);
    expect((await h.db.prisma.subscription.findFirstOrThrow()).status).toBe("CANCELED");
    expect(await h.db.prisma.payment.count({ where: { orderId: sub.id } })).toBe(1);
  });

  it("a subscription first heard of after a failed renewal gets grace from the end of the paid period only", async () => {
    const { order: sub, subscriptionRef } = await subscribe("pdu");
    // The seeded monthly offer starts with a 7-day trial: the trial is the period paid for (with nothing).
    const paidPeriodEnd = stripe().subscriptions.get(subscriptionRef)!.items.data[0]!.current_period_end * 1000;
    h.clock.advanceDays(7);
    const [failed, pastDue] = stripe().failRenewal(subscriptionRef);
    await deliverAll([pastDue, failed]);

    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: sub.id } });
    expect(entitlement.endsAt!.getTime()).toBe(paidPeriodEnd);
    expect(entitlement.graceUntil!.getTime()).toBe(paidPeriodEnd + 3 * DAY_MS);
    expect(entitlement.revokedAt).toBeNull();

    // Retries exhausted: unpaid closes access at once.
    await h.deliver(stripe().markUnpaid(subscriptionRef));
    expect(await activeFor("pdu")).toHaveLength(0);
    expect(inLounge("pdu")).toBe(false);
  });

  it("a renewal recovered after a failure extends access; a stale failure delivered late changes nothing", async () => {
    const { order: sub, completed, subscriptionRef } = await subscribe("rec");
    await h.deliver(completed);
    const [failed, pastDue] = stripe().failRenewal(subscriptionRef);
    const [paid, active] = stripe().retryRenewal(subscriptionRef);
    await deliverAll([paid, active, pastDue, failed]);
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: sub.id } });
    const periodEnd = stripe().subscriptions.get(subscriptionRef)!.items.data[0]!.current_period_end * 1000;
    expect(entitlement).toMatchObject({ graceUntil: null, revokedAt: null });
    expect(entitlement.endsAt!.getTime()).toBe(periodEnd);
    expect(await h.db.prisma.payment.count({ where: { orderId: sub.id } })).toBe(2);
  });

  // --- Concurrency

  it("checkout.session.completed and the first invoice.paid at the same instant never answer 5xx", async () => {
    const stories = [];
    for (const user of ["c1", "c2", "c3", "c4", "c5", "c6"]) stories.push(await subscribe(user));
    const responses = await Promise.all(
      stories.flatMap((s) => [h.deliver(s.completed), h.deliver(s.firstInvoice), h.deliver(s.completed)]),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const s of stories) {
      expect(await h.db.prisma.payment.count({ where: { orderId: s.order.id } })).toBe(1);
      expect(await h.db.prisma.entitlement.count({ where: { orderId: s.order.id, revokedAt: null } })).toBe(1);
    }
    expect(await h.db.prisma.subscription.count()).toBe(stories.length);
  });

  // --- Stripe down while a webhook is handled

  it("when Stripe cannot be read the webhook answers 503, stores nothing, and the redelivery applies it", async () => {
    const bought = await buy("dwn");
    const completed = stripe().completeCheckout(bought.checkoutRef!);
    stripe().setDown(true);
    const refused = await h.deliver(completed).finally(() => stripe().setDown(false));
    expect(refused.status).toBe(503);
    expect(await h.db.prisma.paymentEvent.count()).toBe(0);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await order(bought.id)).status).toBe("PAID");
  });

  // --- The reconciler

  it("a webhook outage of hours is healed by /reconcile alone, without any redelivery", async () => {
    const paid = await buy("o1");
    stripe().completeCheckout(paid.checkoutRef!);
    const refunded = await buy("o2");
    await h.deliver(stripe().completeCheckout(refunded.checkoutRef!)); // delivered before the outage
    const disputed = await buy("o3");
    stripe().completeCheckout(disputed.checkoutRef!);
    const { order: sub, subscriptionRef } = await subscribe("o4");
    // The outage: none of these reach us.
    stripe().refund(paymentIntentOf(refunded.checkoutRef!));
    stripe().dispute(paymentIntentOf(disputed.checkoutRef!));
    stripe().renewSubscription(subscriptionRef, { periodDays: 30 });

    const report = await h.say(CREATOR, "/reconcile");
    expect(report).toMatch(/Checked \d+ Stripe checkout/);
    expect(report).toContain(`#${paid.id}: payment recorded`);
    expect(report).toContain(`#${refunded.id}:`);

    expect((await order(paid.id)).status).toBe("PAID");
    expect(inLounge("o1")).toBe(true);
    expect((await order(refunded.id)).status).toBe("REFUNDED");
    expect(inLounge("o2")).toBe(false);
    expect((await order(disputed.id)).status).toBe("DISPUTED");
    expect(await activeFor("o3")).toHaveLength(0);
    expect(await h.db.prisma.payment.count({ where: { orderId: sub.id } })).toBe(2);
    const periodEnd = stripe().subscriptions.get(subscriptionRef)!.items.data[0]!.current_period_end * 1000;
    expect((await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: sub.id } })).endsAt!.getTime()).toBe(
      periodEnd,
    );

    // A second run finds nothing left to repair.
    expect(await h.say(CREATOR, "/reconcile")).toContain(": 0 repaired");
  });

  it("/reconcile is for creators only, and checks its argument", async () => {
    expect(await h.say("mia", "/reconcile")).toBe("Only the creator can do that.");
    expect(await h.say(CREATOR, "/reconcile 1000")).toContain("/reconcile [days, 1–90]");
  });
});

describe("Stripe subscription refunds that end with the period", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true, config: { subscriptionRefund: "period-end" } });
  });
  afterAll(() => h.close());

  it("the creator's refund leaves the subscription to end at the period end, and says so", async () => {
    await h.say("pen", "/buy 5");
    const order = await h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!));
    const subscriptionRef = h.stripe!.sessions.get(order.checkoutRef!)!.subscription as string;
    h.clock.advanceDays(7);
    await h.deliver(h.stripe!.renewSubscription(subscriptionRef, { periodDays: 30 }));
    await h.say("pen", `/refund ${order.id}`);
    const reply = await h.say(CREATOR, "/approve 1");
    expect(reply).toContain("will not renew at Stripe");
    expect(h.stripe!.subscriptions.get(subscriptionRef)).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
    });
    // The money came back, so the access it paid for closes now.
    expect(h.gateway.members(LOUNGE).has("pen")).toBe(false);
  });
});

/**
 * Stripe end to end: the real Stripe SDK creates Checkout Sessions on the local Stripe fake; events are signed with
 * the SDK's test helper and POSTed to our HTTP server; a real database records money and access.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StripeEventJson } from "../fakes/stripe-fake.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const LOUNGE = "#members-lounge";

describe("Stripe Checkout and webhooks", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  async function buy(user: string, productId: number) {
    const reply = await h.sayReply(user, `/buy ${productId}`);
    const button = reply.messages[0]?.buttons?.[0]?.[0];
    expect(button && "url" in button ? button.url : null).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const order = await h.db.prisma.order.findFirstOrThrow({
      where: { member: { accounts: { some: { externalId: user } } } },
      orderBy: { id: "desc" },
    });
    expect(order.checkoutRef).toMatch(/^cs_test_/);
    return order;
  }
  const lastEvent = (type: string): StripeEventJson => {
    const event = [...h.stripe!.events].reverse().find((e) => e.type === type);
    if (!event) throw new Error(`no ${type} event`);
    return event;
  };
  const activeFor = async (user: string) =>
    h.db.prisma.entitlement.findMany({
      where: { member: { accounts: { some: { externalId: user } } }, revokedAt: null },
    });

  it("creates a Checkout Session with cards, Alipay and WeChat Pay and our order id, once per order", async () => {
    const order = await buy("alice", 1);
    await h.say("alice", "/buy 1"); // double click
    const creates = h.stripe!.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(creates).toHaveLength(1);
    const body = creates[0]!.body as Record<string, unknown>;
    expect(body.mode).toBe("payment");
    expect(body.allowed_payment_method_types).toEqual(["card", "alipay", "wechat_pay"]);
    expect(body.metadata).toMatchObject({ orderId: String(order.id) });
    expect(body.client_reference_id).toBe(String(order.id));
  });

  it("when Stripe does not answer, the member is told nothing was charged, and /buy again opens the same order", async () => {
    h.stripe!.failNext("/v1/checkout/sessions", 3, 500);
    expect(await h.say("zed", "/buy 1")).toBe(
      "The payment service is not answering right now. Nothing was charged; please try again in a minute.",
    );
    expect(await h.db.prisma.order.findFirstOrThrow()).toMatchObject({ status: "PENDING", checkoutUrl: null });
    const retry = await buy("zed", 1);
    expect(retry.id).toBe(1);
    expect(await h.db.prisma.order.count()).toBe(1);
  });

  it("checkout.session.completed pays the order, opens the course and the channel; a second delivery changes nothing", async () => {
    const order = await buy("alice", 1);
    const event = h.stripe!.completeCheckout(order.checkoutRef!);
    expect((await h.deliver(event)).status).toBe(200);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");
    expect(await activeFor("alice")).toHaveLength(1);
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(true);

    const again = await h.deliver(event);
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count()).toBe(1);
    expect(h.gateway.grants).toBe(1);
    expect(h.gateway.messagesTo("alice").filter((m) => m.includes("Payment received"))).toHaveLength(1);
  });

  it("a bad signature or a tampered body is rejected and changes nothing", async () => {
    const order = await buy("bob", 1);
    const event = h.stripe!.completeCheckout(order.checkoutRef!);
    expect((await h.deliver(event, { secret: "whsec_wrong" })).status).toBe(400);
    expect((await h.deliver(event, { tamper: true })).status).toBe(400);
    const unsigned = await fetch(h.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(400);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
    expect(await h.db.prisma.paymentEvent.count()).toBe(0);
    expect(await h.db.prisma.entitlement.count()).toBe(0);
  });

  it("an asynchronous method (Alipay, WeChat Pay) waits for its result; a failure cancels the order", async () => {
    const order = await buy("carol", 1);
    await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!, { paid: false }));
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
    await h.deliver(h.stripe!.asyncPaymentSucceeded(order.checkoutRef!));
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");

    const other = await buy("dan", 2);
    await h.deliver(h.stripe!.completeCheckout(other.checkoutRef!, { paid: false }));
    await h.deliver(h.stripe!.asyncPaymentFailed(other.checkoutRef!));
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("CANCELED");
    expect(h.gateway.messagesTo("dan").join("\n")).toContain("did not go through");
    expect(await activeFor("dan")).toHaveLength(0);
  });

  it("a refund approved in chat goes through Stripe once and closes access; Stripe's later events change nothing", async () => {
    const order = await buy("erin", 1);
    await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!));
    await h.say("erin", "/refund 1 wrong course");
    // Stripe reports the refund as soon as it is made: it is applied at once, not when the webhook comes.
    expect(await h.say(CREATOR, "/approve 1")).toBe("Order #1 refunded through Stripe; access closed.");
    expect(h.stripe!.refunds.size).toBe(1);
    expect(h.gateway.members(LOUNGE).has("erin")).toBe(false);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REFUNDED");
    const refund = await h.db.prisma.refund.findFirstOrThrow();
    expect(refund).toMatchObject({ status: "SUCCEEDED", amount: order.amount, reason: "wrong course" });
    expect((await h.deliver(lastEvent("charge.refunded"))).status).toBe(200);
    expect(await h.db.prisma.refund.count()).toBe(1);
    expect(await activeFor("erin")).toHaveLength(0);
    expect(h.gateway.messagesTo("erin").filter((m) => m.includes("has been refunded"))).toHaveLength(1);
    expect(await h.say(CREATOR, "/approve 1")).toContain("already decided");
    expect(h.stripe!.refunds.size).toBe(1);
  });

  it("a refund made in the Stripe dashboard, and a dispute, both revoke what they paid for", async () => {
    const first = await buy("fay", 1);
    await h.deliver(h.stripe!.completeCheckout(first.checkoutRef!));
    const intent = h.stripe!.sessions.get(first.checkoutRef!)!.payment_intent as string;
    await h.deliver(h.stripe!.refund(intent));
    expect(await activeFor("fay")).toHaveLength(0);
    expect(await h.db.prisma.refund.count()).toBe(1);

    const second = await buy("gus", 2);
    await h.deliver(h.stripe!.completeCheckout(second.checkoutRef!));
    const intent2 = h.stripe!.sessions.get(second.checkoutRef!)!.payment_intent as string;
    await h.say(CREATOR, "/start");
    await h.deliver(h.stripe!.dispute(intent2));
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("DISPUTED");
    expect(await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: second.id } })).toMatchObject({
      revokeReason: "DISPUTE",
    });
    expect(h.gateway.members(LOUNGE).has("gus")).toBe(false);
    expect(h.gateway.messagesTo(CREATOR).join("\n")).toContain(`order #${second.id} is disputed`);
  });

  it("a refund that outruns checkout.completed leaves the late payment recorded without access", async () => {
    const order = await buy("hal", 1);
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    const intent = h.stripe!.sessions.get(order.checkoutRef!)!.payment_intent as string;
    const refunded = h.stripe!.refund(intent);
    expect((await h.deliver(refunded)).status).toBe(200);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REFUNDED");
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await activeFor("hal")).toHaveLength(0);
    expect(h.gateway.members(LOUNGE).has("hal")).toBe(false);
  });

  it("a Stripe payment counts as the conversion of the price the member was shown in a price test, once", async () => {
    const offer = await h.db.prisma.offer.findFirstOrThrow({
      where: { productId: 1, active: true, NOT: { currency: "xtr" } },
    });
    const [a, b] = [offer.amount / 100, offer.amount / 100 + 10].map((v) => v.toFixed(2));
    expect(await h.say(CREATOR, `/experiments new price 1 ${a} ${b}`)).toContain("started");
    const page = await h.say("gia", "/course 1");
    const order = await buy("gia", 1);
    expect(page).toContain(`$${(order.amount / 100).toFixed(2)}`);
    const variant = order.amount === offer.amount ? "A" : "B";
    const conversions = async () => {
      const rows = await h.db.prisma.experimentAssignment.findMany({ where: { convertedAt: { not: null } } });
      return rows.map((row) => row.variant);
    };
    expect(await conversions()).toEqual([]);
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver(completed)).status).toBe(200);
    expect(await conversions()).toEqual([variant]);
    expect(await h.say(CREATOR, "/experiments")).toContain("1 converted");
  });
});

describe("Stripe subscriptions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true, gracePeriodDays: 3 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  async function subscribe(user: string) {
    await h.say(user, "/buy 5");
    const order = await h.db.prisma.order.findFirstOrThrow({
      where: { member: { accounts: { some: { externalId: user } } } },
      orderBy: { id: "desc" },
    });
    const body = h.stripe!.requests.findLast((r) => r.path === "/v1/checkout/sessions")!.body as Record<
      string,
      unknown
    >;
    expect(body.mode).toBe("subscription");
    expect(body.allowed_payment_method_types).toEqual(["card"]);
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    const subscriptionRef = h.stripe!.sessions.get(order.checkoutRef!)!.subscription as string;
    return { order, completed, subscriptionRef };
  }
  const entitlement = (orderId: number) => h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId } });

  it("a subscription grants until the period end, and a renewal extends it", async () => {
    const { order, completed, subscriptionRef } = await subscribe("ann");
    await h.deliver(completed);
    const first = await entitlement(order.id);
    expect(first.endsAt).not.toBeNull();
    expect(first.source).toBe("SUBSCRIPTION");
    expect(h.gateway.members(LOUNGE).has("ann")).toBe(true);

    const renewal = h.stripe!.renewSubscription(subscriptionRef, { periodDays: 30 });
    expect((await h.deliver(renewal)).status).toBe(200);
    const renewed = await entitlement(order.id);
    expect(renewed.endsAt!.getTime() - first.endsAt!.getTime()).toBeGreaterThanOrEqual(29 * 86_400_000);
    expect(await h.db.prisma.payment.count()).toBe(2);
    expect((await h.deliver(renewal)).body).toMatchObject({ outcome: "duplicate" });
    expect(await h.db.prisma.payment.count()).toBe(2);
  });

  it("the first invoice.paid arriving before checkout.completed grants once", async () => {
    const { order, completed } = await subscribe("ben");
    const firstInvoice = h.stripe!.events.findLast((e) => e.type === "invoice.paid")!;
    expect((await h.deliver(firstInvoice)).status).toBe(200);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");
    expect((await h.deliver(completed)).status).toBe(200);
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count()).toBe(1);
    expect(h.gateway.grants).toBe(1);
  });

  it("a failed renewal keeps access through the grace period, then the sweep revokes it", async () => {
    const { order, completed, subscriptionRef } = await subscribe("cat");
    await h.deliver(completed);
    const periodEnd = (await entitlement(order.id)).endsAt!;
    const [failed, updated] = h.stripe!.failRenewal(subscriptionRef);
    await h.deliver(failed);
    await h.deliver(updated);
    const graced = await entitlement(order.id);
    expect(graced.graceUntil!.getTime()).toBe(periodEnd.getTime() + 3 * 86_400_000);
    expect(h.gateway.messagesTo("cat").join("\n")).toContain("You keep access for 3 more days");

    const daysToEnd = Math.ceil((periodEnd.getTime() - h.clock.now().getTime()) / 86_400_000);
    h.clock.advanceDays(daysToEnd + 1); // past the period, inside the grace
    await h.sweep();
    expect(h.gateway.members(LOUNGE).has("cat")).toBe(true);
    expect(await h.say("cat", "/mycourses")).toContain("renewal failed, access kept until");
    expect((await entitlement(order.id)).revokedAt).toBeNull();

    h.clock.advanceDays(3); // grace over
    await h.sweep();
    expect(h.gateway.members(LOUNGE).has("cat")).toBe(false);
    expect(await entitlement(order.id)).toMatchObject({ revokeReason: "PAYMENT_FAILED" });
  });

  it("a stale failure event delivered after a successful retry changes nothing", async () => {
    const { order, completed, subscriptionRef } = await subscribe("dot");
    await h.deliver(completed);
    const [failed, updated] = h.stripe!.failRenewal(subscriptionRef);
    const renewal = h.stripe!.renewSubscription(subscriptionRef); // the retry succeeded
    await h.deliver(renewal);
    await h.deliver(updated); // late, out of order
    await h.deliver(failed);
    const current = await entitlement(order.id);
    expect(current.graceUntil).toBeNull();
    expect(current.revokedAt).toBeNull();
    expect((await h.db.prisma.subscription.findFirstOrThrow()).status).toBe("ACTIVE");
  });

  it("a canceled subscription closes access", async () => {
    const { order, completed, subscriptionRef } = await subscribe("eli");
    await h.deliver(completed);
    await h.deliver(h.stripe!.cancelSubscription(subscriptionRef));
    expect(await entitlement(order.id)).toMatchObject({ revokeReason: "CANCELED" });
    expect(h.gateway.members(LOUNGE).has("eli")).toBe(false);
    expect((await h.db.prisma.subscription.findFirstOrThrow()).status).toBe("CANCELED");
  });
});

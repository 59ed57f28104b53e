/**
 * The Stripe adapter, driven through the real `stripe` SDK against the local Stripe fake: what we send to Stripe,
 * and what every webhook Stripe would send back means in the core's terms.
 */

import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toSubscriptionStatus } from "../../bots/stripe/stripe-events.js";
import { createStripeProvider, type StripePaymentProvider } from "../../bots/stripe/stripe-provider.js";
import { type CheckoutRequest, type PaymentEvent, WebhookSignatureError } from "../../core/ports.js";
import {
  formAt,
  type StripeEventJson,
  type StripeFake,
  signStripeEvent,
  startStripeFake,
} from "../fakes/stripe-fake.js";

const SECRET_KEY = "sk_test_lyceum_secret_key_0123456789";
const WEBHOOK_SECRET = "whsec_lyceum_test_secret";
const DAY_SECONDS = 86_400;

let fake: StripeFake;
let provider: StripePaymentProvider;
let nextOrderId = 1000;

beforeAll(async () => {
  fake = await startStripeFake();
  provider = createStripeProvider({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: fake.apiBase });
});

afterAll(async () => {
  await fake.close();
});

// --- Helpers

function oneTimeRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  const orderId = overrides.orderId ?? nextOrderId++;
  return {
    orderId,
    idempotencyKey: `checkout-${orderId}`,
    memberId: 42,
    productTitle: "Deep Learning Reading Club",
    amount: 9900,
    currency: "USD",
    recurring: null,
    locale: "zh",
    successUrl: "https://lyceum.example/paid",
    cancelUrl: "https://lyceum.example/canceled",
    ...overrides,
  };
}

function recurringRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return oneTimeRequest({ amount: 1500, locale: "en", recurring: { interval: "MONTH" }, ...overrides });
}

/** Signs the event as Stripe would and hands it to the provider as the webhook route would. */
function deliver(event: StripeEventJson): PaymentEvent {
  const { body, signature } = signStripeEvent(event, WEBHOOK_SECRET);
  return provider.parseWebhook(Buffer.from(body), signature);
}

function lastRequestTo(method: string, path: string) {
  const request = fake.requests.filter((entry) => entry.method === method && entry.path === path).at(-1);
  if (!request) throw new Error(`No ${method} ${path} recorded`);
  return request;
}

function requestsTo(method: string, path: string) {
  return fake.requests.filter((entry) => entry.method === method && entry.path === path);
}

/** The latest event of a type the fake raised besides the one a scenario helper returned. */
function lastEventOfType(type: string): StripeEventJson {
  const event = fake.events.filter((entry) => entry.type === type).at(-1);
  if (!event) throw new Error(`The fake raised no ${type}`);
  return event;
}

function sessionOf(ref: string) {
  const session = fake.sessions.get(ref);
  if (!session) throw new Error(`No session ${ref}`);
  return session;
}

function subscriptionOf(id: string) {
  const subscription = fake.subscriptions.get(id);
  if (!subscription) throw new Error(`No subscription ${id}`);
  return subscription;
}

function periodEndOf(subscriptionId: string): number {
  const end = subscriptionOf(subscriptionId).items.data[0]?.current_period_end;
  if (end === undefined) throw new Error("No period end");
  return end;
}

async function paidOneTimeOrder() {
  const request = oneTimeRequest();
  const { ref } = await provider.startCheckout(request);
  const completed = deliver(fake.completeCheckout(ref));
  if (completed.type !== "checkout.completed" || !completed.paymentRef) throw new Error("checkout did not complete");
  return { request, ref, paymentRef: completed.paymentRef };
}

async function paidSubscription(overrides: Partial<CheckoutRequest> = {}) {
  const request = recurringRequest(overrides);
  const { ref } = await provider.startCheckout(request);
  const completed = deliver(fake.completeCheckout(ref));
  if (completed.type !== "checkout.completed" || !completed.subscriptionRef || !completed.paymentRef) {
    throw new Error("subscription checkout did not complete");
  }
  return { request, ref, subscriptionRef: completed.subscriptionRef, paymentRef: completed.paymentRef, completed };
}

// --- Checkout creation

describe("startCheckout", () => {
  it("creates a one-time payment session with card, Alipay and WeChat Pay and the order in metadata", async () => {
    const request = oneTimeRequest();
    const started = await provider.startCheckout(request);

    expect(started.ref).toMatch(/^cs_test_/);
    expect(started.url).toBe(sessionOf(started.ref).url);
    const sent = lastRequestTo("POST", "/v1/checkout/sessions");
    expect(sent.body).toMatchObject({
      mode: "payment",
      client_reference_id: String(request.orderId),
      locale: "zh",
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      allowed_payment_method_types: ["card", "alipay", "wechat_pay"],
      payment_method_options: { wechat_pay: { client: "web" } },
      metadata: { orderId: String(request.orderId), memberId: "42" },
      payment_intent_data: { metadata: { orderId: String(request.orderId), memberId: "42" } },
    });
    expect(formAt(sent.body, "line_items", 0, "price_data")).toEqual({
      currency: "usd",
      unit_amount: "9900",
      product_data: { name: request.productTitle },
    });
    expect(sent.body).not.toHaveProperty("subscription_data");
    expect(sent.headers["idempotency-key"]).toBe(`checkout-${request.orderId}`);
    expect(sent.headers["stripe-version"]).toBe(Stripe.API_VERSION);
  });

  it("returns the same session when the same order is started twice (double click)", async () => {
    const request = oneTimeRequest();
    const sessionsBefore = fake.sessions.size;

    const first = await provider.startCheckout(request);
    const second = await provider.startCheckout(request);

    expect(second).toEqual(first);
    expect(fake.sessions.size).toBe(sessionsBefore + 1);
    expect(
      requestsTo("POST", "/v1/checkout/sessions")
        .slice(-2)
        .map((entry) => entry.headers["idempotency-key"]),
    ).toEqual([`checkout-${request.orderId}`, `checkout-${request.orderId}`]);
  });

  it("creates a subscription session paid by card, with the order on the subscription and the trial", async () => {
    const request = recurringRequest({ recurring: { interval: "YEAR", trialDays: 7 } });
    await provider.startCheckout(request);

    const sent = lastRequestTo("POST", "/v1/checkout/sessions");
    expect(sent.body).toMatchObject({
      mode: "subscription",
      locale: "en",
      allowed_payment_method_types: ["card"],
      metadata: { orderId: String(request.orderId), memberId: "42" },
      subscription_data: {
        metadata: { orderId: String(request.orderId), memberId: "42" },
        trial_period_days: "7",
      },
    });
    expect(formAt(sent.body, "line_items", 0, "price_data", "recurring")).toEqual({ interval: "year" });
    expect(sent.body).not.toHaveProperty("payment_intent_data");
    expect(sent.body).not.toHaveProperty("payment_method_options");
  });

  it("sends no trial when the offer has none", async () => {
    await provider.startCheckout(recurringRequest({ recurring: { interval: "MONTH", trialDays: null } }));
    const sent = lastRequestTo("POST", "/v1/checkout/sessions");
    expect(formAt(sent.body, "line_items", 0, "price_data", "recurring")).toEqual({ interval: "month" });
    expect(formAt(sent.body, "subscription_data", "trial_period_days")).toBeUndefined();
  });

  it("leaves the payment methods to the Dashboard when configured as dynamic", async () => {
    const dynamic = createStripeProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      apiBase: fake.apiBase,
      paymentMethods: "dynamic",
    });
    await dynamic.startCheckout(oneTimeRequest());
    const sent = lastRequestTo("POST", "/v1/checkout/sessions");
    expect(sent.body.mode).toBe("payment");
    expect(sent.body).not.toHaveProperty("allowed_payment_method_types");
    expect(sent.body).not.toHaveProperty("payment_method_types");
  });

  it("retries a 500 from Stripe with the same idempotency key and succeeds", async () => {
    const request = oneTimeRequest();
    const before = requestsTo("POST", "/v1/checkout/sessions").length;
    fake.failNext("/v1/checkout/sessions", 1, 500);

    const started = await provider.startCheckout(request);

    expect(fake.sessions.has(started.ref)).toBe(true);
    const attempts = requestsTo("POST", "/v1/checkout/sessions").slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts.map((entry) => entry.headers["idempotency-key"])).toEqual([
      `checkout-${request.orderId}`,
      `checkout-${request.orderId}`,
    ]);
  });

  it("retries a 429 that Stripe marks retryable", async () => {
    const before = requestsTo("POST", "/v1/checkout/sessions").length;
    fake.failNext("/v1/checkout/sessions", 1, 429, { shouldRetry: true });

    const started = await provider.startCheckout(oneTimeRequest());

    expect(fake.sessions.has(started.ref)).toBe(true);
    expect(requestsTo("POST", "/v1/checkout/sessions").length - before).toBe(2);
  });

  it("gives up after two retries, without the secret key in the error", async () => {
    const before = requestsTo("POST", "/v1/checkout/sessions").length;
    fake.failNext("/v1/checkout/sessions", 3, 500);

    const failure = await provider.startCheckout(oneTimeRequest()).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(String((failure as Error).message)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(failure)).not.toContain(SECRET_KEY);
    expect(requestsTo("POST", "/v1/checkout/sessions").length - before).toBe(3);
  });
});

// --- One-time payment events

describe("one-time payment webhooks", () => {
  it("maps a paid checkout to checkout.completed with the PaymentIntent as paymentRef", async () => {
    const request = oneTimeRequest();
    const { ref } = await provider.startCheckout(request);

    const stripeEvent = fake.completeCheckout(ref);
    const event = deliver(stripeEvent);

    expect(event).toEqual({
      type: "checkout.completed",
      eventId: stripeEvent.id,
      orderId: request.orderId,
      checkoutRef: ref,
      paid: true,
      paymentRef: sessionOf(ref).payment_intent,
      subscriptionRef: null,
      amount: 9900,
      currency: "usd",
    });
    expect(event.type === "checkout.completed" && event.paymentRef).toMatch(/^pi_/);
  });

  it("maps a delayed payment: unpaid completion, then payment.succeeded with the same paymentRef", async () => {
    const request = oneTimeRequest();
    const { ref } = await provider.startCheckout(request);

    const completed = deliver(fake.completeCheckout(ref, { paid: false }));
    const settledEvent = fake.asyncPaymentSucceeded(ref);
    const settled = deliver(settledEvent);

    expect(completed).toMatchObject({ type: "checkout.completed", paid: false, orderId: request.orderId });
    expect(settled).toEqual({
      type: "payment.succeeded",
      eventId: settledEvent.id,
      orderId: request.orderId,
      checkoutRef: ref,
      paymentRef: completed.type === "checkout.completed" ? completed.paymentRef : "missing",
      subscriptionRef: null,
      amount: 9900,
      currency: "usd",
    });
  });

  it("maps a failed delayed payment to payment.failed", async () => {
    const request = oneTimeRequest();
    const { ref } = await provider.startCheckout(request);
    fake.completeCheckout(ref, { paid: false });

    const failedEvent = fake.asyncPaymentFailed(ref);

    expect(deliver(failedEvent)).toEqual({
      type: "payment.failed",
      eventId: failedEvent.id,
      orderId: request.orderId,
      checkoutRef: ref,
    });
  });

  it("maps a Dashboard refund to charge.refunded on the same paymentRef, with the order from the charge", async () => {
    const { request, paymentRef } = await paidOneTimeOrder();

    const refundEvent = fake.refund(paymentRef);

    expect(deliver(refundEvent)).toEqual({
      type: "charge.refunded",
      eventId: refundEvent.id,
      orderId: request.orderId,
      paymentRef,
      amountRefunded: 9900,
      // The current API does not put the refunds list on the charge in webhooks.
      refundRef: null,
    });
  });

  it("maps a dispute to dispute.created on the same paymentRef", async () => {
    const { paymentRef } = await paidOneTimeOrder();

    const disputeEvent = fake.dispute(paymentRef);

    expect(deliver(disputeEvent)).toEqual({
      type: "dispute.created",
      eventId: disputeEvent.id,
      // A dispute carries no metadata of ours; the core finds the order through paymentRef.
      orderId: null,
      paymentRef,
    });
  });

  it("gives every event its own id", async () => {
    const ids = fake.events.map((event) => event.id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith("evt_"))).toBe(true);
  });
});

// --- Subscription events

describe("subscription webhooks", () => {
  it("reports the first invoice as paymentRef in both checkout.completed and invoice.paid", async () => {
    const { request, ref, subscriptionRef, paymentRef, completed } = await paidSubscription();

    const invoicePaid = deliver(lastEventOfType("invoice.paid"));

    expect(completed).toMatchObject({
      type: "checkout.completed",
      orderId: request.orderId,
      checkoutRef: ref,
      paid: true,
      subscriptionRef,
      amount: 1500,
      currency: "usd",
    });
    expect(paymentRef).toMatch(/^in_/);
    expect(paymentRef).toBe(sessionOf(ref).invoice);
    expect(invoicePaid).toMatchObject({
      type: "invoice.paid",
      orderId: request.orderId,
      subscriptionRef,
      paymentRef,
      amount: 1500,
      currency: "usd",
      periodEnd: new Date(periodEndOf(subscriptionRef) * 1000),
    });
  });

  it("treats a trial start as paid with nothing charged", async () => {
    const { completed, subscriptionRef, ref } = await paidSubscription({
      recurring: { interval: "MONTH", trialDays: 14 },
    });

    expect(completed).toMatchObject({ type: "checkout.completed", paid: true, amount: 0 });
    const checkout = await provider.fetchCheckout(ref);
    // What it charges is the recurring price, not the trial's zero total.
    expect(checkout).toMatchObject({ paid: true, amount: 1500, currency: "usd" });
    const state = checkout.subscription!;
    expect(state.status).toBe("TRIALING");
    expect(state.currentPeriodEnd?.getTime()).toBe((subscriptionOf(subscriptionRef).created + 14 * DAY_SECONDS) * 1000);
  });

  it("maps a renewal to invoice.paid with a new paymentRef and the period end 30 days later", async () => {
    const { request, subscriptionRef, paymentRef: firstPaymentRef } = await paidSubscription();
    const previousEnd = periodEndOf(subscriptionRef);

    const renewalEvent = fake.renewSubscription(subscriptionRef);
    const renewal = deliver(renewalEvent);

    expect(renewal).toEqual({
      type: "invoice.paid",
      eventId: renewalEvent.id,
      orderId: request.orderId,
      subscriptionRef,
      paymentRef: renewalEvent.data.object.id,
      amount: 1500,
      currency: "usd",
      periodEnd: new Date((previousEnd + 30 * DAY_SECONDS) * 1000),
    });
    expect(renewal.type === "invoice.paid" && renewal.paymentRef).not.toBe(firstPaymentRef);
  });

  it("maps a failed renewal to invoice.failed and a past-due subscription.updated", async () => {
    const { request, subscriptionRef } = await paidSubscription();

    const [failedEvent, updatedEvent] = fake.failRenewal(subscriptionRef);

    expect(deliver(failedEvent)).toEqual({
      type: "invoice.failed",
      eventId: failedEvent.id,
      orderId: request.orderId,
      subscriptionRef,
      paymentRef: failedEvent.data.object.id,
    });
    expect(deliver(updatedEvent)).toEqual({
      type: "subscription.updated",
      eventId: updatedEvent.id,
      orderId: request.orderId,
      subscriptionRef,
      status: "PAST_DUE",
      currentPeriodEnd: new Date(periodEndOf(subscriptionRef) * 1000),
      cancelAtPeriodEnd: false,
    });
  });

  it("maps the end of a subscription to subscription.deleted", async () => {
    const { request, subscriptionRef } = await paidSubscription();

    const deletedEvent = fake.cancelSubscription(subscriptionRef);

    expect(deliver(deletedEvent)).toEqual({
      type: "subscription.deleted",
      eventId: deletedEvent.id,
      orderId: request.orderId,
      subscriptionRef,
    });
  });

  it("reports a scheduled cancellation (cancel_at at the period end) as cancelAtPeriodEnd", async () => {
    const { subscriptionRef } = await paidSubscription();
    const [, updatedEvent] = fake.failRenewal(subscriptionRef);
    const scheduled = structuredClone(updatedEvent);
    scheduled.data.object.cancel_at = periodEndOf(subscriptionRef);

    expect(deliver(scheduled)).toMatchObject({ type: "subscription.updated", cancelAtPeriodEnd: true });
  });

  it("reads a subscription checkout's current state: the subscription, and each invoice as a payment", async () => {
    const { request, subscriptionRef, ref, paymentRef } = await paidSubscription();

    const first = await provider.fetchCheckout(ref);
    expect(first).toMatchObject({
      checkoutRef: ref,
      claimedOrderId: request.orderId,
      amount: 1500,
      currency: "usd",
      paid: true,
      failed: false,
    });
    expect(first.subscription).toEqual({
      subscriptionRef,
      orderId: request.orderId,
      status: "ACTIVE",
      currentPeriodEnd: new Date(periodEndOf(subscriptionRef) * 1000),
      cancelAtPeriodEnd: false,
    });
    expect(first.payments).toEqual([
      {
        paymentRef,
        paid: true,
        amount: 1500,
        currency: "usd",
        refunds: [],
        dispute: null,
        periodEnd: new Date(periodEndOf(subscriptionRef) * 1000),
      },
    ]);

    fake.failRenewal(subscriptionRef);
    const pastDue = await provider.fetchCheckout(ref);
    expect(pastDue.subscription?.status).toBe("PAST_DUE");
    // The failed renewal is read (it is the latest invoice) but is not a payment.
    expect(pastDue.payments.map((p) => p.paid)).toEqual([true, false]);
    fake.cancelSubscription(subscriptionRef);
    expect((await provider.fetchCheckout(ref)).subscription?.status).toBe("CANCELED");
  });

  it("follows a refund of a renewal from its PaymentIntent to the invoice and the checkout", async () => {
    const { subscriptionRef, ref } = await paidSubscription();
    const renewal = deliver(fake.renewSubscription(subscriptionRef));
    if (renewal.type !== "invoice.paid") throw new Error("no renewal");

    const refunded = deliver(fake.refund(renewal.paymentRef, { amount: 500 }));
    if (refunded.type !== "charge.refunded") throw new Error("no refund event");

    expect(refunded.paymentRef).toMatch(/^pi_/);
    expect(refunded.amountRefunded).toBe(500);
    expect(await provider.locateCheckout(refunded)).toEqual({ checkoutRef: ref, paymentRef: renewal.paymentRef });
    const state = await provider.fetchCheckout(ref, { paymentRefs: [renewal.paymentRef] });
    const renewed = state.payments.find((p) => p.paymentRef === renewal.paymentRef);
    expect(renewed?.refunds).toEqual([{ refundRef: expect.stringMatching(/^re_/), amount: 500, requestId: null }]);
  });

  it("follows a one-time refund and a dispute to their checkout, with amounts per refund and the dispute's outcome", async () => {
    const { ref, paymentRef } = await paidOneTimeOrder();
    const refunded = deliver(fake.refund(paymentRef, { amount: 1000 }));
    deliver(fake.refund(paymentRef, { amount: 2000 }));
    expect(await provider.locateCheckout(refunded)).toEqual({ checkoutRef: ref, paymentRef });
    const disputeEvent = fake.dispute(paymentRef);
    expect(await provider.locateCheckout(deliver(disputeEvent))).toEqual({ checkoutRef: ref, paymentRef });

    const state = await provider.fetchCheckout(ref);
    expect(state.payments).toHaveLength(1);
    expect(state.payments[0]?.refunds.map((r) => r.amount).sort()).toEqual([1000, 2000]);
    expect(state.payments[0]?.dispute).toEqual({ disputeRef: disputeEvent.data.object.id, status: "OPEN" });

    deliver(fake.closeDispute(disputeEvent.data.object.id, "lost"));
    expect((await provider.fetchCheckout(ref)).payments[0]?.dispute?.status).toBe("LOST");
  });

  it("finds no checkout behind a session created outside our API that names no order", async () => {
    const foreign = fake.createForeignSession({ amount: 100, currency: "usd" });
    const event = deliver(fake.completeCheckout(foreign.id));
    const state = await provider.fetchCheckout(foreign.id);
    expect(state).toMatchObject({ claimedOrderId: null, amount: 100, paid: true });
    expect(await provider.locateCheckout(event)).toEqual({ checkoutRef: foreign.id, paymentRef: expect.any(String) });
  });

  it("cancels a subscription now, or at the period end, once however often it is asked", async () => {
    const first = await paidSubscription();
    await provider.cancelSubscription(first.subscriptionRef, { atPeriodEnd: true });
    await provider.cancelSubscription(first.subscriptionRef, { atPeriodEnd: true });
    expect(subscriptionOf(first.subscriptionRef)).toMatchObject({ status: "active", cancel_at_period_end: true });

    const second = await paidSubscription();
    await provider.cancelSubscription(second.subscriptionRef, { atPeriodEnd: false });
    await provider.cancelSubscription(second.subscriptionRef, { atPeriodEnd: false });
    expect(subscriptionOf(second.subscriptionRef).status).toBe("canceled");
    expect(requestsTo("DELETE", `/v1/subscriptions/${second.subscriptionRef}`)).toHaveLength(1);
  });

  it("reports Stripe not answering as unavailable, not as a bug", async () => {
    const { ref } = await paidOneTimeOrder();
    fake.setDown(true);
    try {
      await expect(provider.fetchCheckout(ref)).rejects.toThrow(/did not answer/);
    } finally {
      fake.setDown(false);
    }
  });
});

// --- Older API shapes

describe("payloads from older Stripe API versions", () => {
  type JsonObject = Record<string, unknown>;

  it("reads the subscription and order from invoice.subscription and invoice.subscription_details", async () => {
    const { request, subscriptionRef } = await paidSubscription();
    const current = fake.renewSubscription(subscriptionRef);
    const legacy = structuredClone(current) as StripeEventJson<JsonObject>;
    const invoice = legacy.data.object;
    delete invoice.parent;
    invoice.subscription = subscriptionRef;
    invoice.subscription_details = { metadata: { orderId: String(request.orderId) } };
    invoice.payment_intent = "pi_legacy";

    expect(deliver(legacy)).toEqual(deliver(current));
  });

  it("reads the period end from subscription.current_period_end", async () => {
    const { request, subscriptionRef } = await paidSubscription();
    const [, current] = fake.failRenewal(subscriptionRef);
    const legacy = structuredClone(current) as StripeEventJson<JsonObject>;
    const subscription = legacy.data.object;
    subscription.current_period_end = 1_900_000_000;
    subscription.items = { object: "list", data: [{ id: "si_legacy", object: "subscription_item" }], has_more: false };

    expect(deliver(legacy)).toMatchObject({
      type: "subscription.updated",
      orderId: request.orderId,
      currentPeriodEnd: new Date(1_900_000_000 * 1000),
    });
  });

  it("uses charge.invoice as paymentRef and the refunds list for refundRef", async () => {
    const { subscriptionRef } = await paidSubscription();
    const renewal = fake.renewSubscription(subscriptionRef);
    const current = fake.refund(renewal.data.object.id);
    const legacy = structuredClone(current) as StripeEventJson<JsonObject>;
    legacy.data.object.invoice = renewal.data.object.id;
    legacy.data.object.refunds = { object: "list", data: [{ id: "re_newest" }, { id: "re_older" }], has_more: false };

    expect(deliver(legacy)).toMatchObject({
      type: "charge.refunded",
      paymentRef: renewal.data.object.id,
      refundRef: "re_newest",
    });
  });
});

// --- Signatures and unknown events

describe("parseWebhook", () => {
  it("rejects an event signed with another secret", async () => {
    const { ref } = await provider.startCheckout(oneTimeRequest());
    const { body, signature } = signStripeEvent(fake.completeCheckout(ref), "whsec_someone_else");

    expect(() => provider.parseWebhook(Buffer.from(body), signature)).toThrow(WebhookSignatureError);
  });

  it("rejects a body changed after signing", async () => {
    const { ref } = await provider.startCheckout(oneTimeRequest());
    const { body, signature } = signStripeEvent(fake.completeCheckout(ref), WEBHOOK_SECRET);
    const tampered = body.replace('"amount_total": 9900', '"amount_total": 1');

    expect(tampered).not.toBe(body);
    expect(() => provider.parseWebhook(Buffer.from(tampered), signature)).toThrow(WebhookSignatureError);
    expect(() => provider.parseWebhook(Buffer.from(body), signature)).not.toThrow();
  });

  it("rejects a request without a signature header", async () => {
    const { body } = signStripeEvent(lastEventOfType("checkout.session.completed"), WEBHOOK_SECRET);
    expect(() => provider.parseWebhook(Buffer.from(body), undefined)).toThrow(WebhookSignatureError);
  });

  it("does not reveal the webhook secret when rejecting", async () => {
    const { body } = signStripeEvent(lastEventOfType("checkout.session.completed"), WEBHOOK_SECRET);
    const rejection = (() => {
      try {
        provider.parseWebhook(Buffer.from(body), "t=1,v1=deadbeef");
        return null;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(rejection).toBeInstanceOf(WebhookSignatureError);
    expect(rejection?.message).not.toContain(WEBHOOK_SECRET);
  });

  it("ignores event types the core does not handle", async () => {
    await paidSubscription();
    const created = lastEventOfType("customer.subscription.created");

    expect(deliver(created)).toEqual({
      type: "ignored",
      eventId: created.id,
      providerType: "customer.subscription.created",
    });
  });

  it("ignores an invoice that no subscription raised", async () => {
    const { subscriptionRef } = await paidSubscription();
    const oneOff = structuredClone(fake.renewSubscription(subscriptionRef)) as StripeEventJson<Record<string, unknown>>;
    oneOff.data.object.parent = { type: "quote_details", quote_details: { quote: "qt_1" }, subscription_details: null };

    expect(deliver(oneOff)).toMatchObject({ type: "ignored", providerType: "invoice.paid" });
  });
});

// --- Refunds through the API

describe("refund", () => {
  it("refunds a PaymentIntent once, however often the same idempotency key is retried", async () => {
    const { paymentRef } = await paidOneTimeOrder();

    const first = await provider.refund(paymentRef, "refund-order-1");
    const retried = await provider.refund(paymentRef, "refund-order-1");

    expect(retried).toEqual(first);
    expect(first.refundRef).toMatch(/^re_/);
    const sent = lastRequestTo("POST", "/v1/refunds");
    expect(sent.body).toMatchObject({ payment_intent: paymentRef });
    expect(sent.headers["idempotency-key"]).toBe("refund-order-1");
    expect([...fake.refunds.values()].filter((refund) => refund.payment_intent === paymentRef)).toHaveLength(1);
    expect(fake.refunds.get(first.refundRef)?.amount).toBe(9900);
  });

  it("refunds a subscription payment named by its invoice through the invoice's PaymentIntent", async () => {
    const { subscriptionRef } = await paidSubscription();
    const renewal = deliver(fake.renewSubscription(subscriptionRef));
    if (renewal.type !== "invoice.paid") throw new Error("no renewal");

    const { refundRef } = await provider.refund(renewal.paymentRef, "refund-renewal-1");

    const lookup = lastRequestTo("GET", `/v1/invoices/${renewal.paymentRef}`);
    expect(lookup.query).toEqual({ expand: ["payments"] });
    const refund = fake.refunds.get(refundRef);
    expect(refund?.payment_intent).toMatch(/^pi_/);
    expect(refund?.amount).toBe(1500);
    const invoicePaymentIntent = fake.paymentIntents.get(String(refund?.payment_intent));
    expect(invoicePaymentIntent?.amount).toBe(1500);
    expect(fake.charges.get(String(invoicePaymentIntent?.latest_charge))?.refunded).toBe(true);
  });

  it("surfaces Stripe's refusal to refund twice", async () => {
    const { paymentRef } = await paidOneTimeOrder();
    await provider.refund(paymentRef, "refund-a");

    await expect(provider.refund(paymentRef, "refund-b")).rejects.toMatchObject({ code: "charge_already_refunded" });
  });
});

// --- Status mapping

describe("toSubscriptionStatus", () => {
  it.each([
    ["active", "ACTIVE"],
    ["trialing", "TRIALING"],
    ["past_due", "PAST_DUE"],
    ["unpaid", "UNPAID"],
    ["paused", "PAUSED"],
    ["canceled", "CANCELED"],
    ["incomplete_expired", "CANCELED"],
    ["incomplete", "INCOMPLETE"],
  ] as const)("maps %s to %s", (stripeStatus, expected) => {
    expect(toSubscriptionStatus(stripeStatus)).toBe(expected);
  });
});

describe("the fake", () => {
  it("answers an unknown route with 404 in Stripe's error shape", async () => {
    const response = await fetch(`${fake.apiBase}/v1/nothing_here`, {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("Unrecognized request URL") },
    });
  });

  it("rejects an idempotency key reused with other parameters, as Stripe does", async () => {
    const request = oneTimeRequest();
    await provider.startCheckout(request);

    await expect(provider.startCheckout({ ...request, amount: 1 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
  });
});

/**
 * The Stripe fake itself, driven through the real `stripe` SDK: its lists and their pagination, expansions,
 * subscription updates and cancellation, and the scenario helpers that move its state the way Stripe would.
 */

import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StripeEventJson, type StripeFake, startStripeFake } from "../fakes/stripe-fake.js";

const DAY_MS = 86_400_000;

let fake: StripeFake;
let stripe: Stripe;
let clockMs = Date.UTC(2026, 11, 1, 9, 30);

beforeAll(async () => {
  fake = await startStripeFake({ now: () => new Date(clockMs) });
  const { port } = new URL(fake.apiBase);
  stripe = new Stripe("sk_test_x", { host: "127.0.0.1", port: Number(port), protocol: "http", maxNetworkRetries: 0 });
});

afterAll(async () => {
  await fake.close();
});

// --- Helpers

function advanceDays(days: number): void {
  clockMs += days * DAY_MS;
}

/** A one-time Checkout Session the member has paid: its PaymentIntent and charge. */
async function paidPayment(amount = 2500, metadata: Record<string, string> = {}) {
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      { price_data: { currency: "usd", unit_amount: amount, product_data: { name: "Course" } }, quantity: 1 },
    ],
    success_url: "https://lyceum.example/paid",
    payment_intent_data: { metadata },
  });
  fake.completeCheckout(session.id);
  const paymentIntent = String(fake.sessions.get(session.id)?.payment_intent);
  const charge = String(fake.paymentIntents.get(paymentIntent)?.latest_charge);
  return { sessionId: session.id, paymentIntent, charge };
}

/** A monthly subscription bought through Checkout; `paid: false` leaves its first payment pending. */
async function subscription(options: { paid?: boolean } = {}) {
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [
      {
        price_data: {
          currency: "usd",
          unit_amount: 1500,
          product_data: { name: "Club" },
          recurring: { interval: "month" },
        },
        quantity: 1,
      },
    ],
    success_url: "https://lyceum.example/paid",
  });
  fake.completeCheckout(session.id, { paid: options.paid ?? true });
  return { sessionId: session.id, subscriptionId: String(fake.sessions.get(session.id)?.subscription) };
}

function requestCount(method: string, path: string): number {
  return fake.requests.filter((request) => request.method === method && request.path === path).length;
}

function lastEvent(): StripeEventJson {
  const event = fake.events.at(-1);
  if (!event) throw new Error("no event raised");
  return event;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

// --- Lists

describe("lists", () => {
  it("pages 25 refunds newest first; auto-pagination returns each exactly once; cursors go both ways", async () => {
    const { paymentIntent } = await paidPayment(2500);
    const created: string[] = [];
    for (let index = 0; index < 25; index++) {
      const refund = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 });
      created.push(refund.id);
    }
    const newestFirst = [...created].reverse();

    const firstPage = await stripe.refunds.list({ payment_intent: paymentIntent, limit: 10 });
    expect(firstPage).toMatchObject({ object: "list", has_more: true, url: "/v1/refunds" });
    expect(firstPage.data.map((refund) => refund.id)).toEqual(newestFirst.slice(0, 10));

    const listsBefore = requestCount("GET", "/v1/refunds");
    const walked = await collect(stripe.refunds.list({ payment_intent: paymentIntent, limit: 10 }));
    expect(walked.map((refund) => refund.id)).toEqual(newestFirst);
    expect(requestCount("GET", "/v1/refunds") - listsBefore).toBe(3);

    const lastPage = await stripe.refunds.list({ payment_intent: paymentIntent, starting_after: newestFirst[19] });
    expect(lastPage.data.map((refund) => refund.id)).toEqual(newestFirst.slice(20));
    expect(lastPage.has_more).toBe(false);

    const before = await stripe.refunds.list({
      payment_intent: paymentIntent,
      ending_before: newestFirst[12],
      limit: 5,
    });
    expect(before.data.map((refund) => refund.id)).toEqual(newestFirst.slice(7, 12));
    expect(before.has_more).toBe(true);
  });

  it("filters on created (Stripe's clock, from the now option)", async () => {
    const { paymentIntent } = await paidPayment(3000);
    const early = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });
    const earlySeconds = Math.floor(clockMs / 1000);
    advanceDays(2);
    const late = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });

    expect(early.created).toBe(earlySeconds);
    expect(late.created).toBe(earlySeconds + 2 * 86_400);
    const since = await stripe.refunds.list({ payment_intent: paymentIntent, created: { gte: earlySeconds + 86_400 } });
    expect(since.data.map((refund) => refund.id)).toEqual([late.id]);
    const until = await stripe.refunds.list({ payment_intent: paymentIntent, created: { lt: late.created } });
    expect(until.data.map((refund) => refund.id)).toEqual([early.id]);
    const exactly = await stripe.refunds.list({ payment_intent: paymentIntent, created: { gte: late.created } });
    expect(exactly.data.map((refund) => refund.id)).toEqual([late.id]);
  });

  it("lists Checkout Sessions by payment_intent and by subscription", async () => {
    const one = await paidPayment();
    await paidPayment();
    const recurring = await subscription();

    const byPayment = await stripe.checkout.sessions.list({ payment_intent: one.paymentIntent });
    expect(byPayment.data.map((session) => session.id)).toEqual([one.sessionId]);
    const bySubscription = await stripe.checkout.sessions.list({ subscription: recurring.subscriptionId });
    expect(bySubscription.data.map((session) => session.id)).toEqual([recurring.sessionId]);
    expect(bySubscription.data[0]?.status).toBe("complete");
  });

  it("lists charges, invoices and subscriptions with their filters", async () => {
    const payment = await paidPayment();
    const charges = await stripe.charges.list({ payment_intent: payment.paymentIntent });
    expect(charges.data.map((charge) => charge.id)).toEqual([payment.charge]);

    const { subscriptionId } = await subscription();
    fake.renewSubscription(subscriptionId);
    const [failed] = fake.failRenewal(subscriptionId);
    const all = await stripe.invoices.list({ subscription: subscriptionId });
    expect(all.data).toHaveLength(3);
    expect(all.data[0]?.id).toBe(failed.data.object.id);
    const open = await stripe.invoices.list({ subscription: subscriptionId, status: "open" });
    expect(open.data.map((invoice) => invoice.id)).toEqual([failed.data.object.id]);

    const pastDue = await stripe.subscriptions.list({ status: "past_due" });
    expect(pastDue.data.map((entry) => entry.id)).toContain(subscriptionId);
    expect(pastDue.data.every((entry) => entry.status === "past_due")).toBe(true);
  });

  it("rejects a parameter it does not know, as Stripe does", async () => {
    await expect(stripe.refunds.list({ customer: "cus_x" } as Stripe.RefundListParams)).rejects.toMatchObject({
      statusCode: 400,
      param: "customer",
    });
  });
});

// --- Charges and refunds

describe("charges and refunds", () => {
  it("expands a charge's refunds after two partial refunds; amount_refunded is their sum", async () => {
    const { paymentIntent, charge } = await paidPayment(2500);
    const viaApi = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });
    const dashboard = fake.refund(paymentIntent, { amount: 500 });

    expect(viaApi).toMatchObject({ status: "succeeded", amount: 1000, charge, payment_intent: paymentIntent });
    expect(dashboard.type).toBe("charge.refunded");
    expect(dashboard.data.object).toMatchObject({ amount_refunded: 1500, refunded: false });
    expect(dashboard.data.object).not.toHaveProperty("refunds");
    expect(dashboard.data.previous_attributes).toEqual({ amount_refunded: 1000 });

    const expanded = await stripe.charges.retrieve(charge, { expand: ["refunds"] });
    expect(expanded.amount_refunded).toBe(1500);
    expect(expanded.refunds?.data.map((refund) => refund.amount)).toEqual([500, 1000]);
    expect(expanded.refunds?.data[1]?.id).toBe(viaApi.id);

    const plain = await stripe.charges.retrieve(charge);
    expect(plain).not.toHaveProperty("refunds");
    expect(await stripe.refunds.retrieve(viaApi.id)).toMatchObject({ id: viaApi.id, amount: 1000 });
  });

  it("refunds the rest in full and then refuses another refund", async () => {
    const { paymentIntent } = await paidPayment(2000);
    fake.refund(paymentIntent, { amount: 500 });
    const rest = fake.refund(paymentIntent);

    expect(rest.data.object).toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(rest.data.previous_attributes).toEqual({ amount_refunded: 500, refunded: false });
    await expect(stripe.refunds.create({ payment_intent: paymentIntent })).rejects.toMatchObject({
      code: "charge_already_refunded",
    });
  });
});

// --- Disputes

describe("disputes", () => {
  it("opens as needs_response and closes as won or lost", async () => {
    const { paymentIntent, charge } = await paidPayment();
    const created = fake.dispute(paymentIntent);
    expect(created.data.object.status).toBe("needs_response");

    const closed = fake.closeDispute(created.data.object.id, "lost");

    expect(closed.type).toBe("charge.dispute.closed");
    expect(closed.data.object).toMatchObject({ id: created.data.object.id, status: "lost", charge });
    expect(closed.data.previous_attributes).toEqual({ status: "needs_response" });
    expect(await stripe.disputes.retrieve(created.data.object.id)).toMatchObject({ status: "lost" });
    const listed = await stripe.disputes.list({ payment_intent: paymentIntent });
    expect(listed.data.map((dispute) => dispute.id)).toEqual([created.data.object.id]);
    expect((await stripe.charges.retrieve(charge)).disputed).toBe(true);
    expect(() => fake.closeDispute(created.data.object.id, "won")).toThrow(/already closed/);
  });
});

// --- Subscriptions

describe("subscriptions", () => {
  it("cancels through the API: canceled now, customer.subscription.deleted, a second cancel is refused", async () => {
    const { subscriptionId } = await subscription();
    advanceDays(3);

    const canceled = await stripe.subscriptions.cancel(subscriptionId);

    const now = Math.floor(clockMs / 1000);
    expect(canceled).toMatchObject({ id: subscriptionId, status: "canceled", canceled_at: now, ended_at: now });
    expect(lastEvent()).toMatchObject({
      type: "customer.subscription.deleted",
      created: now,
      data: { object: { id: subscriptionId, status: "canceled" } },
    });
    await expect(stripe.subscriptions.cancel(subscriptionId)).rejects.toMatchObject({ statusCode: 404 });
    const listed = await stripe.subscriptions.list({ limit: 100 });
    expect(listed.data.map((entry) => entry.id)).not.toContain(subscriptionId);
    const everything = await stripe.subscriptions.list({ status: "all", limit: 100 });
    expect(everything.data.map((entry) => entry.id)).toContain(subscriptionId);
  });

  it("sets and clears cancel_at_period_end, raising customer.subscription.updated each time", async () => {
    const { subscriptionId } = await subscription();
    const periodEnd = fake.subscriptions.get(subscriptionId)?.items.data[0]?.current_period_end;

    const ending = await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });

    expect(ending).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_at: periodEnd });
    expect(lastEvent()).toMatchObject({
      type: "customer.subscription.updated",
      data: {
        object: { id: subscriptionId, cancel_at_period_end: true },
        previous_attributes: { cancel_at_period_end: false },
      },
    });
    expect(() => fake.renewSubscription(subscriptionId)).toThrow(/cancel at its period end/);

    const kept = await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
    expect(kept).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });
    expect(lastEvent().data.previous_attributes).toMatchObject({ cancel_at_period_end: true });
  });

  it("retryRenewal pays the same open invoice with a new charge, no new period", async () => {
    const { subscriptionId } = await subscription();
    const [failed] = fake.failRenewal(subscriptionId);
    const invoiceId = failed.data.object.id;
    const periodEnd = fake.subscriptions.get(subscriptionId)?.items.data[0]?.current_period_end;
    const failedCharge = (await stripe.invoices.retrieve(invoiceId, { expand: ["payments"] })).payments?.data[0];
    const paymentIntentId = String(failedCharge?.payment.payment_intent);
    const declinedCharge = fake.paymentIntents.get(paymentIntentId)?.latest_charge;

    const [paid, updated] = fake.retryRenewal(subscriptionId);

    expect(paid).toMatchObject({ type: "invoice.paid", data: { object: { id: invoiceId, status: "paid" } } });
    expect(paid.data.object.attempt_count).toBe(2);
    expect(updated).toMatchObject({
      type: "customer.subscription.updated",
      data: { object: { status: "active" }, previous_attributes: { status: "past_due" } },
    });
    const current = await stripe.subscriptions.retrieve(subscriptionId);
    expect(current.status).toBe("active");
    expect(current.items.data[0]?.current_period_end).toBe(periodEnd);
    expect(current.latest_invoice).toBe(invoiceId);
    const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ["payments"] });
    expect(invoice.payments?.data.map((payment) => payment.status)).toEqual(["paid"]);
    const paymentIntent = await stripe.paymentIntents.retrieve(paymentIntentId);
    expect(paymentIntent.status).toBe("succeeded");
    expect(paymentIntent.latest_charge).not.toBe(declinedCharge);
    const charges = await stripe.charges.list({ payment_intent: paymentIntentId });
    expect(charges.data.map((charge) => charge.status)).toEqual(["succeeded", "failed"]);
  });

  it("markUnpaid ends the retries; expireIncomplete ends a first payment that never completed", async () => {
    const { subscriptionId } = await subscription();
    fake.failRenewal(subscriptionId);
    const unpaid = fake.markUnpaid(subscriptionId);
    expect(unpaid).toMatchObject({
      type: "customer.subscription.updated",
      data: { object: { status: "unpaid" }, previous_attributes: { status: "past_due" } },
    });

    const pending = await subscription({ paid: false });
    expect(fake.subscriptions.get(pending.subscriptionId)?.status).toBe("incomplete");
    const expired = fake.expireIncomplete(pending.subscriptionId);
    expect(expired).toMatchObject({
      type: "customer.subscription.updated",
      data: { object: { status: "incomplete_expired" }, previous_attributes: { status: "incomplete" } },
    });
    const firstInvoice = String(fake.subscriptions.get(pending.subscriptionId)?.latest_invoice);
    expect((await stripe.invoices.retrieve(firstInvoice)).status).toBe("void");
  });
});

// --- Foreign sessions, the clock and outages

describe("scenarios", () => {
  it("completes a Checkout Session created outside our API like one of ours", async () => {
    const session = fake.createForeignSession({
      amount: 4200,
      currency: "EUR",
      metadata: { source: "payment-link" },
      paymentIntentMetadata: { campaign: "spring" },
    });
    expect(session).toMatchObject({ status: "open", client_reference_id: null, currency: "eur", amount_total: 4200 });

    const completed = fake.completeCheckout(session.id);

    expect(completed.type).toBe("checkout.session.completed");
    const paymentIntent = String(completed.data.object.payment_intent);
    expect(await stripe.paymentIntents.retrieve(paymentIntent)).toMatchObject({
      amount: 4200,
      status: "succeeded",
      metadata: { campaign: "spring" },
    });
    const charges = await stripe.charges.list({ payment_intent: paymentIntent });
    expect(charges.data[0]?.metadata).toEqual({ campaign: "spring" });
    const found = await stripe.checkout.sessions.list({ payment_intent: paymentIntent });
    expect(found.data.map((entry) => entry.id)).toEqual([session.id]);

    const recurring = fake.createForeignSession({
      amount: 900,
      currency: "usd",
      mode: "subscription",
      clientReferenceId: "someone-else",
      subscriptionMetadata: { plan: "link" },
    });
    fake.completeCheckout(recurring.id);
    const subscriptionId = String(fake.sessions.get(recurring.id)?.subscription);
    expect(await stripe.subscriptions.retrieve(subscriptionId)).toMatchObject({
      status: "active",
      metadata: { plan: "link" },
    });
  });

  it("stamps objects and events with the now option's clock", async () => {
    advanceDays(10);
    const now = Math.floor(clockMs / 1000);
    const { subscriptionId, sessionId } = await subscription();

    expect(fake.nowSeconds()).toBe(now);
    expect(fake.sessions.get(sessionId)?.created).toBe(now);
    const created = await stripe.subscriptions.retrieve(subscriptionId);
    expect(created.created).toBe(now);
    expect(created.items.data[0]?.current_period_start).toBe(now);
    expect(lastEvent().created).toBe(now);
  });

  it("while down, answers every API call with 503 but scenario helpers still move Stripe on", async () => {
    const { paymentIntent } = await paidPayment();
    fake.setDown(true);
    try {
      await expect(stripe.refunds.list({ payment_intent: paymentIntent })).rejects.toMatchObject({
        statusCode: 503,
        type: "StripeAPIError",
      });
      expect(fake.refund(paymentIntent).type).toBe("charge.refunded");
    } finally {
      fake.setDown(false);
    }
    const refunds = await stripe.refunds.list({ payment_intent: paymentIntent });
    expect(refunds.data).toHaveLength(1);
  });
});

/**
 * The fake's state and the ways Stripe itself moves it: money (PaymentIntents, charges, refunds), Checkout Sessions,
 * subscriptions and their invoices, and the events each change raises. Routes and scenario helpers both go through it.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { invalid, notFound } from "./errors.js";
import { type FormObject, formAt, formInteger, formString, formStringMap } from "./form.js";
import type {
  FakeBillingPortalSession,
  FakeCharge,
  FakeCheckoutSession,
  FakeDispute,
  FakeInvoice,
  FakeInvoicePayment,
  FakePaymentIntent,
  FakeRefund,
  FakeSubscription,
  FakeSubscriptionItem,
  StripeEventJson,
} from "./objects.js";

// --- Helpers

export const DAY_SECONDS = 86_400;

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** Stripe bills monthly and yearly on calendar boundaries. */
export function addInterval(startSeconds: number, interval: string, count: number): number {
  const date = new Date(startSeconds * 1000);
  if (interval === "year") date.setUTCFullYear(date.getUTCFullYear() + count);
  else if (interval === "month") date.setUTCMonth(date.getUTCMonth() + count);
  else if (interval === "week") date.setUTCDate(date.getUTCDate() + 7 * count);
  else date.setUTCDate(date.getUTCDate() + count);
  return Math.floor(date.getTime() / 1000);
}

export function snapshot<T>(value: T): T {
  return structuredClone(value);
}

/** A subscription with the single item the fake bills. */
export type BilledSubscription = FakeSubscription & { items: { data: [FakeSubscriptionItem] } };

/** What a Checkout Session is made of once its parameters are checked (by the API route or a scenario helper). */
export interface SessionInput {
  mode: "payment" | "subscription";
  amount: number;
  currency: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  locale: FakeCheckoutSession["locale"];
  successUrl: string | null;
  cancelUrl: string | null;
  allowedPaymentMethodTypes: string[] | null;
  paymentLink: string | null;
}

// --- The state

export class StripeState {
  readonly events: StripeEventJson[] = [];
  readonly sessions = new Map<string, FakeCheckoutSession>();
  /** The parameters each session was created with, which Checkout applies when the member completes it. */
  readonly sessionParams = new Map<string, FormObject>();
  readonly paymentIntents = new Map<string, FakePaymentIntent>();
  readonly charges = new Map<string, FakeCharge>();
  readonly invoices = new Map<string, FakeInvoice>();
  readonly invoicePayments = new Map<string, FakeInvoicePayment>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly disputes = new Map<string, FakeDispute>();
  readonly portalSessions: FakeBillingPortalSession[] = [];

  constructor(private readonly now: () => Date) {}

  /** Stripe's clock, in unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  // --- Events

  raise<T>(type: Stripe.Event["type"], object: T, previousAttributes?: Record<string, unknown>): StripeEventJson<T> {
    const event: StripeEventJson<T> = {
      id: newId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: this.nowSeconds(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      // A snapshot: later changes to the fake's state must not rewrite an event already "sent".
      data: { object: snapshot(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
    };
    this.events.push(event);
    return event;
  }

  // --- Money movements

  createPaymentIntent(input: {
    amount: number;
    currency: string;
    customer: string;
    metadata: Record<string, string>;
    description: string | null;
  }): FakePaymentIntent {
    const paymentIntent: FakePaymentIntent = {
      id: newId("pi"),
      object: "payment_intent",
      amount: input.amount,
      amount_received: 0,
      currency: input.currency,
      customer: input.customer,
      created: this.nowSeconds(),
      description: input.description,
      latest_charge: null,
      livemode: false,
      metadata: input.metadata,
      status: "requires_payment_method",
    };
    this.paymentIntents.set(paymentIntent.id, paymentIntent);
    return paymentIntent;
  }

  /** Attempts a charge on the PaymentIntent; the charge copies the PaymentIntent's metadata, as Stripe does. */
  attemptCharge(paymentIntent: FakePaymentIntent, outcome: "succeeded" | "pending" | "failed"): FakeCharge {
    const charge: FakeCharge = {
      id: newId("ch"),
      object: "charge",
      amount: paymentIntent.amount,
      amount_captured: outcome === "succeeded" ? paymentIntent.amount : 0,
      amount_refunded: 0,
      captured: outcome === "succeeded",
      created: this.nowSeconds(),
      currency: paymentIntent.currency,
      customer: paymentIntent.customer,
      description: paymentIntent.description,
      disputed: false,
      livemode: false,
      metadata: { ...paymentIntent.metadata },
      paid: outcome === "succeeded",
      payment_intent: paymentIntent.id,
      refunded: false,
      status: outcome,
    };
    this.charges.set(charge.id, charge);
    paymentIntent.latest_charge = charge.id;
    this.applyChargeOutcome(paymentIntent, charge, outcome);
    return charge;
  }

  applyChargeOutcome(
    paymentIntent: FakePaymentIntent,
    charge: FakeCharge,
    outcome: "succeeded" | "pending" | "failed",
  ): void {
    charge.status = outcome;
    charge.paid = outcome === "succeeded";
    charge.captured = outcome === "succeeded";
    charge.amount_captured = outcome === "succeeded" ? charge.amount : 0;
    paymentIntent.status =
      outcome === "succeeded" ? "succeeded" : outcome === "pending" ? "processing" : "requires_payment_method";
    paymentIntent.amount_received = outcome === "succeeded" ? paymentIntent.amount : 0;
  }

  chargeOf(paymentIntentId: string | null): FakeCharge | undefined {
    const paymentIntent = paymentIntentId ? this.paymentIntents.get(paymentIntentId) : undefined;
    const chargeId = typeof paymentIntent?.latest_charge === "string" ? paymentIntent.latest_charge : undefined;
    return chargeId ? this.charges.get(chargeId) : undefined;
  }

  paymentIntentOfInvoice(invoiceId: string): FakePaymentIntent | undefined {
    for (const payment of this.invoicePayments.values()) {
      if (payment.invoice === invoiceId && typeof payment.payment.payment_intent === "string") {
        return this.paymentIntents.get(payment.payment.payment_intent);
      }
    }
    return undefined;
  }

  /** The charge behind a PaymentIntent, invoice or charge id. */
  resolveCharge(paymentRef: string, param: string): FakeCharge {
    if (paymentRef.startsWith("ch_")) {
      const charge = this.charges.get(paymentRef);
      if (!charge) throw notFound("charge", paymentRef, param);
      return charge;
    }
    if (paymentRef.startsWith("in_")) {
      if (!this.invoices.has(paymentRef)) throw notFound("invoice", paymentRef, param);
      const charge = this.chargeOf(this.paymentIntentOfInvoice(paymentRef)?.id ?? null);
      if (!charge) throw invalid(`Invoice ${paymentRef} has no payment.`, param);
      return charge;
    }
    if (!this.paymentIntents.has(paymentRef)) throw notFound("payment_intent", paymentRef, param);
    const charge = this.chargeOf(paymentRef);
    if (!charge) throw invalid(`PaymentIntent ${paymentRef} does not have a successful charge to refund.`, param);
    return charge;
  }

  /** Refunds all that is left of the charge, or `amount` of it; returns the refund and the charge's former state. */
  createRefund(
    charge: FakeCharge,
    input: { amount?: number; metadata: Record<string, string>; reason?: string },
  ): { refund: FakeRefund; previous: Record<string, unknown> } {
    if (!charge.paid) throw invalid(`Charge ${charge.id} has not been paid.`, "charge");
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0)
      throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const amount = input.amount ?? remaining;
    if (!Number.isInteger(amount) || amount <= 0) throw invalid("Invalid positive integer", "amount");
    if (amount > remaining)
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, "amount");
    const refund: FakeRefund = {
      id: newId("re"),
      object: "refund",
      amount,
      charge: charge.id,
      created: this.nowSeconds(),
      currency: charge.currency,
      metadata: input.metadata,
      payment_intent: charge.payment_intent,
      reason: (input.reason as FakeRefund["reason"]) ?? null,
      status: "succeeded",
    };
    this.refunds.set(refund.id, refund);
    const previous: Record<string, unknown> = { amount_refunded: charge.amount_refunded };
    charge.amount_refunded += amount;
    const refunded = charge.amount_refunded === charge.amount;
    if (refunded !== charge.refunded) previous.refunded = charge.refunded;
    charge.refunded = refunded;
    return { refund, previous };
  }

  /** A refund as Stripe makes it, from our API or the Dashboard → `charge.refunded` (also for a partial refund). */
  refundCharge(
    charge: FakeCharge,
    input: { amount?: number; metadata: Record<string, string>; reason?: string },
  ): { refund: FakeRefund; event: StripeEventJson<FakeCharge> } {
    const { refund, previous } = this.createRefund(charge, input);
    return { refund, event: this.raise("charge.refunded", charge, previous) };
  }

  // --- Checkout

  createSession(input: SessionInput, params: FormObject): FakeCheckoutSession {
    const id = `cs_test_${randomBytes(24).toString("hex")}`;
    const created = this.nowSeconds();
    const session: FakeCheckoutSession = {
      id,
      object: "checkout.session",
      mode: input.mode,
      status: "open",
      payment_status: "unpaid",
      client_reference_id: input.clientReferenceId,
      metadata: input.metadata,
      amount_subtotal: input.amount,
      amount_total: input.amount,
      currency: input.currency,
      customer: null,
      payment_intent: null,
      subscription: null,
      invoice: null,
      locale: input.locale,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      created,
      expires_at: created + DAY_SECONDS,
      livemode: false,
      allowed_payment_method_types: input.allowedPaymentMethodTypes,
      payment_method_types: input.allowedPaymentMethodTypes ?? ["card"],
      payment_link: input.paymentLink,
    };
    this.sessions.set(id, session);
    this.sessionParams.set(id, params);
    return session;
  }

  requireSession(sessionId: string): FakeCheckoutSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`Fake Stripe has no Checkout Session ${sessionId}`);
    return session;
  }

  // --- Subscriptions and invoices

  createInvoice(
    subscription: FakeSubscription,
    input: {
      amount: number;
      periodStart: number;
      periodEnd: number;
      billingReason: NonNullable<FakeInvoice["billing_reason"]>;
    },
  ): FakeInvoice {
    const item = subscription.items.data[0];
    if (!item) throw new Error(`Subscription ${subscription.id} has no item`);
    const id = newId("in");
    const created = this.nowSeconds();
    const invoice: FakeInvoice = {
      id,
      object: "invoice",
      amount_due: input.amount,
      amount_paid: 0,
      amount_remaining: input.amount,
      attempt_count: 0,
      attempted: false,
      billing_reason: input.billingReason,
      collection_method: "charge_automatically",
      created,
      currency: subscription.currency,
      customer: subscription.customer,
      livemode: false,
      metadata: {},
      // For subscription invoices Stripe sets period_start/period_end to the window in which invoice items were
      // collected (the previous period), not the service period; the service period is on the lines.
      period_end: created,
      period_start: created,
      status: "open",
      subtotal: input.amount,
      total: input.amount,
      parent: {
        type: "subscription_details",
        quote_details: null,
        // Stripe snapshots the subscription's metadata onto each invoice it raises.
        subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
      },
      lines: {
        object: "list",
        data: [
          {
            id: newId("il"),
            object: "line_item",
            amount: input.amount,
            currency: subscription.currency,
            description: `1 × subscription`,
            invoice: id,
            livemode: false,
            metadata: {},
            period: { start: input.periodStart, end: input.periodEnd },
            quantity: 1,
            parent: {
              type: "subscription_item_details",
              invoice_item_details: null,
              subscription_item_details: {
                invoice_item: null,
                proration: false,
                subscription: subscription.id,
                subscription_item: item.id,
              },
            },
          },
        ],
        has_more: false,
        url: `/v1/invoices/${id}/lines`,
      },
    };
    this.invoices.set(id, invoice);
    subscription.latest_invoice = id;
    return invoice;
  }

  /** Collects an invoice: a zero invoice is paid outright, others through a PaymentIntent (no metadata, as Stripe). */
  collectInvoice(invoice: FakeInvoice, outcome: "succeeded" | "pending" | "failed"): void {
    invoice.attempted = true;
    invoice.attempt_count += 1;
    if (invoice.amount_due === 0) {
      this.markInvoicePaid(invoice);
      return;
    }
    const customer = typeof invoice.customer === "string" ? invoice.customer : "";
    const paymentIntent = this.createPaymentIntent({
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer,
      metadata: {},
      description: invoice.billing_reason === "subscription_create" ? "Subscription creation" : "Subscription update",
    });
    const invoicePayment: FakeInvoicePayment = {
      id: newId("inpay"),
      object: "invoice_payment",
      amount_paid: null,
      amount_requested: invoice.amount_due,
      created: this.nowSeconds(),
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: paymentIntent.id },
      status: "open",
      status_transitions: { canceled_at: null, paid_at: null },
    };
    this.invoicePayments.set(invoicePayment.id, invoicePayment);
    this.attemptCharge(paymentIntent, outcome);
    if (outcome === "succeeded") this.markInvoicePaid(invoice);
  }

  /** Stripe's automatic retry of an open invoice: a new charge on the invoice's PaymentIntent. */
  retryInvoice(invoice: FakeInvoice, outcome: "succeeded" | "failed"): FakeCharge {
    const paymentIntent = this.paymentIntentOfInvoice(invoice.id);
    if (!paymentIntent) throw new Error(`Invoice ${invoice.id} has no PaymentIntent to retry`);
    invoice.attempted = true;
    invoice.attempt_count += 1;
    const charge = this.attemptCharge(paymentIntent, outcome);
    if (outcome === "succeeded") this.markInvoicePaid(invoice);
    return charge;
  }

  markInvoicePaid(invoice: FakeInvoice): void {
    invoice.status = "paid";
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    for (const payment of this.invoicePayments.values()) {
      if (payment.invoice !== invoice.id) continue;
      payment.status = "paid";
      payment.amount_paid = payment.amount_requested;
      payment.status_transitions.paid_at = this.nowSeconds();
      const paymentIntent =
        typeof payment.payment.payment_intent === "string"
          ? this.paymentIntents.get(payment.payment.payment_intent)
          : undefined;
      const charge = this.chargeOf(paymentIntent?.id ?? null);
      if (paymentIntent && charge) this.applyChargeOutcome(paymentIntent, charge, "succeeded");
    }
  }

  /** Voids an open invoice, cancelling its PaymentIntent, as Stripe does when an incomplete subscription expires. */
  voidInvoice(invoice: FakeInvoice): void {
    invoice.status = "void";
    for (const payment of this.invoicePayments.values()) {
      if (payment.invoice !== invoice.id || payment.status !== "open") continue;
      payment.status = "canceled";
      payment.status_transitions.canceled_at = this.nowSeconds();
      const paymentIntent =
        typeof payment.payment.payment_intent === "string"
          ? this.paymentIntents.get(payment.payment.payment_intent)
          : undefined;
      if (paymentIntent && paymentIntent.status !== "succeeded") paymentIntent.status = "canceled";
    }
  }

  createSubscription(session: FakeCheckoutSession, params: FormObject, customer: string, paid: boolean) {
    const priceData = formAt(params, "line_items", 0, "price_data");
    const interval = formString(formAt(priceData, "recurring", "interval")) ?? "month";
    const intervalCount = formInteger(formAt(priceData, "recurring", "interval_count")) ?? 1;
    const unitAmount = formInteger(formAt(priceData, "unit_amount")) ?? 0;
    const trialDays = formInteger(formAt(params, "subscription_data", "trial_period_days")) ?? 0;
    const currency = session.currency ?? "usd";
    const start = this.nowSeconds();
    const periodEnd = trialDays > 0 ? start + trialDays * DAY_SECONDS : addInterval(start, interval, intervalCount);
    const id = newId("sub");
    const subscription: FakeSubscription = {
      id,
      object: "subscription",
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      created: start,
      currency,
      customer,
      ended_at: null,
      latest_invoice: null,
      livemode: false,
      metadata: formStringMap(formAt(params, "subscription_data", "metadata")),
      start_date: start,
      status: trialDays > 0 ? "trialing" : paid ? "active" : "incomplete",
      trial_end: trialDays > 0 ? periodEnd : null,
      trial_start: trialDays > 0 ? start : null,
      items: {
        object: "list",
        data: [
          {
            id: newId("si"),
            object: "subscription_item",
            created: start,
            current_period_start: start,
            current_period_end: periodEnd,
            metadata: {},
            quantity: 1,
            subscription: id,
            price: {
              id: newId("price"),
              object: "price",
              active: false,
              currency,
              livemode: false,
              product: newId("prod"),
              type: "recurring",
              unit_amount: unitAmount,
              recurring: {
                interval: interval as Stripe.Price.Recurring.Interval,
                interval_count: intervalCount,
              },
            },
          },
        ],
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
      },
    };
    this.subscriptions.set(id, subscription);
    const invoice = this.createInvoice(subscription, {
      amount: trialDays > 0 ? 0 : unitAmount,
      periodStart: start,
      periodEnd,
      billingReason: "subscription_create",
    });
    this.collectInvoice(invoice, paid ? "succeeded" : "pending");
    return { subscription, invoice, trial: trialDays > 0 };
  }

  /** The subscription a scenario helper moves; a test naming a missing or ended one is a mistake in the test. */
  requireSubscription(subscriptionId: string): BilledSubscription {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`Fake Stripe has no subscription ${subscriptionId}`);
    if (subscription.status === "canceled" || subscription.status === "incomplete_expired")
      throw new Error(`Subscription ${subscriptionId} is ${subscription.status}`);
    if (!subscription.items.data[0]) throw new Error(`Subscription ${subscriptionId} has no item`);
    return subscription as BilledSubscription;
  }

  /** Starts the next billing period, as Stripe does at renewal whether or not the charge then succeeds. */
  advancePeriod(subscription: BilledSubscription, periodDays?: number) {
    const item = subscription.items.data[0];
    const previous = { current_period_start: item.current_period_start, current_period_end: item.current_period_end };
    const start = item.current_period_end;
    const end =
      periodDays !== undefined
        ? start + periodDays * DAY_SECONDS
        : addInterval(start, item.price.recurring.interval, item.price.recurring.interval_count);
    item.current_period_start = start;
    item.current_period_end = end;
    return { start, end, previous };
  }

  /** Ends the subscription now → `customer.subscription.deleted`. */
  endSubscription(subscription: FakeSubscription): StripeEventJson<FakeSubscription> {
    const now = this.nowSeconds();
    subscription.status = "canceled";
    subscription.canceled_at = now;
    subscription.ended_at = now;
    return this.raise("customer.subscription.deleted", subscription);
  }

  /** Moves the subscription to `status` → `customer.subscription.updated` with the former status. */
  changeSubscriptionStatus(
    subscription: FakeSubscription,
    status: FakeSubscription["status"],
  ): StripeEventJson<FakeSubscription> {
    const previousStatus = subscription.status;
    subscription.status = status;
    return this.raise("customer.subscription.updated", subscription, { status: previousStatus });
  }
}

/**
 * A small in-process fake of Stripe's HTTP API, enough for the official SDK to run Checkout, refunds and
 * subscription lookups against it, plus scenario helpers that move its state the way Stripe would and return the
 * webhook event Stripe would then send. No stripe-mock is installable here, and `stripe-stateful-mock` lacks
 * Checkout Sessions (see /work/shared/FACTS.md).
 *
 * Objects are typed as `Pick`s of the installed SDK's types, so each field the fake models has the shape the pinned
 * API version (`Stripe.API_VERSION`) describes; fields it does not model are simply absent.
 *
 * @example
 * const fake = await startStripeFake();
 * const provider = createStripeProvider({ secretKey: "sk_test_x", webhookSecret, apiBase: fake.apiBase });
 * const { ref } = await provider.startCheckout(request);
 * const { body, signature } = signStripeEvent(fake.completeCheckout(ref), webhookSecret);
 * provider.parseWebhook(Buffer.from(body), signature);
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

// --- Object shapes (subsets of the SDK's types)

export interface FakeList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export type FakeCheckoutSession = Pick<
  Stripe.Checkout.Session,
  | "id"
  | "object"
  | "mode"
  | "status"
  | "payment_status"
  | "client_reference_id"
  | "metadata"
  | "amount_subtotal"
  | "amount_total"
  | "currency"
  | "customer"
  | "payment_intent"
  | "subscription"
  | "invoice"
  | "locale"
  | "url"
  | "success_url"
  | "cancel_url"
  | "created"
  | "expires_at"
  | "livemode"
  | "allowed_payment_method_types"
  | "payment_method_types"
>;

export type FakePaymentIntent = Pick<
  Stripe.PaymentIntent,
  | "id"
  | "object"
  | "amount"
  | "amount_received"
  | "currency"
  | "customer"
  | "created"
  | "description"
  | "latest_charge"
  | "livemode"
  | "metadata"
  | "status"
>;

export type FakeCharge = Pick<
  Stripe.Charge,
  | "id"
  | "object"
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "captured"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "disputed"
  | "livemode"
  | "metadata"
  | "paid"
  | "payment_intent"
  | "refunded"
  | "status"
>;

export type FakeRefund = Pick<
  Stripe.Refund,
  "id" | "object" | "amount" | "charge" | "created" | "currency" | "metadata" | "payment_intent" | "reason" | "status"
>;

export type FakeDispute = Pick<
  Stripe.Dispute,
  | "id"
  | "object"
  | "amount"
  | "charge"
  | "created"
  | "currency"
  | "is_charge_refundable"
  | "livemode"
  | "metadata"
  | "payment_intent"
  | "reason"
  | "status"
>;

export type FakePrice = Pick<
  Stripe.Price,
  "id" | "object" | "active" | "currency" | "livemode" | "product" | "type" | "unit_amount"
> & { recurring: Pick<Stripe.Price.Recurring, "interval" | "interval_count"> };

export type FakeSubscriptionItem = Pick<
  Stripe.SubscriptionItem,
  "id" | "object" | "created" | "current_period_start" | "current_period_end" | "metadata" | "quantity" | "subscription"
> & { price: FakePrice };

export type FakeSubscription = Pick<
  Stripe.Subscription,
  | "id"
  | "object"
  | "cancel_at"
  | "cancel_at_period_end"
  | "canceled_at"
  | "created"
  | "currency"
  | "customer"
  | "ended_at"
  | "latest_invoice"
  | "livemode"
  | "metadata"
  | "start_date"
  | "status"
  | "trial_end"
  | "trial_start"
> & { items: FakeList<FakeSubscriptionItem> };

export type FakeInvoiceLine = Pick<
  Stripe.InvoiceLineItem,
  "id" | "object" | "amount" | "currency" | "description" | "invoice" | "livemode" | "metadata" | "period" | "quantity"
> & {
  parent: Pick<Stripe.InvoiceLineItem.Parent, "type" | "invoice_item_details"> & {
    subscription_item_details: Pick<
      Stripe.InvoiceLineItem.Parent.SubscriptionItemDetails,
      "invoice_item" | "proration" | "subscription" | "subscription_item"
    >;
  };
};

export type FakeInvoice = Pick<
  Stripe.Invoice,
  | "id"
  | "object"
  | "amount_due"
  | "amount_paid"
  | "amount_remaining"
  | "attempt_count"
  | "attempted"
  | "billing_reason"
  | "collection_method"
  | "created"
  | "currency"
  | "customer"
  | "livemode"
  | "metadata"
  | "period_end"
  | "period_start"
  | "status"
  | "subtotal"
  | "total"
> & {
  parent: Pick<Stripe.Invoice.Parent, "type" | "quote_details"> & {
    subscription_details: Pick<Stripe.Invoice.Parent.SubscriptionDetails, "metadata" | "subscription">;
  };
  lines: FakeList<FakeInvoiceLine>;
};

export type FakeInvoicePayment = Stripe.InvoicePayment;

/** A Stripe `Event` as JSON, the way Stripe posts it to a webhook endpoint. */
export interface StripeEventJson<T = unknown> {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: Stripe.Event["type"];
  data: { object: T; previous_attributes?: Record<string, unknown> };
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** Parsed query string (GET parameters), nested like the body. */
  query: FormObject;
  /** Parsed form body (POST parameters), nested: `a[b][0][c]=1` → `{ a: { b: [{ c: "1" }] } }`. */
  body: FormObject;
  headers: IncomingHttpHeaders;
}

export interface FailureOptions {
  /** Sets `Stripe-Should-Retry`, which the SDK obeys before looking at the status. */
  shouldRetry?: boolean;
}

export interface StripeFake {
  /** e.g. `http://127.0.0.1:40123`, for the provider's `apiBase`. */
  readonly apiBase: string;
  /** Every request received, in order, including the ones answered with an injected failure. */
  readonly requests: RecordedRequest[];
  /** Every event the scenario helpers (and API calls with side effects) produced, in the order Stripe raised them. */
  readonly events: StripeEventJson[];
  readonly sessions: Map<string, FakeCheckoutSession>;
  readonly paymentIntents: Map<string, FakePaymentIntent>;
  readonly charges: Map<string, FakeCharge>;
  readonly invoices: Map<string, FakeInvoice>;
  readonly subscriptions: Map<string, FakeSubscription>;
  readonly refunds: Map<string, FakeRefund>;
  readonly disputes: Map<string, FakeDispute>;
  /** Answers the next `times` requests to `path` (any method) with `status` and Stripe's error JSON. */
  failNext(path: string, times: number, status?: number, options?: FailureOptions): void;
  /** The member pays (or starts an asynchronous payment when `paid` is false) → `checkout.session.completed`. */
  completeCheckout(sessionId: string, options?: { paid?: boolean }): StripeEventJson<FakeCheckoutSession>;
  /** A delayed payment method settles → `checkout.session.async_payment_succeeded`. */
  asyncPaymentSucceeded(sessionId: string): StripeEventJson<FakeCheckoutSession>;
  /** A delayed payment method fails → `checkout.session.async_payment_failed`. */
  asyncPaymentFailed(sessionId: string): StripeEventJson<FakeCheckoutSession>;
  /** The next period is charged successfully → `invoice.paid` (with a new period end). */
  renewSubscription(subscriptionId: string, options?: { periodDays?: number }): StripeEventJson<FakeInvoice>;
  /** The renewal charge is declined → `[invoice.payment_failed, customer.subscription.updated (past_due)]`. */
  failRenewal(subscriptionId: string): [StripeEventJson<FakeInvoice>, StripeEventJson<FakeSubscription>];
  /** The subscription ends now → `customer.subscription.deleted`. */
  cancelSubscription(subscriptionId: string): StripeEventJson<FakeSubscription>;
  /** A full refund made outside our API (e.g. in the Dashboard) of a PaymentIntent, invoice or charge → `charge.refunded`. */
  refund(paymentRef: string): StripeEventJson<FakeCharge>;
  /** The cardholder disputes the payment → `charge.dispute.created`. */
  dispute(paymentRef: string): StripeEventJson<FakeDispute>;
  close(): Promise<void>;
}

// --- Signing

/**
 * Serializes and signs an event as Stripe does for a webhook delivery.
 *
 * @example const { body, signature } = signStripeEvent(event, "whsec_test");
 */
export function signStripeEvent(event: StripeEventJson, webhookSecret: string): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret });
  return { body, signature };
}

// --- Form encoding (Stripe's request bodies and query strings)

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };
type FormContainer = FormValue[] | FormObject;

/** Parses `a[b][0][c]=1&a[b][0][d]=2` into `{ a: { b: [{ c: "1", d: "2" }] } }`, as Stripe reads its parameters. */
export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    assignFormValue(root, splitFormKey(key), value);
  }
  return root;
}

function splitFormKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const nested = [...(match[2] ?? "").matchAll(/\[([^\]]*)\]/g)].map((part) => part[1] ?? "");
  return [match[1] ?? key, ...nested];
}

function assignFormValue(root: FormObject, segments: string[], value: string): void {
  let current: FormContainer = root;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] ?? "";
    const key = segment === "" && Array.isArray(current) ? String(current.length) : segment;
    if (index === segments.length - 1) {
      setFormChild(current, key, value);
      return;
    }
    let child = getFormChild(current, key);
    if (child === undefined || typeof child === "string") {
      child = /^\d*$/.test(segments[index + 1] ?? "") ? [] : {};
      setFormChild(current, key, child);
    }
    current = child;
  }
}

function getFormChild(container: FormContainer, key: string): FormValue | undefined {
  return Array.isArray(container) ? container[Number(key)] : container[key];
}

function setFormChild(container: FormContainer, key: string, value: FormValue): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[key] = value;
}

/** Reads a nested parameter: `formAt(body, "line_items", 0, "price_data", "currency")`. */
export function formAt(value: FormValue | undefined, ...path: (string | number)[]): FormValue | undefined {
  let current = value;
  for (const key of path) {
    if (current === undefined || typeof current === "string") return undefined;
    current = Array.isArray(current) ? current[Number(key)] : current[String(key)];
  }
  return current;
}

function formString(value: FormValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function formInteger(value: FormValue | undefined): number | undefined {
  const text = formString(value);
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

function formStringMap(value: FormValue | undefined): Record<string, string> {
  if (value === undefined || typeof value === "string" || Array.isArray(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  return result;
}

function formStringList(value: FormValue | undefined): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((entry): entry is string => typeof entry === "string");
}

// --- HTTP plumbing

interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class StripeFakeError extends Error {
  constructor(
    readonly status: number,
    readonly error: { type: string; message: string; code?: string; param?: string },
  ) {
    super(error.message);
  }
}

function notFound(objectName: string, id: string, param = "id"): StripeFakeError {
  return new StripeFakeError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${objectName}: '${id}'`,
  });
}

function invalid(message: string, param?: string, code?: string): StripeFakeError {
  return new StripeFakeError(400, {
    type: "invalid_request_error",
    message,
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

const DAY_SECONDS = 86_400;

/** Stripe bills monthly and yearly on calendar boundaries. */
function addInterval(startSeconds: number, interval: string, count: number): number {
  const date = new Date(startSeconds * 1000);
  if (interval === "year") date.setUTCFullYear(date.getUTCFullYear() + count);
  else if (interval === "month") date.setUTCMonth(date.getUTCMonth() + count);
  else if (interval === "week") date.setUTCDate(date.getUTCDate() + 7 * count);
  else date.setUTCDate(date.getUTCDate() + count);
  return Math.floor(date.getTime() / 1000);
}

function snapshot<T>(value: T): T {
  return structuredClone(value);
}

// --- The fake

/**
 * Starts the fake on a random local port.
 *
 * @example const fake = await startStripeFake(); afterAll(() => fake.close());
 */
export async function startStripeFake(): Promise<StripeFake> {
  const requests: RecordedRequest[] = [];
  const events: StripeEventJson[] = [];
  const sessions = new Map<string, FakeCheckoutSession>();
  const sessionParams = new Map<string, FormObject>();
  const paymentIntents = new Map<string, FakePaymentIntent>();
  const charges = new Map<string, FakeCharge>();
  const invoices = new Map<string, FakeInvoice>();
  const invoicePayments = new Map<string, FakeInvoicePayment>();
  const subscriptions = new Map<string, FakeSubscription>();
  const refunds = new Map<string, FakeRefund>();
  const disputes = new Map<string, FakeDispute>();
  const failures = new Map<string, { remaining: number; status: number; options: FailureOptions }>();
  const idempotentResults = new Map<string, { fingerprint: string; response: FakeResponse }>();

  // --- Events

  function raise<T>(
    type: Stripe.Event["type"],
    object: T,
    previousAttributes?: Record<string, unknown>,
  ): StripeEventJson<T> {
    const event: StripeEventJson<T> = {
      id: newId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      // A snapshot: later changes to the fake's state must not rewrite an event already "sent".
      data: { object: snapshot(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
    };
    events.push(event);
    return event;
  }

  // --- Money movements

  function createPaymentIntent(input: {
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
      created: nowSeconds(),
      description: input.description,
      latest_charge: null,
      livemode: false,
      metadata: input.metadata,
      status: "requires_payment_method",
    };
    paymentIntents.set(paymentIntent.id, paymentIntent);
    return paymentIntent;
  }

  /** Attempts a charge on the PaymentIntent; the charge copies the PaymentIntent's metadata, as Stripe does. */
  function attemptCharge(paymentIntent: FakePaymentIntent, outcome: "succeeded" | "pending" | "failed"): FakeCharge {
    const charge: FakeCharge = {
      id: newId("ch"),
      object: "charge",
      amount: paymentIntent.amount,
      amount_captured: outcome === "succeeded" ? paymentIntent.amount : 0,
      amount_refunded: 0,
      captured: outcome === "succeeded",
      created: nowSeconds(),
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
    charges.set(charge.id, charge);
    paymentIntent.latest_charge = charge.id;
    applyChargeOutcome(paymentIntent, charge, outcome);
    return charge;
  }

  function applyChargeOutcome(
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

  function chargeOf(paymentIntentId: string | null): FakeCharge | undefined {
    const paymentIntent = paymentIntentId ? paymentIntents.get(paymentIntentId) : undefined;
    const chargeId = typeof paymentIntent?.latest_charge === "string" ? paymentIntent.latest_charge : undefined;
    return chargeId ? charges.get(chargeId) : undefined;
  }

  function paymentIntentOfInvoice(invoiceId: string): FakePaymentIntent | undefined {
    for (const payment of invoicePayments.values()) {
      if (payment.invoice === invoiceId && typeof payment.payment.payment_intent === "string") {
        return paymentIntents.get(payment.payment.payment_intent);
      }
    }
    return undefined;
  }

  /** The charge behind a PaymentIntent, invoice or charge id. */
  function resolveCharge(paymentRef: string, param: string): FakeCharge {
    if (paymentRef.startsWith("ch_")) {
      const charge = charges.get(paymentRef);
      if (!charge) throw notFound("charge", paymentRef, param);
      return charge;
    }
    if (paymentRef.startsWith("in_")) {
      if (!invoices.has(paymentRef)) throw notFound("invoice", paymentRef, param);
      const charge = chargeOf(paymentIntentOfInvoice(paymentRef)?.id ?? null);
      if (!charge) throw invalid(`Invoice ${paymentRef} has no payment.`, param);
      return charge;
    }
    if (!paymentIntents.has(paymentRef)) throw notFound("payment_intent", paymentRef, param);
    const charge = chargeOf(paymentRef);
    if (!charge) throw invalid(`PaymentIntent ${paymentRef} does not have a successful charge to refund.`, param);
    return charge;
  }

  function createRefund(
    charge: FakeCharge,
    input: { amount?: number; metadata: Record<string, string>; reason?: string },
  ): FakeRefund {
    if (!charge.paid) throw invalid(`Charge ${charge.id} has not been paid.`, "charge");
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0)
      throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const amount = input.amount ?? remaining;
    if (amount > remaining)
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, "amount");
    const refund: FakeRefund = {
      id: newId("re"),
      object: "refund",
      amount,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      metadata: input.metadata,
      payment_intent: charge.payment_intent,
      reason: (input.reason as FakeRefund["reason"]) ?? null,
      status: "succeeded",
    };
    refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return refund;
  }

  // --- Subscriptions and invoices

  function createInvoice(
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
    const created = nowSeconds();
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
    invoices.set(id, invoice);
    subscription.latest_invoice = id;
    return invoice;
  }

  /** Collects an invoice: a zero invoice is paid outright, others through a PaymentIntent (no metadata, as Stripe). */
  function collectInvoice(invoice: FakeInvoice, outcome: "succeeded" | "pending" | "failed"): void {
    invoice.attempted = true;
    invoice.attempt_count += 1;
    if (invoice.amount_due === 0) {
      markInvoicePaid(invoice);
      return;
    }
    const customer = typeof invoice.customer === "string" ? invoice.customer : "";
    const paymentIntent = createPaymentIntent({
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
      created: nowSeconds(),
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: paymentIntent.id },
      status: "open",
      status_transitions: { canceled_at: null, paid_at: null },
    };
    invoicePayments.set(invoicePayment.id, invoicePayment);
    attemptCharge(paymentIntent, outcome);
    if (outcome === "succeeded") markInvoicePaid(invoice);
  }

  function markInvoicePaid(invoice: FakeInvoice): void {
    invoice.status = "paid";
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    for (const payment of invoicePayments.values()) {
      if (payment.invoice !== invoice.id) continue;
      payment.status = "paid";
      payment.amount_paid = payment.amount_requested;
      payment.status_transitions.paid_at = nowSeconds();
      const paymentIntent =
        typeof payment.payment.payment_intent === "string"
          ? paymentIntents.get(payment.payment.payment_intent)
          : undefined;
      const charge = chargeOf(paymentIntent?.id ?? null);
      if (paymentIntent && charge) applyChargeOutcome(paymentIntent, charge, "succeeded");
    }
  }

  function createSubscription(session: FakeCheckoutSession, params: FormObject, customer: string, paid: boolean) {
    const priceData = formAt(params, "line_items", 0, "price_data");
    const interval = formString(formAt(priceData, "recurring", "interval")) ?? "month";
    const intervalCount = formInteger(formAt(priceData, "recurring", "interval_count")) ?? 1;
    const unitAmount = formInteger(formAt(priceData, "unit_amount")) ?? 0;
    const trialDays = formInteger(formAt(params, "subscription_data", "trial_period_days")) ?? 0;
    const currency = session.currency ?? "usd";
    const start = nowSeconds();
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
    subscriptions.set(id, subscription);
    const invoice = createInvoice(subscription, {
      amount: trialDays > 0 ? 0 : unitAmount,
      periodStart: start,
      periodEnd,
      billingReason: "subscription_create",
    });
    collectInvoice(invoice, paid ? "succeeded" : "pending");
    return { subscription, invoice, trial: trialDays > 0 };
  }

  function requireSubscription(subscriptionId: string): FakeSubscription & { items: { data: [FakeSubscriptionItem] } } {
    const subscription = subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`Fake Stripe has no subscription ${subscriptionId}`);
    if (subscription.status === "canceled") throw new Error(`Subscription ${subscriptionId} is canceled`);
    if (!subscription.items.data[0]) throw new Error(`Subscription ${subscriptionId} has no item`);
    return subscription as FakeSubscription & { items: { data: [FakeSubscriptionItem] } };
  }

  /** Starts the next billing period, as Stripe does at renewal whether or not the charge then succeeds. */
  function advancePeriod(
    subscription: FakeSubscription & { items: { data: [FakeSubscriptionItem] } },
    periodDays?: number,
  ) {
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

  function requireSession(sessionId: string): FakeCheckoutSession {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`Fake Stripe has no Checkout Session ${sessionId}`);
    return session;
  }

  // --- Scenario helpers

  function completeCheckout(sessionId: string, options: { paid?: boolean } = {}): StripeEventJson<FakeCheckoutSession> {
    const paid = options.paid ?? true;
    const session = requireSession(sessionId);
    if (session.status !== "open") throw new Error(`Checkout Session ${sessionId} is ${session.status}`);
    const params = sessionParams.get(sessionId) ?? {};
    const customer = newId("cus");
    session.customer = customer;
    session.status = "complete";

    if (session.mode === "payment") {
      const paymentIntent = createPaymentIntent({
        amount: session.amount_total ?? 0,
        currency: session.currency ?? "usd",
        customer,
        metadata: formStringMap(formAt(params, "payment_intent_data", "metadata")),
        description: null,
      });
      attemptCharge(paymentIntent, paid ? "succeeded" : "pending");
      session.payment_intent = paymentIntent.id;
      session.payment_status = paid ? "paid" : "unpaid";
      return raise("checkout.session.completed", session);
    }

    const { subscription, invoice, trial } = createSubscription(session, params, customer, paid);
    session.subscription = subscription.id;
    session.invoice = invoice.id;
    session.payment_status = trial ? "no_payment_required" : paid ? "paid" : "unpaid";
    raise("customer.subscription.created", subscription);
    if (invoice.status === "paid") raise("invoice.paid", invoice);
    return raise("checkout.session.completed", session);
  }

  function settleAsyncPayment(sessionId: string, outcome: "succeeded" | "failed"): FakeCheckoutSession {
    const session = requireSession(sessionId);
    if (session.status !== "complete" || session.payment_status !== "unpaid") {
      throw new Error(`Checkout Session ${sessionId} has no pending payment`);
    }
    const invoiceId = typeof session.invoice === "string" ? session.invoice : null;
    const paymentIntentId =
      typeof session.payment_intent === "string"
        ? session.payment_intent
        : invoiceId
          ? (paymentIntentOfInvoice(invoiceId)?.id ?? null)
          : null;
    const paymentIntent = paymentIntentId ? paymentIntents.get(paymentIntentId) : undefined;
    const charge = chargeOf(paymentIntentId);
    if (paymentIntent && charge) applyChargeOutcome(paymentIntent, charge, outcome);
    if (outcome === "succeeded") {
      session.payment_status = "paid";
      const invoice = invoiceId ? invoices.get(invoiceId) : undefined;
      if (invoice) {
        markInvoicePaid(invoice);
        const subscription =
          typeof session.subscription === "string" ? subscriptions.get(session.subscription) : undefined;
        if (subscription) subscription.status = "active";
        raise("invoice.paid", invoice);
      }
    }
    return session;
  }

  function asyncPaymentSucceeded(sessionId: string): StripeEventJson<FakeCheckoutSession> {
    return raise("checkout.session.async_payment_succeeded", settleAsyncPayment(sessionId, "succeeded"));
  }

  function asyncPaymentFailed(sessionId: string): StripeEventJson<FakeCheckoutSession> {
    return raise("checkout.session.async_payment_failed", settleAsyncPayment(sessionId, "failed"));
  }

  function renewSubscription(
    subscriptionId: string,
    options: { periodDays?: number } = {},
  ): StripeEventJson<FakeInvoice> {
    const subscription = requireSubscription(subscriptionId);
    const previousStatus = subscription.status;
    const { start, end, previous } = advancePeriod(subscription, options.periodDays ?? 30);
    const invoice = createInvoice(subscription, {
      amount: subscription.items.data[0].price.unit_amount ?? 0,
      periodStart: start,
      periodEnd: end,
      billingReason: "subscription_cycle",
    });
    collectInvoice(invoice, "succeeded");
    subscription.status = "active";
    raise("customer.subscription.updated", subscription, {
      items: { ...snapshot(subscription.items), data: [{ ...snapshot(subscription.items.data[0]), ...previous }] },
      latest_invoice: null,
      ...(previousStatus !== "active" ? { status: previousStatus } : {}),
    });
    return raise("invoice.paid", invoice);
  }

  function failRenewal(subscriptionId: string): [StripeEventJson<FakeInvoice>, StripeEventJson<FakeSubscription>] {
    const subscription = requireSubscription(subscriptionId);
    const previousStatus = subscription.status;
    const { start, end } = advancePeriod(subscription);
    const invoice = createInvoice(subscription, {
      amount: subscription.items.data[0].price.unit_amount ?? 0,
      periodStart: start,
      periodEnd: end,
      billingReason: "subscription_cycle",
    });
    collectInvoice(invoice, "failed");
    subscription.status = "past_due";
    return [
      raise("invoice.payment_failed", invoice),
      raise("customer.subscription.updated", subscription, { status: previousStatus }),
    ];
  }

  function cancelSubscription(subscriptionId: string): StripeEventJson<FakeSubscription> {
    const subscription = requireSubscription(subscriptionId);
    const now = nowSeconds();
    subscription.status = "canceled";
    subscription.canceled_at = now;
    subscription.ended_at = now;
    return raise("customer.subscription.deleted", subscription);
  }

  function refundScenario(paymentRef: string): StripeEventJson<FakeCharge> {
    const charge = resolveCharge(paymentRef, "payment_intent");
    createRefund(charge, { metadata: {} });
    return raise("charge.refunded", charge, { amount_refunded: 0, refunded: false });
  }

  function disputeScenario(paymentRef: string): StripeEventJson<FakeDispute> {
    const charge = resolveCharge(paymentRef, "charge");
    const dispute: FakeDispute = {
      id: newId("dp"),
      object: "dispute",
      amount: charge.amount - charge.amount_refunded,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: "fraudulent",
      status: "needs_response",
    };
    disputes.set(dispute.id, dispute);
    charge.disputed = true;
    return raise("charge.dispute.created", dispute);
  }

  // --- API routes

  function createCheckoutSession(params: FormObject): FakeResponse {
    const mode = formString(params.mode);
    if (mode !== "payment" && mode !== "subscription")
      throw invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
    // Removed in API version 2026-09-30; a request that still sends it is rejected like any unknown parameter.
    if ("payment_method_types" in params)
      throw invalid("Received unknown parameter: payment_method_types", "payment_method_types");
    if (!formString(params.success_url)) throw invalid("Missing required param: success_url.", "success_url");
    const lineItems = Array.isArray(params.line_items) ? params.line_items : [];
    if (lineItems.length === 0) throw invalid("Missing required param: line_items.", "line_items");
    let amount = 0;
    let currency: string | undefined;
    for (const [index, item] of lineItems.entries()) {
      const unitAmount = formInteger(formAt(item, "price_data", "unit_amount"));
      const itemCurrency = formString(formAt(item, "price_data", "currency"));
      if (unitAmount === undefined || !itemCurrency)
        throw invalid("Missing required param: price_data.", `line_items[${index}][price_data]`);
      const recurring = formAt(item, "price_data", "recurring") !== undefined;
      if (mode === "payment" && recurring) {
        throw invalid("You specified `payment` mode but passed a recurring price.", `line_items[${index}]`);
      }
      if (mode === "subscription" && !recurring) {
        throw invalid(
          "You must provide at least one recurring price in `subscription` mode when using prices.",
          `line_items[${index}]`,
        );
      }
      amount += unitAmount * (formInteger(formAt(item, "quantity")) ?? 1);
      currency = itemCurrency.toLowerCase();
    }
    // During a free trial nothing is due today, and Checkout shows (and reports) a total of zero.
    if (mode === "subscription" && (formInteger(formAt(params, "subscription_data", "trial_period_days")) ?? 0) > 0)
      amount = 0;
    const id = `cs_test_${randomBytes(24).toString("hex")}`;
    const created = nowSeconds();
    const session: FakeCheckoutSession = {
      id,
      object: "checkout.session",
      mode,
      status: "open",
      payment_status: "unpaid",
      client_reference_id: formString(params.client_reference_id) ?? null,
      metadata: formStringMap(params.metadata),
      amount_subtotal: amount,
      amount_total: amount,
      currency: currency ?? null,
      customer: null,
      payment_intent: null,
      subscription: null,
      invoice: null,
      locale: (formString(params.locale) as FakeCheckoutSession["locale"]) ?? null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      success_url: formString(params.success_url) ?? null,
      cancel_url: formString(params.cancel_url) ?? null,
      created,
      expires_at: created + DAY_SECONDS,
      livemode: false,
      allowed_payment_method_types: formStringList(params.allowed_payment_method_types),
      payment_method_types: formStringList(params.allowed_payment_method_types) ?? ["card"],
    };
    sessions.set(id, session);
    sessionParams.set(id, params);
    return { status: 200, body: session };
  }

  function createRefundRoute(params: FormObject): FakeResponse {
    const paymentIntentId = formString(params.payment_intent);
    const chargeId = formString(params.charge);
    if (!paymentIntentId && !chargeId)
      throw invalid("One of the following params should be provided for this request: payment_intent or charge.");
    const charge = chargeId
      ? resolveCharge(chargeId, "charge")
      : resolveCharge(paymentIntentId ?? "", "payment_intent");
    const refund = createRefund(charge, {
      amount: formInteger(params.amount),
      metadata: formStringMap(params.metadata),
      reason: formString(params.reason),
    });
    raise("charge.refunded", charge);
    return { status: 200, body: refund };
  }

  function invoiceWithIncludes(invoice: FakeInvoice, query: FormObject): unknown {
    const expand = formStringList(query.expand) ?? [];
    if (!expand.includes("payments")) return invoice;
    const payments = [...invoicePayments.values()].filter((payment) => payment.invoice === invoice.id);
    return {
      ...invoice,
      payments: { object: "list", data: payments, has_more: false, url: `/v1/invoice_payments?invoice=${invoice.id}` },
    };
  }

  function listInvoicePayments(query: FormObject): FakeResponse {
    const invoiceId = formString(query.invoice);
    const paymentIntentId = formString(formAt(query, "payment", "payment_intent"));
    const limit = formInteger(query.limit) ?? 10;
    const matching = [...invoicePayments.values()]
      .filter((payment) => !invoiceId || payment.invoice === invoiceId)
      .filter((payment) => !paymentIntentId || payment.payment.payment_intent === paymentIntentId);
    return {
      status: 200,
      body: {
        object: "list",
        data: matching.slice(0, limit),
        has_more: matching.length > limit,
        url: "/v1/invoice_payments",
      },
    };
  }

  function getOr404<T>(map: Map<string, T>, id: string, objectName: string): FakeResponse {
    const found = map.get(id);
    if (!found) throw notFound(objectName, id);
    return { status: 200, body: found };
  }

  function route(method: string, path: string, body: FormObject, query: FormObject): FakeResponse {
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    const [version, resource, second, third] = segments;
    if (version === "v1") {
      if (method === "POST" && resource === "checkout" && second === "sessions" && !third)
        return createCheckoutSession(body);
      if (method === "GET" && resource === "checkout" && second === "sessions" && third && segments.length === 4) {
        return getOr404(sessions, third, "checkout.session");
      }
      if (method === "GET" && segments.length === 3 && second) {
        if (resource === "subscriptions") return getOr404(subscriptions, second, "subscription");
        if (resource === "payment_intents") return getOr404(paymentIntents, second, "payment_intent");
        if (resource === "invoices") {
          const invoice = invoices.get(second);
          if (!invoice) throw notFound("invoice", second);
          return { status: 200, body: invoiceWithIncludes(invoice, query) };
        }
      }
      if (method === "GET" && resource === "invoice_payments" && segments.length === 2)
        return listInvoicePayments(query);
      if (method === "POST" && resource === "refunds" && segments.length === 2) return createRefundRoute(body);
    }
    throw new StripeFakeError(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  }

  function failureResponse(status: number, options: FailureOptions): FakeResponse {
    const error =
      status === 429
        ? { type: "invalid_request_error", code: "rate_limit", message: "Request rate limit exceeded." }
        : status >= 500
          ? { type: "api_error", message: "An unknown error occurred (injected by the Stripe fake)." }
          : { type: "invalid_request_error", message: "Injected failure." };
    const headers: Record<string, string> = {};
    if (options.shouldRetry !== undefined) headers["Stripe-Should-Retry"] = String(options.shouldRetry);
    return { status, body: { error }, headers };
  }

  async function respond(request: IncomingMessage): Promise<FakeResponse> {
    const url = new URL(request.url ?? "/", "http://stripe.fake");
    const method = request.method ?? "GET";
    const rawBody = await readBody(request);
    const body = rawBody ? parseStripeForm(rawBody) : {};
    const query = parseStripeForm(url.search.slice(1));
    requests.push({ method, path: url.pathname, query, body, headers: request.headers });

    const failure = failures.get(url.pathname);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      return failureResponse(failure.status, failure.options);
    }

    const authorization = request.headers.authorization ?? "";
    if (!/^Bearer (sk|rk)_(test|live)_\S+$/.test(authorization)) {
      return {
        status: 401,
        body: { error: { type: "invalid_request_error", message: "Invalid API Key provided." } },
      };
    }

    // Stripe replays a successful result for a repeated key and refuses a key reused with other parameters.
    const idempotencyKey = method === "POST" ? request.headers["idempotency-key"] : undefined;
    const fingerprint = `${method} ${url.pathname} ${rawBody}`;
    if (typeof idempotencyKey === "string") {
      const earlier = idempotentResults.get(idempotencyKey);
      if (earlier && earlier.fingerprint !== fingerprint) {
        return {
          status: 400,
          body: {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          },
        };
      }
      if (earlier)
        return { ...earlier.response, headers: { ...earlier.response.headers, "Idempotent-Replayed": "true" } };
    }

    let response: FakeResponse;
    try {
      response = route(method, url.pathname, body, query);
    } catch (error) {
      if (!(error instanceof StripeFakeError)) throw error;
      return { status: error.status, body: { error: error.error } };
    }
    if (typeof idempotencyKey === "string") {
      idempotentResults.set(idempotencyKey, { fingerprint, response: { ...response, body: snapshot(response.body) } });
    }
    return response;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    respond(request)
      .then((result) => {
        response.writeHead(result.status, {
          "Content-Type": "application/json",
          "Request-Id": newId("req"),
          "Stripe-Version": Stripe.API_VERSION,
          ...result.headers,
        });
        response.end(JSON.stringify(result.body));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { "Content-Type": "application/json" });
        response.end(
          JSON.stringify({ error: { type: "api_error", message: `Stripe fake crashed: ${String(error)}` } }),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiBase,
    requests,
    events,
    sessions,
    paymentIntents,
    charges,
    invoices,
    subscriptions,
    refunds,
    disputes,
    failNext(path, times, status = 500, options = {}) {
      failures.set(path, { remaining: times, status, options });
    },
    completeCheckout,
    asyncPaymentSucceeded,
    asyncPaymentFailed,
    renewSubscription,
    failRenewal,
    cancelSubscription,
    refund: refundScenario,
    dispute: disputeScenario,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Stripe behind the core's `PaymentProvider` port: Checkout Sessions for one-time and recurring offers, refunds,
 * webhook verification and the mapping of Stripe events to neutral `PaymentEvent`s.
 *
 * ## paymentRef rule
 * The core deduplicates payments on `paymentRef` (stored as `Payment.providerPaymentId`), so one payment must carry
 * the same ref in every event that reports it:
 * - one-time order (Checkout `mode: "payment"`): the PaymentIntent id (`pi_…`);
 * - subscription payment (first and every renewal): the invoice id (`in_…`). `checkout.session.completed` reports
 *   the session's first invoice (`session.invoice`), `invoice.paid` reports `invoice.id`, so both name the same
 *   payment. The invoice is used rather than its PaymentIntent because the current API no longer puts the
 *   PaymentIntent on the invoice in webhooks (`invoice.payments` is only returned when expanded).
 * - `charge.refunded` / `charge.dispute.created`: the charge's invoice when the payload names one (API versions
 *   before 2025-03-31), otherwise its PaymentIntent. For a subscription payment under the current API that is the
 *   invoice's PaymentIntent, not the invoice id: call `resolvePaymentRef` to turn it into the invoice id.
 * `refund()` accepts any of these refs (PaymentIntent, invoice or charge id).
 */
import Stripe from "stripe";
import {
  type CheckoutRequest,
  type CheckoutStarted,
  type PaymentEvent,
  type PaymentProvider,
  type SubscriptionState,
  WebhookSignatureError,
} from "../../core/ports.js";

// --- Options and public type

export interface StripeProviderOptions {
  /** Secret API key (`sk_…` or a restricted `rk_…`). Never logged or put into error messages. */
  secretKey: string;
  /** Signing secret of the webhook endpoint (`whsec_…`). */
  webhookSecret: string;
  /** Where the API lives, e.g. `"http://127.0.0.1:12111"` for a local fake; Stripe's own API when absent. */
  apiBase?: string;
  /**
   * Payment methods Checkout may offer. Sent as `allowed_payment_method_types`: the pinned API version
   * (2026-09-30 and later) removed `payment_method_types`, and the allowed list filters the methods enabled in the
   * Dashboard. `"dynamic"` sends no list, so the Dashboard alone decides. Defaults: one-time
   * `["card", "alipay", "wechat_pay"]`, subscriptions `["card"]` (Alipay and WeChat Pay cannot renew on their own).
   */
  paymentMethods?: string[] | "dynamic";
}

/** The Stripe adapter: the `PaymentProvider` port plus one Stripe-specific lookup. */
export interface StripePaymentProvider extends PaymentProvider {
  readonly kind: "STRIPE";
  /**
   * The canonical paymentRef for a ref found in a charge or dispute event: a PaymentIntent that paid a subscription
   * invoice becomes that invoice's id (see the paymentRef rule above); any other ref comes back unchanged. Needs an
   * API call, which is why `parseWebhook` (synchronous, called before answering Stripe) does not do it.
   *
   * @example const ref = await stripe.resolvePaymentRef(event.paymentRef) // "pi_…" → "in_…" for renewals
   */
  resolvePaymentRef(paymentRef: string): Promise<string>;
}

export const DEFAULT_ONE_TIME_PAYMENT_METHODS = ["card", "alipay", "wechat_pay"] as const;
export const DEFAULT_SUBSCRIPTION_PAYMENT_METHODS = ["card"] as const;

type SubscriptionStatus = SubscriptionState["status"];
type AllowedPaymentMethodType = Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType;

// --- Fields older API versions sent; the pinned types no longer describe them, so they are read defensively.

interface LegacyInvoiceFields {
  subscription?: string | { id: string } | null;
  subscription_details?: { metadata?: Stripe.Metadata | null } | null;
  payment_intent?: string | { id: string } | null;
}

interface LegacySubscriptionFields {
  current_period_end?: number | null;
}

interface LegacyChargeFields {
  invoice?: string | { id: string } | null;
}

// --- Provider

/**
 * Creates the Stripe payment provider.
 *
 * @example
 * const stripe = createStripeProvider({ secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET });
 * const { ref, url } = await stripe.startCheckout({ orderId: 7, memberId: 3, productTitle: "Club", amount: 990,
 *   currency: "usd", recurring: null, locale: "en", successUrl, cancelUrl });
 */
export function createStripeProvider(options: StripeProviderOptions): StripePaymentProvider {
  const stripe = new Stripe(options.secretKey, {
    ...connectionSettings(options.apiBase),
    // Two retries with the SDK's backoff; POSTs carry idempotency keys, so a retry never charges or refunds twice.
    maxNetworkRetries: 2,
  });

  return {
    kind: "STRIPE",

    async startCheckout(request: CheckoutRequest): Promise<CheckoutStarted> {
      const session = await stripe.checkout.sessions.create(checkoutSessionParams(request, options.paymentMethods), {
        // A double click (or a retried job) for the same order gets the same session back instead of a second one.
        idempotencyKey: request.idempotencyKey,
      });
      if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`);
      return { ref: session.id, url: session.url };
    },

    async refund(paymentRef: string, idempotencyKey: string): Promise<{ refundRef: string }> {
      const target = await refundTarget(stripe, paymentRef);
      const refund = await stripe.refunds.create({ ...target, metadata: { paymentRef } }, { idempotencyKey });
      return { refundRef: refund.id };
    },

    parseWebhook(rawBody: Buffer, signature: string | undefined): PaymentEvent {
      if (!signature) throw new WebhookSignatureError("Missing Stripe-Signature header");
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
      } catch (error) {
        // Stripe's message names the failed check only (no secret); anything unverifiable is treated as forged.
        const detail = error instanceof Error ? error.message : String(error);
        throw new WebhookSignatureError(`Stripe webhook rejected: ${detail}`);
      }
      return toPaymentEvent(event);
    },

    async fetchSubscription(subscriptionRef: string): Promise<SubscriptionState> {
      const subscription = await stripe.subscriptions.retrieve(subscriptionRef);
      return toSubscriptionState(subscription);
    },

    async resolvePaymentRef(paymentRef: string): Promise<string> {
      if (!paymentRef.startsWith("pi_")) return paymentRef;
      const invoicePayments = await stripe.invoicePayments.list({
        payment: { type: "payment_intent", payment_intent: paymentRef },
        limit: 1,
      });
      const invoiceId = idOf(invoicePayments.data[0]?.invoice);
      return invoiceId ?? paymentRef;
    },
  };
}

/** Turns `apiBase` into the SDK's host/port/protocol; Stripe's defaults when absent. */
function connectionSettings(apiBase: string | undefined): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

// --- Checkout

/** The Checkout Session parameters for one order. */
function checkoutSessionParams(
  request: CheckoutRequest,
  paymentMethods: StripeProviderOptions["paymentMethods"],
): Stripe.Checkout.SessionCreateParams {
  // Metadata goes on the session and on the object that outlives it (PaymentIntent or Subscription), so refunds,
  // disputes and renewals can be traced back to the order without the session.
  const metadata = { orderId: String(request.orderId), memberId: String(request.memberId) };
  const currency = request.currency.toLowerCase();
  const common = {
    client_reference_id: String(request.orderId),
    metadata,
    locale: request.locale,
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
  } satisfies Stripe.Checkout.SessionCreateParams;

  if (request.recurring) {
    const methods = paymentMethodList(paymentMethods, DEFAULT_SUBSCRIPTION_PAYMENT_METHODS);
    const trialDays = request.recurring.trialDays ?? 0;
    return {
      ...common,
      mode: "subscription",
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency,
            unit_amount: request.amount,
            product_data: { name: request.productTitle },
            recurring: { interval: request.recurring.interval === "YEAR" ? "year" : "month" },
          },
        },
      ],
      subscription_data: { metadata, ...(trialDays > 0 ? { trial_period_days: trialDays } : {}) },
      ...(methods ? { allowed_payment_method_types: methods } : {}),
    };
  }

  const methods = paymentMethodList(paymentMethods, DEFAULT_ONE_TIME_PAYMENT_METHODS);
  return {
    ...common,
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: { currency, unit_amount: request.amount, product_data: { name: request.productTitle } },
      },
    ],
    payment_intent_data: { metadata },
    ...(methods ? { allowed_payment_method_types: methods } : {}),
    // Checkout on the web can show WeChat Pay only as a QR code, which Stripe requires us to ask for explicitly.
    ...(methods?.includes("wechat_pay") ? { payment_method_options: { wechat_pay: { client: "web" } } } : {}),
  };
}

function paymentMethodList(
  configured: StripeProviderOptions["paymentMethods"],
  defaults: readonly string[],
): AllowedPaymentMethodType[] | null {
  if (configured === "dynamic") return null;
  return [...(configured ?? defaults)];
}

// --- Refunds

type RefundTarget = { payment_intent: string } | { charge: string };

/** What to refund for a paymentRef: PaymentIntents and charges directly, an invoice through the payment that paid it. */
async function refundTarget(stripe: Stripe, paymentRef: string): Promise<RefundTarget> {
  if (paymentRef.startsWith("ch_") || paymentRef.startsWith("py_")) return { charge: paymentRef };
  if (!paymentRef.startsWith("in_")) return { payment_intent: paymentRef };

  // `payments` is an includable field: Stripe only returns it when expanded.
  const invoice: Stripe.Invoice & LegacyInvoiceFields = await stripe.invoices.retrieve(paymentRef, {
    expand: ["payments"],
  });
  const paid = invoice.payments?.data.find((payment) => payment.status === "paid");
  const paymentIntent = idOf(paid?.payment.payment_intent) ?? idOf(invoice.payment_intent);
  if (paymentIntent) return { payment_intent: paymentIntent };
  const charge = idOf(paid?.payment.charge);
  if (charge) return { charge };
  throw new Error(`Stripe invoice ${paymentRef} has no payment to refund`);
}

// --- Webhook events

/**
 * Maps a verified Stripe event to the neutral event the core understands. Pure, so it can also be fed events
 * fetched later (e.g. a replay from `stripe.events.retrieve`).
 */
export function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const eventId = event.id;
  switch (event.type) {
    case "checkout.session.completed": {
      const session = event.data.object;
      return {
        type: "checkout.completed",
        eventId,
        ...checkoutFields(session),
        paid: session.payment_status === "paid" || session.payment_status === "no_payment_required",
      };
    }
    case "checkout.session.async_payment_succeeded":
      return { type: "payment.succeeded", eventId, ...checkoutFields(event.data.object) };
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      return { type: "payment.failed", eventId, orderId: sessionOrderId(session), checkoutRef: session.id };
    }
    case "invoice.paid": {
      const invoice: Stripe.Invoice & LegacyInvoiceFields = event.data.object;
      const subscriptionRef = invoiceSubscriptionId(invoice);
      // An invoice not raised by a subscription (a one-off invoice made in the Dashboard) is none of our orders.
      if (!subscriptionRef) return ignored(event);
      return {
        type: "invoice.paid",
        eventId,
        orderId: invoiceOrderId(invoice),
        subscriptionRef,
        paymentRef: invoice.id,
        amount: invoice.amount_paid,
        currency: invoice.currency.toLowerCase(),
        periodEnd: invoicePeriodEnd(invoice),
      };
    }
    case "invoice.payment_failed": {
      const invoice: Stripe.Invoice & LegacyInvoiceFields = event.data.object;
      const subscriptionRef = invoiceSubscriptionId(invoice);
      if (!subscriptionRef) return ignored(event);
      return { type: "invoice.failed", eventId, orderId: invoiceOrderId(invoice), subscriptionRef };
    }
    case "customer.subscription.updated": {
      const state = toSubscriptionState(event.data.object);
      return {
        type: "subscription.updated",
        eventId,
        orderId: state.orderId,
        subscriptionRef: state.subscriptionRef,
        status: state.status,
        currentPeriodEnd: state.currentPeriodEnd,
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
      };
    }
    case "customer.subscription.deleted": {
      const subscription = event.data.object;
      return {
        type: "subscription.deleted",
        eventId,
        orderId: parseOrderId(subscription.metadata?.orderId),
        subscriptionRef: subscription.id,
      };
    }
    case "charge.refunded": {
      const charge: Stripe.Charge & LegacyChargeFields = event.data.object;
      return {
        type: "charge.refunded",
        eventId,
        orderId: parseOrderId(charge.metadata?.orderId),
        paymentRef: chargePaymentRef(charge),
        amountRefunded: charge.amount_refunded,
        // `refunds` is only in payloads of API versions before 2022-11-15 (newest first); null otherwise.
        refundRef: charge.refunds?.data[0]?.id ?? null,
      };
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      // The dispute names its charge by id; the charge itself (with our metadata) only when expanded.
      const charge = typeof dispute.charge === "object" ? (dispute.charge as Stripe.Charge & LegacyChargeFields) : null;
      return {
        type: "dispute.created",
        eventId,
        orderId: parseOrderId(charge?.metadata?.orderId ?? dispute.metadata?.orderId),
        paymentRef: charge
          ? chargePaymentRef(charge)
          : (idOf(dispute.payment_intent) ?? idOf(dispute.charge) ?? dispute.id),
      };
    }
    default:
      return ignored(event);
  }
}

function ignored(event: Stripe.Event): PaymentEvent {
  return { type: "ignored", eventId: event.id, providerType: event.type };
}

function checkoutFields(session: Stripe.Checkout.Session) {
  return {
    orderId: sessionOrderId(session),
    checkoutRef: session.id,
    paymentRef: sessionPaymentRef(session),
    subscriptionRef: idOf(session.subscription),
    amount: session.amount_total ?? 0,
    currency: (session.currency ?? "").toLowerCase(),
  };
}

function sessionOrderId(session: Stripe.Checkout.Session): number | null {
  return parseOrderId(session.client_reference_id) ?? parseOrderId(session.metadata?.orderId);
}

/** See the paymentRef rule at the top of this file. */
function sessionPaymentRef(session: Stripe.Checkout.Session): string | null {
  if (session.mode === "subscription") return idOf(session.invoice);
  if (session.mode === "payment") return idOf(session.payment_intent);
  return null;
}

function invoiceSubscriptionId(invoice: Stripe.Invoice & LegacyInvoiceFields): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(invoice.subscription);
}

function invoiceOrderId(invoice: Stripe.Invoice & LegacyInvoiceFields): number | null {
  // Stripe snapshots the subscription's metadata (which holds our orderId) on each invoice it raises.
  const metadata = invoice.parent?.subscription_details?.metadata ?? invoice.subscription_details?.metadata;
  return parseOrderId(metadata?.orderId ?? invoice.metadata?.orderId);
}

/**
 * The end of the period this invoice paid for. `invoice.period_end` is not it (for subscriptions it marks the end
 * of the *previous* period's usage window); the line items carry the service period.
 */
function invoicePeriodEnd(invoice: Stripe.Invoice): Date | null {
  const ends = (invoice.lines?.data ?? []).map((line) => line.period?.end).filter((end) => typeof end === "number");
  return ends.length > 0 ? fromUnixSeconds(Math.max(...ends)) : null;
}

/** See the paymentRef rule at the top of this file. */
function chargePaymentRef(charge: Stripe.Charge & LegacyChargeFields): string {
  return idOf(charge.invoice) ?? idOf(charge.payment_intent) ?? charge.id;
}

// --- Subscriptions

/** Maps a Stripe subscription to the neutral state. */
function toSubscriptionState(subscription: Stripe.Subscription & LegacySubscriptionFields): SubscriptionState {
  // The current API keeps the period on each item; older versions kept it on the subscription.
  const periodEndSeconds = subscription.items?.data[0]?.current_period_end ?? subscription.current_period_end ?? null;
  const currentPeriodEnd = periodEndSeconds === null ? null : fromUnixSeconds(periodEndSeconds);
  // A cancellation scheduled with `cancel_at` at or before the period end (what the Customer Portal now does) also
  // means "will not renew".
  const cancelAt = subscription.cancel_at ?? null;
  const cancelsByDate = cancelAt !== null && periodEndSeconds !== null && cancelAt <= periodEndSeconds;
  return {
    subscriptionRef: subscription.id,
    orderId: parseOrderId(subscription.metadata?.orderId),
    status: toSubscriptionStatus(subscription.status),
    currentPeriodEnd,
    cancelAtPeriodEnd: subscription.cancel_at_period_end === true || cancelsByDate,
  };
}

/**
 * Stripe's subscription statuses in the core's terms. `past_due` is not `canceled`: Stripe is still retrying.
 * `paused` (trial ended without a payment method) and `unpaid` (retries exhausted, subscription kept) both mean
 * "owes money, may come back", like past_due; an unknown future status is treated the same rather than cutting
 * access or granting it.
 */
export function toSubscriptionStatus(status: Stripe.Subscription.Status): SubscriptionStatus {
  switch (status) {
    case "active":
      return "ACTIVE";
    case "trialing":
      return "TRIALING";
    case "incomplete":
      return "INCOMPLETE";
    case "canceled":
    case "incomplete_expired":
      return "CANCELED";
    case "past_due":
    case "unpaid":
    case "paused":
      return "PAST_DUE";
    default:
      return "PAST_DUE";
  }
}

// --- Small helpers

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** Our order ids are positive integers written as decimal strings; anything else is not ours. */
function parseOrderId(value: string | null | undefined): number | null {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const orderId = Number(value);
  return Number.isSafeInteger(orderId) ? orderId : null;
}

function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

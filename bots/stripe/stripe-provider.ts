/**
 * Stripe behind the core's `PaymentProvider` port: Checkout Sessions for one-time and recurring offers, refunds,
 * subscription cancellation, webhook verification (events mapped in stripe-events.ts) and reading the current state
 * of a checkout (stripe-state.ts).
 *
 * ## paymentRef rule
 * The core stores payments under `paymentRef` (`Payment.providerPaymentId`), so one payment must carry the same ref
 * wherever it is reported:
 * - one-time order (Checkout `mode: "payment"`): the PaymentIntent id (`pi_…`);
 * - subscription payment (first and every renewal): the invoice id (`in_…`). The invoice is used rather than its
 *   PaymentIntent because the current API no longer puts the PaymentIntent on the invoice in webhooks
 *   (`invoice.payments` is only returned when expanded).
 * - a refund or dispute names a charge or PaymentIntent; `locateCheckout` follows Stripe's links to the canonical
 *   ref and to the checkout session it belongs to.
 * `refund()` accepts any of these refs (PaymentIntent, invoice or charge id).
 */
import Stripe from "stripe";
import type {
  BillingPortalRequest,
  CheckoutRequest,
  CheckoutStarted,
  PaymentEvent,
  PaymentProvider,
} from "../../core/ports.js";
import { WebhookSignatureError } from "../../core/ports.js";
import { idOf, type LegacyInvoiceFields, toPaymentEvent } from "./stripe-events.js";
import { createStripeStateReader } from "./stripe-state.js";

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

/** The Stripe adapter. */
export interface StripePaymentProvider extends PaymentProvider {
  readonly kind: "STRIPE";
}

export const DEFAULT_ONE_TIME_PAYMENT_METHODS = ["card", "alipay", "wechat_pay"] as const;
export const DEFAULT_SUBSCRIPTION_PAYMENT_METHODS = ["card"] as const;

type AllowedPaymentMethodType = Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType;

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
    // A webhook waits on these reads: fail fast and let Stripe deliver again rather than hang for the default 80 s.
    timeout: 20_000,
  });
  const state = createStripeStateReader(stripe);

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

    async refund(paymentRef: string, idempotencyKey: string, requestId?: number): Promise<{ refundRef: string }> {
      const target = await refundTarget(stripe, paymentRef);
      const metadata: Record<string, string> = { paymentRef };
      if (requestId) metadata.refundRequestId = String(requestId);
      const refund = await stripe.refunds.create({ ...target, metadata }, { idempotencyKey });
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

    async cancelSubscription(subscriptionRef: string, cancelOptions: { atPeriodEnd: boolean }): Promise<void> {
      const subscription = await stripe.subscriptions.retrieve(subscriptionRef);
      if (subscription.status === "canceled" || subscription.status === "incomplete_expired") return;
      if (cancelOptions.atPeriodEnd) {
        if (!subscription.cancel_at_period_end) {
          await stripe.subscriptions.update(
            subscriptionRef,
            { cancel_at_period_end: true },
            { idempotencyKey: `cancel-at-end-${subscriptionRef}` },
          );
        }
        return;
      }
      await stripe.subscriptions.cancel(subscriptionRef, {}, { idempotencyKey: `cancel-${subscriptionRef}` });
    },

    async openBillingPortal(request: BillingPortalRequest): Promise<{ url: string }> {
      // A portal session is short-lived and single-use, so each /billing makes a new one (no idempotency key).
      const session = await stripe.billingPortal.sessions.create({
        customer: request.customerRef,
        return_url: request.returnUrl,
        locale: request.locale,
      });
      return { url: session.url };
    },

    locateCheckout: state.locateCheckout,
    fetchCheckout: state.fetchCheckout,
    listActivity: state.listActivity,
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
    // One customer per member: a later checkout reuses the first one's, so the Customer Portal shows everything.
    ...(request.customerRef ? { customer: request.customerRef } : {}),
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
    // Subscriptions always make a customer; a one-time payment only when asked, and /billing needs one to reuse.
    ...(request.customerRef ? {} : { customer_creation: "always" as const }),
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

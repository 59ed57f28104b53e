/**
 * Stripe's webhook events in the core's neutral terms. Pure: a mapping only, no API call, so it runs before the
 * endpoint answers. Each event is a hint of which checkout changed; the core then reads that checkout's current state
 * (see stripe-state.ts), so nothing here has to be complete or in order.
 */
import type Stripe from "stripe";
import type { PaymentEvent, ProviderSubscriptionStatus, SubscriptionState } from "../../core/ports.js";

// --- Fields older API versions sent; the pinned types no longer describe them, so they are read defensively.

export interface LegacyInvoiceFields {
  subscription?: string | { id: string } | null;
  subscription_details?: { metadata?: Stripe.Metadata | null } | null;
  payment_intent?: string | { id: string } | null;
}

export interface LegacySubscriptionFields {
  current_period_end?: number | null;
}

export interface LegacyChargeFields {
  invoice?: string | { id: string } | null;
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
    case "checkout.session.expired": {
      const session = event.data.object;
      return { type: "checkout.expired", eventId, orderId: sessionOrderId(session), checkoutRef: session.id };
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
      return {
        type: "invoice.failed",
        eventId,
        orderId: invoiceOrderId(invoice),
        subscriptionRef,
        paymentRef: invoice.id,
      };
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
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
    case "charge.dispute.funds_reinstated":
    case "charge.dispute.funds_withdrawn": {
      const dispute = event.data.object;
      // The dispute names its charge by id; the charge itself (with our metadata) only when expanded.
      const charge = typeof dispute.charge === "object" ? (dispute.charge as Stripe.Charge & LegacyChargeFields) : null;
      return {
        type: event.type === "charge.dispute.created" ? "dispute.created" : "dispute.closed",
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

export function sessionOrderId(session: Stripe.Checkout.Session): number | null {
  return parseOrderId(session.client_reference_id) ?? parseOrderId(session.metadata?.orderId);
}

/** See the paymentRef rule at the top of this file. */
function sessionPaymentRef(session: Stripe.Checkout.Session): string | null {
  if (session.mode === "subscription") return idOf(session.invoice);
  if (session.mode === "payment") return idOf(session.payment_intent);
  return null;
}

export function invoiceSubscriptionId(invoice: Stripe.Invoice & LegacyInvoiceFields): string | null {
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
export function invoicePeriodEnd(invoice: Stripe.Invoice): Date | null {
  const ends = (invoice.lines?.data ?? []).map((line) => line.period?.end).filter((end) => typeof end === "number");
  return ends.length > 0 ? fromUnixSeconds(Math.max(...ends)) : null;
}

/** See the paymentRef rule at the top of this file. */
function chargePaymentRef(charge: Stripe.Charge & LegacyChargeFields): string {
  return idOf(charge.invoice) ?? idOf(charge.payment_intent) ?? charge.id;
}

// --- Subscriptions

/** Maps a Stripe subscription to the neutral state. */
export function toSubscriptionState(subscription: Stripe.Subscription & LegacySubscriptionFields): SubscriptionState {
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
 * Stripe's subscription statuses in the core's terms. `past_due` is not `canceled`: Stripe is still retrying, and
 * the member keeps access for the grace period after the last paid period. `unpaid` (retries exhausted, subscription
 * kept) and `paused` (trial ended without a payment method) close access until a payment arrives; an unknown future
 * status is treated as past_due (grace from what was paid) rather than cutting access or granting more.
 */
export function toSubscriptionStatus(status: Stripe.Subscription.Status): ProviderSubscriptionStatus {
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
      return "PAST_DUE";
    case "unpaid":
      return "UNPAID";
    case "paused":
      return "PAUSED";
    default:
      return "PAST_DUE";
  }
}

// --- Small helpers

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** Our order ids are positive integers written as decimal strings; anything else is not ours. */
export function parseOrderId(value: string | null | undefined): number | null {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const orderId = Number(value);
  return Number.isSafeInteger(orderId) ? orderId : null;
}

export function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

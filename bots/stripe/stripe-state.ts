/**
 * Reads the current state of our checkouts from Stripe, following Stripe's own links rather than our metadata:
 * charge → PaymentIntent → Checkout Session (one-time), PaymentIntent → invoice payment → invoice → subscription →
 * Checkout Session (subscriptions). The core applies what this returns, so events may arrive late, twice or in any
 * order, and a refund or dispute that outruns its payment is still tied to the right order.
 *
 * Every read is a GET; a Stripe that does not answer becomes `ProviderUnavailableError` (the webhook answers 503 and
 * Stripe delivers again; the reconciler tries again on its next run).
 */
import Stripe from "stripe";
import {
  type PaymentEvent,
  type ProviderCheckout,
  type ProviderPayment,
  ProviderUnavailableError,
} from "../../core/ports.js";
import {
  idOf,
  invoicePeriodEnd,
  invoiceSubscriptionId,
  type LegacyChargeFields,
  type LegacyInvoiceFields,
  parseOrderId,
  sessionOrderId,
  toSubscriptionState,
} from "./stripe-events.js";

type Located = { checkoutRef: string; paymentRef: string | null } | null;

/** Refund statuses that mean the money is going back (pending ones settle later, but are not ours to keep). */
const COUNTED_REFUND_STATUSES = new Set(["succeeded", "pending", "requires_action"]);

/** The state readers, bound to one Stripe client. */
export function createStripeStateReader(stripe: Stripe) {
  // --- Links

  async function sessionOfSubscription(subscriptionRef: string): Promise<string | null> {
    const sessions = await stripe.checkout.sessions.list({ subscription: subscriptionRef, limit: 1 });
    return sessions.data[0]?.id ?? null;
  }

  async function subscriptionOfInvoice(invoiceRef: string): Promise<string | null> {
    const invoice: Stripe.Invoice & LegacyInvoiceFields = await stripe.invoices.retrieve(invoiceRef);
    return invoiceSubscriptionId(invoice);
  }

  /** A payment ref from a charge or dispute (`ch_`, `py_`, `pi_`, `in_`) → our checkout and the canonical ref. */
  async function locatePayment(ref: string): Promise<Located> {
    let paymentIntent: string | null = null;
    let invoice: string | null = null;
    if (ref.startsWith("in_")) invoice = ref;
    else if (ref.startsWith("pi_")) paymentIntent = ref;
    else if (ref.startsWith("ch_") || ref.startsWith("py_")) {
      const charge: Stripe.Charge & LegacyChargeFields = await stripe.charges.retrieve(ref);
      invoice = idOf(charge.invoice);
      paymentIntent = idOf(charge.payment_intent);
    } else return null;

    if (!invoice && paymentIntent) {
      const sessions = await stripe.checkout.sessions.list({ payment_intent: paymentIntent, limit: 1 });
      const session = sessions.data[0];
      if (session) return { checkoutRef: session.id, paymentRef: paymentIntent };
      // Not a one-time checkout: a PaymentIntent that paid a subscription invoice.
      const invoicePayments = await stripe.invoicePayments.list({
        payment: { type: "payment_intent", payment_intent: paymentIntent },
        limit: 1,
      });
      invoice = idOf(invoicePayments.data[0]?.invoice);
    }
    if (!invoice) return null;
    const subscriptionRef = await subscriptionOfInvoice(invoice);
    const checkoutRef = subscriptionRef ? await sessionOfSubscription(subscriptionRef) : null;
    return checkoutRef ? { checkoutRef, paymentRef: invoice } : null;
  }

  async function locateCheckout(event: PaymentEvent): Promise<Located> {
    switch (event.type) {
      case "checkout.completed":
      case "payment.succeeded":
        return { checkoutRef: event.checkoutRef, paymentRef: event.paymentRef };
      case "payment.failed":
      case "checkout.expired":
        return { checkoutRef: event.checkoutRef, paymentRef: null };
      case "invoice.paid":
      case "invoice.failed": {
        const checkoutRef = await sessionOfSubscription(event.subscriptionRef);
        return checkoutRef ? { checkoutRef, paymentRef: event.paymentRef } : null;
      }
      case "subscription.updated":
      case "subscription.deleted": {
        const checkoutRef = await sessionOfSubscription(event.subscriptionRef);
        return checkoutRef ? { checkoutRef, paymentRef: null } : null;
      }
      case "charge.refunded":
      case "dispute.created":
      case "dispute.closed":
        return locatePayment(event.paymentRef);
      case "ignored":
        return null;
    }
  }

  // --- Payments

  /** Refunds and the latest dispute of a PaymentIntent, every page. */
  async function readPaymentIntent(
    paymentIntentRef: string,
  ): Promise<Pick<ProviderPayment, "paid" | "amount" | "currency" | "refunds" | "dispute"> & { declined: boolean }> {
    const [paymentIntent, refunds, disputes] = await Promise.all([
      stripe.paymentIntents.retrieve(paymentIntentRef),
      listAll(stripe.refunds.list({ payment_intent: paymentIntentRef, limit: 100 })),
      listAll(stripe.disputes.list({ payment_intent: paymentIntentRef, limit: 100 })),
    ]);
    const latest = disputes.sort((a, b) => b.created - a.created)[0];
    return {
      paid: paymentIntent.status === "succeeded",
      // A delayed method (Alipay, a bank debit) that was declined leaves the intent waiting for a new method.
      declined: paymentIntent.status === "requires_payment_method" || paymentIntent.status === "canceled",
      amount: paymentIntent.amount_received || paymentIntent.amount,
      currency: paymentIntent.currency.toLowerCase(),
      refunds: refunds
        .filter((refund) => COUNTED_REFUND_STATUSES.has(refund.status ?? ""))
        .map((refund) => ({
          refundRef: refund.id,
          amount: refund.amount,
          requestId: parseOrderId(refund.metadata?.refundRequestId),
        })),
      dispute: latest ? { disputeRef: latest.id, status: disputeStatus(latest.status) } : null,
    };
  }

  async function readInvoicePayment(invoiceRef: string): Promise<ProviderPayment> {
    // `payments` is an includable field: Stripe only returns it when expanded.
    const invoice: Stripe.Invoice & LegacyInvoiceFields = await stripe.invoices.retrieve(invoiceRef, {
      expand: ["payments"],
    });
    const paid = invoice.status === "paid";
    const settled = invoice.payments?.data.find((payment) => payment.status === "paid");
    const paymentIntent = idOf(settled?.payment.payment_intent) ?? idOf(invoice.payment_intent);
    const money = paymentIntent && paid ? await readPaymentIntent(paymentIntent) : null;
    return {
      paymentRef: invoice.id,
      paid,
      amount: paid ? invoice.amount_paid : invoice.amount_due,
      currency: invoice.currency.toLowerCase(),
      refunds: money?.refunds ?? [],
      dispute: money?.dispute ?? null,
      periodEnd: invoicePeriodEnd(invoice),
    };
  }

  // --- Checkouts

  async function fetchCheckout(
    checkoutRef: string,
    options: { paymentRefs?: string[] } = {},
  ): Promise<ProviderCheckout> {
    const fetchedAt = new Date();
    const session = await stripe.checkout.sessions.retrieve(checkoutRef);
    const sessionPaid = session.payment_status === "paid" || session.payment_status === "no_payment_required";
    const common = {
      checkoutRef: session.id,
      claimedOrderId: sessionOrderId(session),
      currency: (session.currency ?? "").toLowerCase(),
      fetchedAt,
      // Stripe expires an unused Checkout page (after 24 hours by default); its link then shows an error.
      expired: session.status === "expired",
      customerRef: idOf(session.customer),
    };

    if (session.mode === "subscription") {
      const subscriptionRef = idOf(session.subscription);
      const subscription = subscriptionRef ? await stripe.subscriptions.retrieve(subscriptionRef) : null;
      const item = subscription?.items?.data[0];
      const invoiceRefs = new Set<string>();
      for (const ref of [
        idOf(session.invoice),
        idOf(subscription?.latest_invoice),
        ...(options.paymentRefs ?? []).filter((ref) => ref.startsWith("in_")),
      ]) {
        if (ref) invoiceRefs.add(ref);
      }
      const payments = await Promise.all([...invoiceRefs].map(readInvoicePayment));
      return {
        ...common,
        amount:
          item?.price?.unit_amount != null
            ? item.price.unit_amount * (item.quantity ?? 1)
            : (session.amount_total ?? 0),
        paid: sessionPaid,
        failed: subscription?.status === "incomplete_expired",
        subscription: subscription ? toSubscriptionState(subscription) : null,
        payments,
      };
    }

    const paymentIntentRef = idOf(session.payment_intent);
    const read = paymentIntentRef ? await readPaymentIntent(paymentIntentRef) : null;
    const payments: ProviderPayment[] = [];
    if (paymentIntentRef && read) {
      const { declined: _declined, ...money } = read;
      payments.push({ paymentRef: paymentIntentRef, periodEnd: null, ...money });
    }
    return {
      ...common,
      amount: session.amount_total ?? 0,
      paid: sessionPaid,
      failed: session.status === "complete" && !sessionPaid && read?.declined === true,
      subscription: null,
      payments,
    };
  }

  // --- Activity, for the reconciler

  async function listActivity(since: Date): Promise<Map<string, string[]>> {
    const created = { gte: Math.floor(since.getTime() / 1000) };
    const activity = new Map<string, string[]>();
    const add = (located: Located) => {
      if (!located) return;
      const refs = activity.get(located.checkoutRef) ?? [];
      if (located.paymentRef && !refs.includes(located.paymentRef)) refs.push(located.paymentRef);
      activity.set(located.checkoutRef, refs);
    };
    for await (const session of stripe.checkout.sessions.list({ created, limit: 100 })) {
      // Expired ones too: an order whose page expired must stop offering its dead link even if the event was lost.
      if (session.status === "complete" || session.status === "expired")
        add({ checkoutRef: session.id, paymentRef: null });
    }
    for await (const invoice of stripe.invoices.list({ created, limit: 100 })) {
      const subscriptionRef = invoiceSubscriptionId(invoice);
      if (!subscriptionRef) continue;
      const checkoutRef = await sessionOfSubscription(subscriptionRef);
      if (checkoutRef) add({ checkoutRef, paymentRef: invoice.id });
    }
    for await (const refund of stripe.refunds.list({ created, limit: 100 })) {
      const ref = idOf(refund.payment_intent) ?? idOf(refund.charge);
      if (ref) add(await locatePayment(ref));
    }
    for await (const dispute of stripe.disputes.list({ created, limit: 100 })) {
      const ref = idOf(dispute.payment_intent) ?? idOf(dispute.charge);
      if (ref) add(await locatePayment(ref));
    }
    return activity;
  }

  return {
    locateCheckout: (event: PaymentEvent) => unavailableOnFailure(() => locateCheckout(event)),
    fetchCheckout: (checkoutRef: string, options?: { paymentRefs?: string[] }) =>
      unavailableOnFailure(() => fetchCheckout(checkoutRef, options)),
    listActivity: (since: Date) => unavailableOnFailure(() => listActivity(since)),
  };
}

/** Stripe's dispute statuses: inquiries and open disputes hold the money; `warning_closed` and `prevented` end well. */
export function disputeStatus(status: Stripe.Dispute.Status): "OPEN" | "WON" | "LOST" {
  switch (status) {
    case "won":
    case "warning_closed":
    case "prevented":
      return "WON";
    case "lost":
      return "LOST";
    default:
      return "OPEN";
  }
}

async function listAll<T>(list: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of list) all.push(item);
  return all;
}

/** Stripe not answering (network, 5xx, 429 after the SDK's retries) becomes a "try later"; anything else is a bug. */
async function unavailableOnFailure<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError ||
      (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
    ) {
      // Stripe's message names the failed request, never the key.
      throw new ProviderUnavailableError(`Stripe did not answer: ${error.message}`);
    }
    throw error;
  }
}

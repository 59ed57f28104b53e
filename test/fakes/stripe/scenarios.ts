/**
 * Scenario helpers: what happens at Stripe outside our API calls (a member paying, a renewal, a Dashboard refund, a
 * dispute), applied to the fake's state the way Stripe would, each returning the event(s) Stripe would then send.
 */
import { type FormObject, formAt, formStringMap } from "./form.js";
import type { StripeFake } from "./index.js";
import type { FakeCheckoutSession, FakeDispute } from "./objects.js";
import { newId, type StripeState, snapshot } from "./state.js";

export type StripeScenarios = Pick<
  StripeFake,
  | "completeCheckout"
  | "asyncPaymentSucceeded"
  | "asyncPaymentFailed"
  | "renewSubscription"
  | "failRenewal"
  | "retryRenewal"
  | "markUnpaid"
  | "expireIncomplete"
  | "cancelSubscription"
  | "refund"
  | "dispute"
  | "closeDispute"
  | "createForeignSession"
  | "expireCheckout"
>;

/** Builds the scenario helpers over the fake's state. */
export function createScenarios(state: StripeState): StripeScenarios {
  // --- Checkout

  const completeCheckout: StripeFake["completeCheckout"] = (sessionId, options = {}) => {
    const paid = options.paid ?? true;
    const session = state.requireSession(sessionId);
    if (session.status !== "open") throw new Error(`Checkout Session ${sessionId} is ${session.status}`);
    const params = state.sessionParams.get(sessionId) ?? {};
    // A session made for a known customer (`customer=cus_…`) charges that one; otherwise Stripe makes a new one.
    const customer = typeof session.customer === "string" ? session.customer : newId("cus");
    session.customer = customer;
    session.status = "complete";

    if (session.mode === "payment") {
      const paymentIntent = state.createPaymentIntent({
        amount: session.amount_total ?? 0,
        currency: session.currency ?? "usd",
        customer,
        metadata: formStringMap(formAt(params, "payment_intent_data", "metadata")),
        description: null,
      });
      state.attemptCharge(paymentIntent, paid ? "succeeded" : "pending");
      session.payment_intent = paymentIntent.id;
      session.payment_status = paid ? "paid" : "unpaid";
      return state.raise("checkout.session.completed", session);
    }

    const { subscription, invoice, trial } = state.createSubscription(session, params, customer, paid);
    session.subscription = subscription.id;
    session.invoice = invoice.id;
    session.payment_status = trial ? "no_payment_required" : paid ? "paid" : "unpaid";
    state.raise("customer.subscription.created", subscription);
    if (invoice.status === "paid") state.raise("invoice.paid", invoice);
    return state.raise("checkout.session.completed", session);
  };

  function settleAsyncPayment(sessionId: string, outcome: "succeeded" | "failed"): FakeCheckoutSession {
    const session = state.requireSession(sessionId);
    if (session.status !== "complete" || session.payment_status !== "unpaid") {
      throw new Error(`Checkout Session ${sessionId} has no pending payment`);
    }
    const invoiceId = typeof session.invoice === "string" ? session.invoice : null;
    const paymentIntentId =
      typeof session.payment_intent === "string"
        ? session.payment_intent
        : invoiceId
          ? (state.paymentIntentOfInvoice(invoiceId)?.id ?? null)
          : null;
    const paymentIntent = paymentIntentId ? state.paymentIntents.get(paymentIntentId) : undefined;
    const charge = state.chargeOf(paymentIntentId);
    if (paymentIntent && charge) state.applyChargeOutcome(paymentIntent, charge, outcome);
    if (outcome === "succeeded") {
      session.payment_status = "paid";
      const invoice = invoiceId ? state.invoices.get(invoiceId) : undefined;
      if (invoice) {
        state.markInvoicePaid(invoice);
        const subscription =
          typeof session.subscription === "string" ? state.subscriptions.get(session.subscription) : undefined;
        if (subscription) subscription.status = "active";
        state.raise("invoice.paid", invoice);
      }
    }
    return session;
  }

  const createForeignSession: StripeFake["createForeignSession"] = (options) => {
    const mode = options.mode ?? "payment";
    const currency = options.currency.toLowerCase();
    // The parameters a Payment Link would create the session with, which completeCheckout then applies.
    const params: FormObject = {
      mode,
      line_items: [
        {
          price_data: {
            currency,
            unit_amount: String(options.amount),
            product_data: { name: "Payment Link product" },
            ...(mode === "subscription" ? { recurring: { interval: "month" } } : {}),
          },
          quantity: "1",
        },
      ],
      metadata: { ...options.metadata },
      ...(mode === "payment"
        ? { payment_intent_data: { metadata: { ...options.paymentIntentMetadata } } }
        : { subscription_data: { metadata: { ...options.subscriptionMetadata } } }),
    };
    return state.createSession(
      {
        mode,
        amount: options.amount,
        currency,
        clientReferenceId: options.clientReferenceId ?? null,
        metadata: { ...options.metadata },
        locale: null,
        successUrl: null,
        cancelUrl: null,
        allowedPaymentMethodTypes: null,
        paymentLink: newId("plink"),
      },
      params,
    );
  };

  // --- Subscriptions

  const renewSubscription: StripeFake["renewSubscription"] = (subscriptionId, options = {}) => {
    const subscription = state.requireSubscription(subscriptionId);
    if (subscription.cancel_at_period_end) {
      throw new Error(
        `Subscription ${subscriptionId} is set to cancel at its period end: Stripe would end it (cancelSubscription), not renew it`,
      );
    }
    const previousStatus = subscription.status;
    const { start, end, previous } = state.advancePeriod(subscription, options.periodDays ?? 30);
    const invoice = state.createInvoice(subscription, {
      amount: subscription.items.data[0].price.unit_amount ?? 0,
      periodStart: start,
      periodEnd: end,
      billingReason: "subscription_cycle",
    });
    state.collectInvoice(invoice, "succeeded");
    subscription.status = "active";
    state.raise("customer.subscription.updated", subscription, {
      items: {
        ...snapshot(subscription.items),
        data: [{ ...snapshot(subscription.items.data[0]), ...previous }],
      },
      latest_invoice: null,
      ...(previousStatus !== "active" ? { status: previousStatus } : {}),
    });
    return state.raise("invoice.paid", invoice);
  };

  const failRenewal: StripeFake["failRenewal"] = (subscriptionId) => {
    const subscription = state.requireSubscription(subscriptionId);
    const previousStatus = subscription.status;
    const { start, end } = state.advancePeriod(subscription);
    const invoice = state.createInvoice(subscription, {
      amount: subscription.items.data[0].price.unit_amount ?? 0,
      periodStart: start,
      periodEnd: end,
      billingReason: "subscription_cycle",
    });
    state.collectInvoice(invoice, "failed");
    subscription.status = "past_due";
    return [
      state.raise("invoice.payment_failed", invoice),
      state.raise("customer.subscription.updated", subscription, { status: previousStatus }),
    ];
  };

  const retryRenewal: StripeFake["retryRenewal"] = (subscriptionId) => {
    const subscription = state.requireSubscription(subscriptionId);
    const invoiceId = typeof subscription.latest_invoice === "string" ? subscription.latest_invoice : null;
    const invoice = invoiceId ? state.invoices.get(invoiceId) : undefined;
    if (invoice?.status !== "open") {
      throw new Error(`Subscription ${subscriptionId} has no open invoice to retry (call failRenewal first)`);
    }
    // Smart Retries charge the same invoice again, through its PaymentIntent; the period does not move.
    state.retryInvoice(invoice, "succeeded");
    return [state.raise("invoice.paid", invoice), state.changeSubscriptionStatus(subscription, "active")];
  };

  const markUnpaid: StripeFake["markUnpaid"] = (subscriptionId) => {
    const subscription = state.requireSubscription(subscriptionId);
    if (subscription.status !== "past_due") {
      throw new Error(`Subscription ${subscriptionId} is ${subscription.status}: only a past_due one becomes unpaid`);
    }
    // The invoice stays open: a later payment of it would still reactivate the subscription.
    return state.changeSubscriptionStatus(subscription, "unpaid");
  };

  const expireIncomplete: StripeFake["expireIncomplete"] = (subscriptionId) => {
    const subscription = state.requireSubscription(subscriptionId);
    if (subscription.status !== "incomplete") {
      throw new Error(`Subscription ${subscriptionId} is ${subscription.status}: only an incomplete one expires`);
    }
    // After 23 hours Stripe voids the first invoice and ends the subscription for good.
    const invoice =
      typeof subscription.latest_invoice === "string" ? state.invoices.get(subscription.latest_invoice) : undefined;
    if (invoice?.status === "open") {
      state.voidInvoice(invoice);
      state.raise("invoice.voided", invoice, { status: "open" });
    }
    subscription.ended_at = state.nowSeconds();
    return state.changeSubscriptionStatus(subscription, "incomplete_expired");
  };

  const cancelSubscription: StripeFake["cancelSubscription"] = (subscriptionId) =>
    state.endSubscription(state.requireSubscription(subscriptionId));

  // --- Refunds and disputes

  const refund: StripeFake["refund"] = (paymentRef, options = {}) =>
    state.refundCharge(state.resolveCharge(paymentRef, "payment_intent"), { amount: options.amount, metadata: {} })
      .event;

  const dispute: StripeFake["dispute"] = (paymentRef) => {
    const charge = state.resolveCharge(paymentRef, "charge");
    const created: FakeDispute = {
      id: newId("dp"),
      object: "dispute",
      amount: charge.amount - charge.amount_refunded,
      charge: charge.id,
      created: state.nowSeconds(),
      currency: charge.currency,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: "fraudulent",
      status: "needs_response",
    };
    state.disputes.set(created.id, created);
    charge.disputed = true;
    return state.raise("charge.dispute.created", created);
  };

  const closeDispute: StripeFake["closeDispute"] = (disputeId, outcome) => {
    const found = state.disputes.get(disputeId);
    if (!found) throw new Error(`Fake Stripe has no dispute ${disputeId}`);
    if (found.status === "won" || found.status === "lost") {
      throw new Error(`Dispute ${disputeId} is already closed (${found.status})`);
    }
    const previousStatus = found.status;
    found.status = outcome;
    return state.raise("charge.dispute.closed", found, { status: previousStatus });
  };

  return {
    completeCheckout,
    asyncPaymentSucceeded: (sessionId) =>
      state.raise("checkout.session.async_payment_succeeded", settleAsyncPayment(sessionId, "succeeded")),
    asyncPaymentFailed: (sessionId) =>
      state.raise("checkout.session.async_payment_failed", settleAsyncPayment(sessionId, "failed")),
    createForeignSession,
    expireCheckout(sessionId) {
      const session = state.requireSession(sessionId);
      if (session.status !== "open") throw new Error(`Checkout Session ${sessionId} is ${session.status}`);
      session.status = "expired";
      return state.raise("checkout.session.expired", session);
    },
    renewSubscription,
    failRenewal,
    retryRenewal,
    markUnpaid,
    expireIncomplete,
    cancelSubscription,
    refund,
    dispute,
    closeDispute,
  };
}

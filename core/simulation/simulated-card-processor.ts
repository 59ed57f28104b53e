/**
 * The simulator's card processor: an in-memory payment provider behind the same port as Stripe, so simulated
 * purchases and renewals reach the database through the product's own path (start a checkout, then a neutral event,
 * then `handlePaymentEvent` reads the checkout's state and applies it: orders, payments, subscriptions, grace
 * periods, entitlements). Every reference starts with `sim_`, so simulated money is never mistaken for real money.
 *
 * Subscriptions: a trial (when the offer has one) is a paid 0 invoice; each renewal is a new invoice for the next
 * period; a failed charge makes the subscription PAST_DUE until a retry pays or the processor gives up (CANCELED);
 * a cancellation at period end ends it when the period does.
 */
import type {
  CheckoutRequest,
  CheckoutStarted,
  Clock,
  PaymentEvent,
  PaymentProvider,
  ProviderCheckout,
  ProviderPayment,
  SubscriptionState,
} from "../ports.js";
import { DAY_MS } from "./simulated-people.js";

interface Checkout {
  ref: string;
  orderId: number;
  memberId: number;
  amount: number;
  currency: string;
  periodDays: number | null;
  trialDays: number;
  paid: boolean;
  subscription: SubscriptionState | null;
  payments: ProviderPayment[];
}

/** A subscription whose current period has ended: the simulator decides what its member's card does. */
export interface DueSubscription {
  checkoutRef: string;
  subscriptionRef: string;
  memberId: number;
  status: SubscriptionState["status"];
  cancelAtPeriodEnd: boolean;
  /** When it became due (the period end, or the retry date of a past-due one). */
  dueAt: Date;
}

export class SimulatedCardProcessor implements PaymentProvider {
  readonly kind = "STRIPE" as const;
  private readonly checkouts = new Map<string, Checkout>();
  private readonly bySubscription = new Map<string, string>();
  private readonly byPayment = new Map<string, string>();
  /** Past-due subscriptions: when the next charge attempt is made. */
  private readonly retryAt = new Map<string, Date>();
  /** Failed charges per past-due subscription (the processor gives up after a few). */
  private readonly failures = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    /** Part of every reference, so two simulations never share one. */
    private readonly prefix: string,
  ) {}

  private nextRef(kind: string): string {
    this.sequence += 1;
    return `sim_${kind}_${this.prefix}_${this.sequence}`;
  }

  async startCheckout(request: CheckoutRequest): Promise<CheckoutStarted> {
    const ref = this.nextRef("cs");
    const periodDays = request.recurring ? (request.recurring.interval === "YEAR" ? 365 : 30) : null;
    this.checkouts.set(ref, {
      ref,
      orderId: request.orderId,
      memberId: request.memberId,
      amount: request.amount,
      currency: request.currency.toLowerCase(),
      periodDays,
      trialDays: request.recurring?.trialDays ?? 0,
      paid: false,
      subscription: null,
      payments: [],
    });
    return { ref, url: `https://simulated.invalid/checkout/${ref}` };
  }

  /** The member pays at the checkout page: a one-time payment, or a subscription's first invoice (or its trial). */
  completeCheckout(checkoutRef: string): PaymentEvent {
    const checkout = this.require(checkoutRef);
    const now = this.clock.now();
    checkout.paid = true;
    let subscriptionRef: string | null = null;
    let payment: ProviderPayment;
    if (checkout.periodDays) {
      subscriptionRef = this.nextRef("sub");
      const trial = checkout.trialDays > 0;
      const periodEnd = new Date(now.getTime() + (trial ? checkout.trialDays : checkout.periodDays) * DAY_MS);
      checkout.subscription = {
        subscriptionRef,
        orderId: checkout.orderId,
        status: trial ? "TRIALING" : "ACTIVE",
        currentPeriodEnd: periodEnd,
        cancelAtPeriodEnd: false,
      };
      this.bySubscription.set(subscriptionRef, checkoutRef);
      payment = this.addPayment(checkout, "in", trial ? 0 : checkout.amount, periodEnd);
    } else {
      payment = this.addPayment(checkout, "pi", checkout.amount, null);
    }
    return {
      type: "checkout.completed",
      eventId: this.nextRef("evt"),
      orderId: checkout.orderId,
      checkoutRef,
      paid: true,
      paymentRef: payment.paymentRef,
      subscriptionRef,
      amount: checkout.amount,
      currency: checkout.currency,
    };
  }

  /** Subscriptions whose paid period has ended or whose next charge attempt has come, oldest first. */
  dueSubscriptions(): DueSubscription[] {
    const now = this.clock.now().getTime();
    const due: DueSubscription[] = [];
    for (const checkout of this.checkouts.values()) {
      const sub = checkout.subscription;
      if (!sub?.currentPeriodEnd || sub.status === "CANCELED") continue;
      // A past-due subscription is due again at its next charge attempt, not at the period end it missed.
      const dueAt =
        sub.status === "PAST_DUE"
          ? (this.retryAt.get(sub.subscriptionRef) ?? sub.currentPeriodEnd)
          : sub.currentPeriodEnd;
      if (dueAt.getTime() > now) continue;
      due.push({
        checkoutRef: checkout.ref,
        subscriptionRef: sub.subscriptionRef,
        memberId: checkout.memberId,
        status: sub.status,
        cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
        dueAt,
      });
    }
    return due.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** The renewal charge succeeded: a new invoice pays the next period (counted from the unpaid period's start). */
  renew(subscriptionRef: string): PaymentEvent {
    const { checkout, sub } = this.subscription(subscriptionRef);
    const start = sub.currentPeriodEnd ?? this.clock.now();
    const periodEnd = new Date(start.getTime() + (checkout.periodDays ?? 30) * DAY_MS);
    sub.status = "ACTIVE";
    sub.currentPeriodEnd = periodEnd;
    this.retryAt.delete(subscriptionRef);
    this.failures.delete(subscriptionRef);
    const payment = this.addPayment(checkout, "in", checkout.amount, periodEnd);
    return {
      type: "invoice.paid",
      eventId: this.nextRef("evt"),
      orderId: checkout.orderId,
      subscriptionRef,
      paymentRef: payment.paymentRef,
      amount: checkout.amount,
      currency: checkout.currency,
      periodEnd,
    };
  }

  /**
   * The renewal charge was declined: PAST_DUE, with the next attempt `retryDays` later. The period end stays where it
   * was: the product keeps access through the paid period plus its grace days.
   */
  failRenewal(subscriptionRef: string, retryDays: number): PaymentEvent {
    const { checkout, sub } = this.subscription(subscriptionRef);
    const attempt = this.addPayment(checkout, "in", checkout.amount, null, false);
    sub.status = "PAST_DUE";
    this.failures.set(subscriptionRef, (this.failures.get(subscriptionRef) ?? 0) + 1);
    this.retryAt.set(subscriptionRef, new Date(this.clock.now().getTime() + retryDays * DAY_MS));
    return {
      type: "invoice.failed",
      eventId: this.nextRef("evt"),
      orderId: checkout.orderId,
      subscriptionRef,
      paymentRef: attempt.paymentRef,
    };
  }

  /** How many charges of this subscription failed in a row. */
  failedCharges(subscriptionRef: string): number {
    return this.failures.get(subscriptionRef) ?? 0;
  }

  /** The member asked to stop renewing: it runs to the end of the paid period. */
  scheduleCancel(subscriptionRef: string): PaymentEvent {
    const { checkout, sub } = this.subscription(subscriptionRef);
    sub.cancelAtPeriodEnd = true;
    return {
      type: "subscription.updated",
      eventId: this.nextRef("evt"),
      orderId: checkout.orderId,
      subscriptionRef,
      status: sub.status,
      currentPeriodEnd: sub.currentPeriodEnd,
      cancelAtPeriodEnd: true,
    };
  }

  /** The subscription ends: at the period end after a cancellation, or when retries are exhausted. */
  end(subscriptionRef: string): PaymentEvent {
    const { checkout, sub } = this.subscription(subscriptionRef);
    sub.status = "CANCELED";
    this.retryAt.delete(subscriptionRef);
    return { type: "subscription.deleted", eventId: this.nextRef("evt"), orderId: checkout.orderId, subscriptionRef };
  }

  // --- The port

  async refund(): Promise<{ refundRef: string }> {
    throw new Error("the simulated card processor takes no refunds");
  }

  async cancelSubscription(subscriptionRef: string, options: { atPeriodEnd: boolean }): Promise<void> {
    if (options.atPeriodEnd) this.scheduleCancel(subscriptionRef);
    else this.end(subscriptionRef);
  }

  parseWebhook(): PaymentEvent {
    throw new Error("the simulated card processor sends no webhooks");
  }

  async locateCheckout(event: PaymentEvent): Promise<{ checkoutRef: string; paymentRef: string | null } | null> {
    const paymentRef = "paymentRef" in event ? event.paymentRef : null;
    let checkoutRef: string | undefined;
    if ("checkoutRef" in event) checkoutRef = event.checkoutRef;
    else if ("subscriptionRef" in event) checkoutRef = this.bySubscription.get(event.subscriptionRef);
    else if (paymentRef) checkoutRef = this.byPayment.get(paymentRef);
    return checkoutRef && this.checkouts.has(checkoutRef) ? { checkoutRef, paymentRef } : null;
  }

  async fetchCheckout(checkoutRef: string): Promise<ProviderCheckout> {
    const checkout = this.require(checkoutRef);
    return {
      checkoutRef,
      claimedOrderId: checkout.orderId,
      amount: checkout.amount,
      currency: checkout.currency,
      paid: checkout.paid,
      failed: false,
      subscription: checkout.subscription ? { ...checkout.subscription } : null,
      payments: checkout.payments.map((p) => ({ ...p, refunds: [] })),
      fetchedAt: this.clock.now(),
    };
  }

  async listActivity(): Promise<Map<string, string[]>> {
    return new Map();
  }

  // --- Bookkeeping

  private addPayment(
    checkout: Checkout,
    kind: string,
    amount: number,
    periodEnd: Date | null,
    paid = true,
  ): ProviderPayment {
    const payment: ProviderPayment = {
      paymentRef: this.nextRef(kind),
      paid,
      amount,
      currency: checkout.currency,
      refunds: [],
      dispute: null,
      periodEnd,
    };
    checkout.payments.push(payment);
    this.byPayment.set(payment.paymentRef, checkout.ref);
    return payment;
  }

  private require(checkoutRef: string): Checkout {
    const checkout = this.checkouts.get(checkoutRef);
    if (!checkout) throw new Error(`no simulated checkout ${checkoutRef}`);
    return checkout;
  }

  private subscription(subscriptionRef: string): { checkout: Checkout; sub: SubscriptionState } {
    const checkout = this.require(this.bySubscription.get(subscriptionRef) ?? "");
    if (!checkout.subscription) throw new Error(`no simulated subscription ${subscriptionRef}`);
    return { checkout, sub: checkout.subscription };
  }
}

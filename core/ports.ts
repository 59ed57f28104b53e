/**
 * Ports that core owns and adapters implement. Core imports no platform SDK: a Telegram, Discord or console adapter
 * implements `ChatGateway`; Stripe, Telegram Stars and manual payment sit behind `PaymentProvider`.
 */
import type { Platform } from "../prisma/generated/enums.js";
import type { Reply } from "./conversation/reply.js";

// --- Clock

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// --- Chat

/** Where a message or an access change is aimed on a platform. */
export interface AccountRef {
  accountId: number;
  platform: Platform;
  externalId: string;
  /** Private chat with the member (Telegram user id, Discord DM channel), when known. */
  chatId?: string | null;
}

export interface GateRef {
  gateId: number;
  platform: Platform;
  /** Telegram chat id, Discord role id, console channel name. */
  externalId: string;
  guildId?: string | null;
  title: string;
}

export type SendResult =
  | { ok: true; messageId?: string }
  | { ok: false; reason: "UNREACHABLE" }
  | { ok: false; reason: "RATE_LIMITED"; retryAfterSeconds: number }
  | { ok: false; reason: "FAILED"; detail: string };

export type AccessResult =
  | {
      ok: true /** A link the member follows to enter (Telegram invite link), when the platform needs one. */;
      inviteLink?: string;
    }
  | { ok: false; reason: "NOT_ALLOWED" | "UNREACHABLE" | "FAILED"; detail: string };

/**
 * One chat platform, as core needs it. Methods never throw for expected platform refusals: they return a reason.
 *
 * @example await gateway.send(account, { messages: [{ text: "Hello" }] })
 */
export interface ChatGateway {
  readonly platform: Platform;
  /** Sends a neutral reply to the member's private chat. */
  send(account: AccountRef, reply: Reply): Promise<SendResult>;
  /** Lets the account into the gate (approve, add role, admit); idempotent. */
  grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult>;
  /** Removes the account from the gate so it may come back later; idempotent. */
  revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult>;
  /** Whether the account is in the gate now; null when the platform cannot tell. */
  isMember(gate: GateRef, account: AccountRef): Promise<boolean | null>;
}

// --- Payments

export interface CheckoutRequest {
  orderId: number;
  memberId: number;
  productTitle: string;
  amount: number;
  currency: string;
  recurring: { interval: "MONTH" | "YEAR"; trialDays?: number | null } | null;
  locale: "en" | "zh";
  successUrl: string;
  cancelUrl: string;
  /** Same order → same key, so a double click opens one checkout. Unique across databases (id + creation time). */
  idempotencyKey: string;
}

export interface CheckoutStarted {
  /** Provider's handle (Stripe Checkout Session id); stored as the order's checkoutRef. */
  ref: string;
  url: string;
}

/**
 * What a provider's webhook or payment update means, in neutral terms. `orderId` comes from metadata we set at
 * checkout; `eventId` is the provider's unique event id used for deduplication.
 */
export type PaymentEvent =
  | {
      type: "checkout.completed";
      eventId: string;
      orderId: number | null;
      checkoutRef: string;
      paid: boolean;
      paymentRef: string | null;
      subscriptionRef: string | null;
      amount: number;
      currency: string;
    }
  | {
      type: "payment.succeeded";
      eventId: string;
      orderId: number | null;
      checkoutRef: string;
      paymentRef: string | null;
      subscriptionRef: string | null;
      amount: number;
      currency: string;
    }
  | { type: "payment.failed"; eventId: string; orderId: number | null; checkoutRef: string }
  | {
      type: "invoice.paid";
      eventId: string;
      orderId: number | null;
      subscriptionRef: string;
      paymentRef: string;
      amount: number;
      currency: string;
      periodEnd: Date | null;
    }
  | { type: "invoice.failed"; eventId: string; orderId: number | null; subscriptionRef: string }
  | {
      type: "subscription.updated";
      eventId: string;
      orderId: number | null;
      subscriptionRef: string;
      status: "INCOMPLETE" | "TRIALING" | "ACTIVE" | "PAST_DUE" | "CANCELED";
      currentPeriodEnd: Date | null;
      cancelAtPeriodEnd: boolean;
    }
  | { type: "subscription.deleted"; eventId: string; orderId: number | null; subscriptionRef: string }
  | {
      type: "charge.refunded";
      eventId: string;
      orderId: number | null;
      paymentRef: string;
      amountRefunded: number;
      refundRef: string | null;
    }
  | { type: "dispute.created"; eventId: string; orderId: number | null; paymentRef: string }
  | { type: "ignored"; eventId: string; providerType: string };

export interface SubscriptionState {
  subscriptionRef: string;
  orderId: number | null;
  status: "INCOMPLETE" | "TRIALING" | "ACTIVE" | "PAST_DUE" | "CANCELED";
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/**
 * A payment provider (Stripe). Manual payment needs no provider: the creator confirms it.
 *
 * @example const { url } = await stripe.startCheckout({ orderId: 7, ... })
 */
export interface PaymentProvider {
  readonly kind: "STRIPE" | "TELEGRAM_STARS";
  startCheckout(request: CheckoutRequest): Promise<CheckoutStarted>;
  /** Refunds a payment in full; `idempotencyKey` makes a retried call refund once. */
  refund(paymentRef: string, idempotencyKey: string): Promise<{ refundRef: string }>;
  /** Verifies the signature on the raw body and turns the event into a neutral one; throws on a bad signature. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): PaymentEvent;
  /** The current state of a subscription, fetched from the provider (events may arrive out of order). */
  fetchSubscription(subscriptionRef: string): Promise<SubscriptionState>;
  /**
   * The reference our payments are stored under for a reference seen in a refund or dispute (Stripe: a
   * subscription's PaymentIntent → its invoice id). Optional: providers whose references never differ omit it.
   */
  resolvePaymentRef?(paymentRef: string): Promise<string>;
}

export class WebhookSignatureError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "WebhookSignatureError";
  }
}

/**
 * Telegram Stars, as core needs it after a payment: refunds and subscription cancellation. Payments themselves arrive
 * as updates (pre_checkout_query, successful_payment) that the Telegram adapter hands to checkStarsCheckout and
 * recordStarsPayment.
 */
export interface StarsPayments {
  refundStarPayment(payerExternalId: string, chargeId: string): Promise<void>;
  setStarSubscriptionCanceled(payerExternalId: string, chargeId: string, canceled: boolean): Promise<void>;
}

// --- Jobs

export interface JobScheduler {
  /** Enqueues a named job; `jobId` deduplicates. */
  enqueue(name: string, payload: unknown, options?: { jobId?: string; delayMs?: number }): Promise<void>;
}

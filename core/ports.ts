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

/**
 * What became of one message. `FAILED` means the platform did not send it (a refusal, or a request that never left):
 * sending again is safe. `OUTCOME_UNKNOWN` means the request left and no clear answer came back (connection dropped,
 * timeout, 5xx): the platform may have delivered it, so it must not be sent again. A reply of several messages of
 * which some went out before a failure is also `OUTCOME_UNKNOWN`: resending would repeat the first ones.
 */
export type SendResult =
  | { ok: true; messageId?: string }
  | { ok: false; reason: "UNREACHABLE" }
  | { ok: false; reason: "RATE_LIMITED"; retryAfterSeconds: number }
  | { ok: false; reason: "FAILED"; detail: string }
  | { ok: false; reason: "OUTCOME_UNKNOWN"; detail: string };

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
  /**
   * Sends a neutral reply to the member's private chat. May wait out a short rate-limit pause and try again (the
   * platform sent nothing), but never repeats a request whose outcome is unknown: that is `OUTCOME_UNKNOWN`.
   */
  send(account: AccountRef, reply: Reply): Promise<SendResult>;
  /** Lets the account into the gate (approve, add role, admit); idempotent. */
  grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult>;
  /** Removes the account from the gate so it may come back later; idempotent. */
  revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult>;
  /** Whether the account is in the gate now; null when the platform cannot tell. */
  isMember(gate: GateRef, account: AccountRef): Promise<boolean | null>;
  /**
   * Who is inside the gate now, the place's own administrators and bots left out (they are never removed): every one
   * of them where the platform can list them (Discord role holders), or only how many where it cannot (Telegram
   * chats). Null when the platform could not be asked. Not implemented: the platform tells nothing (the console).
   */
  listOccupants?(gate: GateRef): Promise<GateOccupants | null>;
  /**
   * Whether the account runs the place on the platform (Telegram chat administrator or creator, Discord server owner
   * or administrator): such people are never removed from it, entitled or not.
   */
  isPlaceAdmin?(gate: GateRef, account: AccountRef): Promise<boolean>;
  /**
   * Posts a reply in a Q&A thread (a Telegram forum topic or reply thread, a Discord forum post), as a reply to the
   * asking message when there is one: how the answer helper's answers reach a thread after the update that asked
   * was handled. Same outcomes as `send`; `messageRef` names the message posted last (so it can be accepted).
   * Not implemented: the platform has no threads (the console).
   */
  postInThread?(thread: ThreadTarget, reply: Reply): Promise<ThreadPostResult>;
  /**
   * Hides flagged content where the platform lets the bot: a Telegram message is deleted, a Discord post is locked
   * and archived (a question) or its message deleted (an answer). False when the bot may not (missing rights).
   */
  hideInThread?(target: ThreadTarget & { what: "question" | "answer" }): Promise<boolean>;
  /** A link that opens the thread for the creator (`https://t.me/c/…`, `https://discord.com/channels/…`), if any. */
  threadLink?(threadRef: string): string | null;
  /**
   * Opens the thread where one lesson is discussed — a forum topic in the Telegram discussion chat, a thread in the
   * Discord discussion channel — and returns its handle for `postInThread`. NOT_CONFIGURED: the platform has no
   * discussion place (or the Telegram chat is not a forum), so nothing is mirrored there. Not implemented: the
   * platform has no threads (the console, whose /comments list is the discussion).
   */
  openLessonThread?(lesson: { lessonId: number; title: string }): Promise<LessonThreadResult>;
  /**
   * Mutes the account until a time, or bans it (`mutedUntil` null), where the bot has the right: Telegram in each of
   * `places` (chat ids: the Q&A and discussion chats), Discord in the guild (a timeout, or a ban). NOT_ALLOWED: the
   * bot lacks the right (the creator applies it by hand); FAILED: try again later.
   */
  restrictMember?(account: AccountRef, restriction: MemberRestriction): Promise<AccessResult>;
  /**
   * Gives (`on`) or takes away the community helper's badge: the role DISCORD_HELPER_ROLE_ID on Discord, an
   * administrator's custom title in TELEGRAM_HELPER_CHAT_ID on Telegram. Idempotent; false when the platform refused
   * or no place is configured (best effort: the caller logs it). Not implemented: the platform has no badges.
   */
  setHelperBadge?(account: AccountRef, on: boolean): Promise<boolean>;
}

/** See `ChatGateway.openLessonThread`. */
export type LessonThreadResult =
  | { ok: true; threadRef: string }
  | { ok: false; reason: "NOT_CONFIGURED" }
  | Exclude<SendResult, { ok: true }>;

/** See `ChatGateway.restrictMember`. */
export interface MemberRestriction {
  /** Muted until then; null: banned. */
  mutedUntil: Date | null;
  /** Telegram chat ids to apply it in (ignored where the platform has one place, as Discord's guild). */
  places: string[];
}

/** A Q&A thread and, within it, one message (the asking one, or the answer to hide), by the adapter's handles. */
export interface ThreadTarget {
  threadRef: string;
  messageRef: string | null;
}

export type ThreadPostResult = { ok: true; messageRef: string | null } | Exclude<SendResult, { ok: true }>;

/** Someone the platform says is inside a gate. */
export interface Occupant {
  externalId: string;
  displayName: string;
  username?: string | null;
}

/** See `ChatGateway.listOccupants`. */
export type GateOccupants = { kind: "listed"; people: Occupant[] } | { kind: "counted"; count: number };

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
  /**
   * The member's customer at the provider from an earlier checkout (`Member.stripeCustomerId`), so one person is one
   * customer there and /billing's portal shows all their subscriptions. Absent: the provider makes a new one, which
   * the checkout's state then reports (`ProviderCheckout.customerRef`).
   */
  customerRef?: string | null;
}

/** Where a subscriber manages their subscriptions and card at the provider (Stripe's Customer Portal). */
export interface BillingPortalRequest {
  customerRef: string;
  /** Where the portal's "return" link leads. */
  returnUrl: string;
  locale: "en" | "zh";
}

export interface CheckoutStarted {
  /** Provider's handle (Stripe Checkout Session id); stored as the order's checkoutRef. */
  ref: string;
  url: string;
}

/**
 * What a provider's webhook says happened, in neutral terms. An event is only a hint of which checkout changed: the
 * core reads that checkout's current state from the provider (`fetchCheckout`) and applies it, so events may arrive
 * late, twice or in any order. `orderId` is what our metadata claims (never trusted on its own); `eventId` is the
 * provider's unique event id used for deduplication.
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
  /** The checkout page expired unused (Stripe: after 24 hours): its link is dead, its order must not be reused. */
  | { type: "checkout.expired"; eventId: string; orderId: number | null; checkoutRef: string }
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
  | { type: "invoice.failed"; eventId: string; orderId: number | null; subscriptionRef: string; paymentRef: string }
  | {
      type: "subscription.updated";
      eventId: string;
      orderId: number | null;
      subscriptionRef: string;
      status: ProviderSubscriptionStatus;
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
  | { type: "dispute.created" | "dispute.closed"; eventId: string; orderId: number | null; paymentRef: string }
  | { type: "ignored"; eventId: string; providerType: string };

export type ProviderSubscriptionStatus =
  | "INCOMPLETE"
  | "TRIALING"
  | "ACTIVE"
  | "PAST_DUE"
  | "UNPAID"
  | "PAUSED"
  | "CANCELED";

export interface SubscriptionState {
  subscriptionRef: string;
  orderId: number | null;
  status: ProviderSubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** One payment as the provider sees it now (Stripe: a one-time PaymentIntent, or one invoice of a subscription). */
export interface ProviderPayment {
  /** The ref payments are stored under (Stripe: `pi_…` for one-time orders, `in_…` for subscription invoices). */
  paymentRef: string;
  /** Whether the money was collected. Unpaid payments are reported so a failure can be told apart from a wait. */
  paid: boolean;
  amount: number;
  currency: string;
  /**
   * Every refund of it that succeeded or is on its way, each once, with its own amount; `requestId` is our refund
   * request's id when the refund was made from chat.
   */
  refunds: { refundRef: string; amount: number; requestId: number | null }[];
  /** The latest dispute (chargeback), if any. */
  dispute: { disputeRef: string; status: "OPEN" | "WON" | "LOST" } | null;
  /** Subscription payments: the end of the service period it paid for. */
  periodEnd: Date | null;
}

/** Everything the provider knows now about one checkout: the session, its subscription and its payments. */
export interface ProviderCheckout {
  checkoutRef: string;
  /** The order the checkout names (client reference or metadata): a claim, checked against the order's own checkout. */
  claimedOrderId: number | null;
  /** What it charges: the session total, or for a subscription the recurring price. */
  amount: number;
  currency: string;
  /** The payment is settled (or nothing was due, as in a trial). */
  paid: boolean;
  /** The payment attempt failed for good (a delayed method declined, the session expired unpaid). */
  failed: boolean;
  /** The checkout page expired before anything was paid: its link is dead (absent: still open, or not known). */
  expired?: boolean;
  /** The provider's customer who paid (Stripe `cus_…`), kept as the member's one customer for later checkouts. */
  customerRef?: string | null;
  subscription: SubscriptionState | null;
  payments: ProviderPayment[];
  /** When the provider was asked: an older read never overwrites a newer one. */
  fetchedAt: Date;
}

/**
 * A payment provider (Stripe). Manual payment needs no provider: the creator confirms it.
 *
 * @example const { url } = await stripe.startCheckout({ orderId: 7, ... })
 */
export interface PaymentProvider {
  readonly kind: "STRIPE" | "TELEGRAM_STARS";
  startCheckout(request: CheckoutRequest): Promise<CheckoutStarted>;
  /**
   * Refunds a payment in full; `idempotencyKey` makes a retried call refund once; `requestId` (our refund request)
   * travels with the refund so its confirmation finds the request.
   */
  refund(paymentRef: string, idempotencyKey: string, requestId?: number): Promise<{ refundRef: string }>;
  /** Stops a subscription: now, or at the end of the period already paid. Idempotent. */
  cancelSubscription(subscriptionRef: string, options: { atPeriodEnd: boolean }): Promise<void>;
  /** Verifies the signature on the raw body and turns the event into a neutral one; throws on a bad signature. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): PaymentEvent;
  /**
   * The checkout an event belongs to, following the provider's own links (charge → payment intent → checkout
   * session; invoice → subscription → checkout session), and the canonical ref of the payment it names. `null` when
   * no checkout is behind it (not one of ours).
   */
  locateCheckout(event: PaymentEvent): Promise<{ checkoutRef: string; paymentRef: string | null } | null>;
  /** The current state of a checkout; `paymentRefs` are payments to read besides the first and the latest. */
  fetchCheckout(checkoutRef: string, options?: { paymentRefs?: string[] }): Promise<ProviderCheckout>;
  /**
   * The checkouts with activity at the provider since `since` (new sessions, payments, refunds, disputes), read
   * through the list APIs page by page, for the reconciler: checkoutRef → the payment refs the activity named.
   */
  listActivity(since: Date): Promise<Map<string, string[]>>;
  /**
   * A short-lived link to the provider's self-service page (Stripe Customer Portal: cancel at period end, change the
   * card, invoices) for one customer. Not implemented: the provider has none.
   */
  openBillingPortal?(request: BillingPortalRequest): Promise<{ url: string }>;
}

/** The provider did not answer (network, 5xx, 429 after retries): nothing was applied, try again later. */
export class ProviderUnavailableError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "ProviderUnavailableError";
  }
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

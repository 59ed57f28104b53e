/**
 * Applies what the payment provider says about one checkout *now* to the order it was created for: payments, refunds
 * (one row each, never running totals), disputes and the subscription are mirrored, then the order's status and its
 * entitlements are derived from them. Because it reads state instead of replaying events, the result is the same
 * whatever order the provider's events arrived in, and applying the same state twice changes nothing.
 *
 * An older read never undoes a newer one: payments and refunds are only ever added, a closed dispute is not
 * reopened by a stale read, and the subscription keeps the newest read (`stateFetchedAt`).
 *
 * Runs inside the caller's transaction, with the order's row locked, so two deliveries about one order (a checkout
 * completion and its first invoice) are applied one after the other.
 */
import type { Payment } from "../../prisma/generated/client.js";
import type {
  DisputeStatus,
  OrderStatus,
  PaymentProviderKind,
  PaymentStatus,
  RevokeReason,
} from "../../prisma/generated/enums.js";
import { addDays } from "../access/entitlement-window.js";
import { grantEntitlements } from "../access/grant-entitlements.js";
import { addToOutbox } from "../access/outbox.js";
import { revokeEntitlements } from "../access/revoke-entitlements.js";
import type { CoreContext, Transaction } from "../context.js";
import { recordPurchaseConversion } from "../insights/experiment-record-conversion.js";
import type { ProviderCheckout, ProviderPayment } from "../ports.js";
import { notifyPaymentReceived, redeemCoupon } from "./mark-order-paid.js";
import { formatMoney } from "./pricing.js";
import { recordReferralReward } from "./referrals/record-referral-reward.js";
import { recordCheckoutTrial, recordTrialConversion } from "./trials/start-trial.js";
import { returnWalletSpendPaidTwice } from "./wallet/refund-to-wallet.js";
import { settleTopUp } from "./wallet/settle-top-up.js";
import { isTopUpProduct } from "./wallet/top-up-product.js";
import { walletSettings } from "./wallet/wallet-settings.js";

export type ApplyCheckoutResult =
  | { outcome: "applied"; orderId: number; changes: CheckoutChange[] }
  /** The checkout names an order it was not created for, or charges another amount: kept apart, nothing granted. */
  | { outcome: "foreign"; claimedOrderId: number | null; recorded: boolean }
  /** No order of ours is behind it. */
  | { outcome: "not-ours" };

/** What an application changed, for the reconciler's report. */
export type CheckoutChange =
  | { kind: "payment-recorded"; paymentRef: string }
  | { kind: "refund-recorded"; amount: number }
  | { kind: "dispute"; status: DisputeStatus }
  | { kind: "status"; from: OrderStatus; to: OrderStatus }
  | { kind: "access-granted" }
  | { kind: "access-revoked"; reason: RevokeReason }
  | { kind: "access-extended" };

export async function applyCheckoutState(
  ctx: CoreContext,
  tx: Transaction,
  provider: PaymentProviderKind,
  state: ProviderCheckout,
): Promise<ApplyCheckoutResult> {
  const owner = await tx.order.findUnique({ where: { checkoutRef: state.checkoutRef }, select: { id: true } });
  if (!owner) return recordForeign(tx, provider, state, "not the checkout created for this order");
  // One writer per order: concurrent deliveries about the same order wait here instead of clashing on unique keys.
  await tx.$queryRaw`SELECT "id" FROM "Order" WHERE "id" = ${owner.id} FOR UPDATE`;
  const order = await tx.order.findUniqueOrThrow({
    where: { id: owner.id },
    include: { offer: true, product: { select: { slug: true } } },
  });
  if (state.amount !== order.amount || state.currency !== order.currency.toLowerCase()) {
    return recordForeign(tx, provider, state, `charges ${state.amount} ${state.currency}, not the order's price`);
  }

  const now = ctx.clock.now();
  const changes: CheckoutChange[] = [];
  if (state.customerRef) await rememberCustomer(tx, order.memberId, state.customerRef);
  const subscription = state.subscription
    ? await mirrorSubscription(tx, provider, order, state, ctx.config.gracePeriodDays)
    : null;
  for (const payment of state.payments) {
    if (payment.paid) await mirrorPayment(tx, provider, order, payment, changes);
  }
  // A subscription that starts with a trial uses up the member's one trial of the product; its first charge converts.
  if (subscription?.status === "TRIALING" && subscription.currentPeriodEnd)
    await recordCheckoutTrial(tx, { ...order, endsAt: subscription.currentPeriodEnd, now });
  const paidByCard = state.payments.some((p) => p.paid && p.amount > 0);
  if (paidByCard) await recordTrialConversion(tx, { memberId: order.memberId, productId: order.productId, at: now });
  // Paid from the wallet and then on the card page the same /buy opened: the wallet gets its money back.
  if (paidByCard && order.provider === "WALLET") await returnWalletSpendPaidTwice(tx, order);

  const payments = await tx.payment.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } });
  if (payments.length === 0) {
    if (state.expired && !state.failed && order.status === "PENDING") {
      // The page's link is dead: the order ends, so the next /buy makes a fresh checkout instead of handing it out.
      await tx.order.update({ where: { id: order.id }, data: { status: "CANCELED", canceledAt: now } });
      changes.push({ kind: "status", from: order.status, to: "CANCELED" });
    }
    if (state.failed && order.status === "PENDING") {
      await tx.order.update({ where: { id: order.id }, data: { status: "CANCELED", canceledAt: now } });
      changes.push({ kind: "status", from: order.status, to: "CANCELED" });
      await addToOutbox(
        tx,
        {
          kind: "notify.member",
          memberId: order.memberId,
          notice: { key: "paymentFailed", params: { order: order.id } },
        },
        `payment-failed:${order.id}`,
      );
    }
    return { outcome: "applied", orderId: order.id, changes };
  }

  // --- The order's status, from its payments
  const disputed = payments.some((p) => p.disputeStatus === "OPEN" || p.disputeStatus === "LOST");
  const latest = latestPayment(payments);
  const status: OrderStatus = disputed ? "DISPUTED" : fullyRefunded(latest) ? "REFUNDED" : "PAID";
  const paidAt = order.paidAt ?? now;
  if (status !== order.status || !order.paidAt || (subscription && order.subscriptionId !== subscription.id)) {
    await tx.order.update({
      where: { id: order.id },
      data: { status, paidAt, provider, subscriptionId: subscription?.id ?? order.subscriptionId },
    });
  }
  if (status !== order.status) changes.push({ kind: "status", from: order.status, to: status });
  const firstPayment = !order.paidAt && status === "PAID";
  if (isTopUpProduct(order.product)) {
    // A wallet top-up opens no access: its credit follows the order's status (less a partial refund; taken back when
    // refunded or disputed, given back when a dispute is won).
    const kept = status === "PAID" ? order.amount - Math.min(order.amount, latest.refundedAmount) : 0;
    await settleTopUp(tx, order, kept);
    if (firstPayment) await recordReferralReward(tx, walletSettings(ctx), { orderId: order.id, paidAt });
    return { outcome: "applied", orderId: order.id, changes };
  }
  if (firstPayment) await recordReferralReward(tx, walletSettings(ctx), { orderId: order.id, paidAt });
  if (!order.paidAt) {
    await redeemCoupon(tx, order);
    // A price test of the product counts the purchase, as mark-order-paid.ts does for the other payment paths.
    if (status === "PAID") {
      await recordPurchaseConversion(tx, { productId: order.productId, memberId: order.memberId, at: now });
    }
    // Told about the payment first, then let in (the outbox runs in order).
    if (status === "PAID") await notifyPaymentReceived(tx, order);
  }
  if (status === "REFUNDED" && order.status !== "REFUNDED") {
    await addToOutbox(
      tx,
      {
        kind: "notify.member",
        memberId: order.memberId,
        notice: { key: "refundCompleted", params: { order: order.id } },
      },
      `refunded:${order.id}`,
    );
  }

  // --- Access, from the status, what was paid for, and the subscription
  const access = deriveAccess({
    status,
    paidAt,
    accessDays: order.offer.accessDays,
    subscription,
    payments,
    graceDays: ctx.config.gracePeriodDays,
    now,
  });
  await applyAccess(tx, order, access, subscription?.id, now, changes);
  return { outcome: "applied", orderId: order.id, changes };
}

// --- Mirroring the provider's objects

/**
 * Keeps the provider's customer as the member's one customer (the first one seen wins; a second made by two
 * checkouts started at once is left as it is). An erased member keeps none.
 */
async function rememberCustomer(tx: Transaction, memberId: number, customerRef: string): Promise<void> {
  const taken = await tx.member.findUnique({ where: { stripeCustomerId: customerRef }, select: { id: true } });
  if (taken) return;
  await tx.member.updateMany({
    where: { id: memberId, stripeCustomerId: null, erasedAt: null },
    data: { stripeCustomerId: customerRef },
  });
}

async function mirrorSubscription(
  tx: Transaction,
  provider: PaymentProviderKind,
  order: { memberId: number; offerId: number },
  state: ProviderCheckout,
  graceDays: number,
) {
  const current = state.subscription;
  if (!current) return null;
  const key = { provider_providerSubscriptionId: { provider, providerSubscriptionId: current.subscriptionRef } };
  const fields = {
    status: current.status,
    currentPeriodEnd: current.currentPeriodEnd,
    cancelAtPeriodEnd: current.cancelAtPeriodEnd,
    stateFetchedAt: state.fetchedAt,
  };
  const existing = await tx.subscription.findUnique({ where: key });
  if (current.status === "PAST_DUE" && existing?.status !== "PAST_DUE" && !stale(existing, state)) {
    // A failed renewal: the member is told once per period, and keeps access for the grace period.
    await addToOutbox(
      tx,
      {
        kind: "notify.member",
        memberId: order.memberId,
        notice: { key: "renewalFailed", params: { days: graceDays } },
      },
      `renewal-failed:${current.subscriptionRef}:${current.currentPeriodEnd?.getTime() ?? 0}`,
    );
  }
  if (!existing) {
    return tx.subscription.create({
      data: {
        memberId: order.memberId,
        offerId: order.offerId,
        provider,
        providerSubscriptionId: current.subscriptionRef,
        ...fields,
      },
    });
  }
  if (stale(existing, state)) return existing;
  const same =
    existing.status === fields.status &&
    existing.cancelAtPeriodEnd === fields.cancelAtPeriodEnd &&
    existing.currentPeriodEnd?.getTime() === fields.currentPeriodEnd?.getTime();
  return tx.subscription.update({
    where: { id: existing.id },
    data: same ? { stateFetchedAt: state.fetchedAt } : fields,
  });
}

async function mirrorPayment(
  tx: Transaction,
  provider: PaymentProviderKind,
  order: { id: number; currency: string },
  seen: ProviderPayment,
  changes: CheckoutChange[],
): Promise<void> {
  const key = { provider_providerPaymentId: { provider, providerPaymentId: seen.paymentRef } };
  let payment = await tx.payment.findUnique({ where: key });
  if (!payment) {
    payment = await tx.payment.create({
      data: {
        orderId: order.id,
        provider,
        providerPaymentId: seen.paymentRef,
        amount: seen.amount,
        currency: seen.currency,
        periodEnd: seen.periodEnd,
      },
    });
    changes.push({ kind: "payment-recorded", paymentRef: seen.paymentRef });
  }
  if (payment.orderId !== order.id) return; // stored for another order: never move money between orders

  for (const refund of seen.refunds) {
    const known = await tx.refund.findUnique({ where: { providerRefundId: refund.refundRef } });
    if (known) {
      if (known.status !== "SUCCEEDED" || known.amount !== refund.amount || known.paymentId !== payment.id) {
        await tx.refund.update({
          where: { id: known.id },
          data: { status: "SUCCEEDED", amount: refund.amount, paymentId: payment.id },
        });
      }
      continue;
    }
    // A refund the creator asked for in chat whose confirmation outran our own bookkeeping, or one from the Dashboard.
    const asked = refund.requestId
      ? await tx.refund.findFirst({ where: { id: refund.requestId, orderId: order.id, providerRefundId: null } })
      : null;
    if (asked) {
      await tx.refund.update({
        where: { id: asked.id },
        data: { status: "SUCCEEDED", amount: refund.amount, paymentId: payment.id, providerRefundId: refund.refundRef },
      });
    } else {
      await tx.refund.create({
        data: {
          orderId: order.id,
          paymentId: payment.id,
          amount: refund.amount,
          currency: order.currency,
          reason: "provider",
          status: "SUCCEEDED",
          providerRefundId: refund.refundRef,
          decidedAt: new Date(),
        },
      });
    }
    changes.push({ kind: "refund-recorded", amount: refund.amount });
  }

  // Amounts per refund; the payment's total is their sum, so a late or repeated read can never add one twice.
  const refunded = await tx.refund.aggregate({
    where: { paymentId: payment.id, status: "SUCCEEDED", providerRefundId: { not: null } },
    _sum: { amount: true },
  });
  const refundedAmount = Math.min(refunded._sum.amount ?? 0, payment.amount);
  const dispute = mergeDispute(payment, seen.dispute);
  if (dispute.disputeStatus !== payment.disputeStatus && dispute.disputeStatus) {
    changes.push({ kind: "dispute", status: dispute.disputeStatus });
    await addToOutbox(
      tx,
      {
        kind: "notify.staff",
        notice: { key: DISPUTE_NOTICES[dispute.disputeStatus], params: { order: order.id } },
      },
      `dispute-${dispute.disputeStatus}:${dispute.disputeRef}`,
    );
  }
  const status = paymentStatus(payment.amount, refundedAmount, dispute.disputeStatus);
  if (
    refundedAmount !== payment.refundedAmount ||
    status !== payment.status ||
    dispute.disputeRef !== payment.disputeRef ||
    dispute.disputeStatus !== payment.disputeStatus ||
    (seen.periodEnd && !payment.periodEnd)
  ) {
    await tx.payment.update({
      where: { id: payment.id },
      data: { refundedAmount, status, ...dispute, periodEnd: payment.periodEnd ?? seen.periodEnd },
    });
  }
}

/** An older read (a slow delivery) never overwrites a newer one. */
function stale(existing: { stateFetchedAt: Date | null } | null, state: ProviderCheckout): boolean {
  return Boolean(existing?.stateFetchedAt && existing.stateFetchedAt > state.fetchedAt);
}

const DISPUTE_NOTICES = {
  OPEN: "staffDispute",
  WON: "staffDisputeWon",
  LOST: "staffDisputeLost",
} as const;

/** A closed dispute stays closed unless the provider reports a newer one; a read without a dispute clears nothing. */
function mergeDispute(
  payment: Pick<Payment, "disputeRef" | "disputeStatus">,
  seen: ProviderPayment["dispute"],
): { disputeRef: string | null; disputeStatus: DisputeStatus | null } {
  const stored = { disputeRef: payment.disputeRef, disputeStatus: payment.disputeStatus };
  if (!seen) return stored;
  if (seen.disputeRef === payment.disputeRef && payment.disputeStatus !== "OPEN" && seen.status === "OPEN") {
    return stored;
  }
  return { disputeRef: seen.disputeRef, disputeStatus: seen.status };
}

export function paymentStatus(amount: number, refunded: number, dispute: DisputeStatus | null): PaymentStatus {
  if (dispute === "OPEN" || dispute === "LOST") return "DISPUTED";
  if (amount > 0 && refunded >= amount) return "REFUNDED";
  if (refunded > 0) return "PARTIALLY_REFUNDED";
  return "SUCCEEDED";
}

function fullyRefunded(payment: Pick<Payment, "amount" | "refundedAmount">): boolean {
  return payment.amount > 0 && payment.refundedAmount >= payment.amount;
}

/** The payment for the newest period (subscriptions), or the newest one. */
function latestPayment(payments: Payment[]): Payment {
  return payments.reduce((a, b) => {
    const ta = a.periodEnd?.getTime() ?? 0;
    const tb = b.periodEnd?.getTime() ?? 0;
    return tb > ta || (tb === ta && b.id > a.id) ? b : a;
  });
}

// --- Access

export type DerivedAccess =
  | { open: true; endsAt: Date | null; graceUntil: Date | null }
  | { open: false; reason: RevokeReason };

/**
 * Whether an order's buyer has access now, and until when. Pure, so the rules are tested on their own:
 * - refunded in full or disputed (open or lost) → closed;
 * - one-time → from the first payment for the offer's access days (or for good);
 * - subscription → through the end of the last period actually paid (not refunded, not disputed); a past-due
 *   subscription keeps the grace period after that end, never after the unpaid period; unpaid, paused, incomplete
 *   and canceled subscriptions close.
 */
export function deriveAccess(input: {
  status: OrderStatus;
  paidAt: Date;
  accessDays: number | null;
  subscription: { status: string } | null;
  payments: Pick<Payment, "amount" | "refundedAmount" | "disputeStatus" | "periodEnd">[];
  graceDays: number;
  now: Date;
}): DerivedAccess {
  const { status, subscription, now } = input;
  if (status === "DISPUTED") return { open: false, reason: "DISPUTE" };
  if (status === "REFUNDED") return { open: false, reason: "REFUND" };
  if (!subscription) {
    const endsAt = input.accessDays ? addDays(input.paidAt, input.accessDays) : null;
    return endsAt && endsAt <= now ? { open: false, reason: "EXPIRED" } : { open: true, endsAt, graceUntil: null };
  }
  const good = input.payments.filter(
    (p) => p.disputeStatus !== "OPEN" && p.disputeStatus !== "LOST" && (p.amount === 0 || p.refundedAmount < p.amount),
  );
  const ends = good.map((p) => p.periodEnd?.getTime()).filter((t): t is number => t !== undefined);
  if (ends.length === 0) return { open: false, reason: "REFUND" };
  const paidThrough = new Date(Math.max(...ends));
  switch (subscription.status) {
    case "ACTIVE":
    case "TRIALING":
      return paidThrough > now
        ? { open: true, endsAt: paidThrough, graceUntil: null }
        : { open: false, reason: "EXPIRED" };
    case "PAST_DUE": {
      // A failed renewal is not a cancellation: keep access for the grace period while the provider retries.
      const graceUntil = addDays(paidThrough, input.graceDays);
      return graceUntil > now
        ? { open: true, endsAt: paidThrough, graceUntil }
        : { open: false, reason: "PAYMENT_FAILED" };
    }
    case "UNPAID":
    case "PAUSED":
      return { open: false, reason: "PAYMENT_FAILED" };
    default:
      return { open: false, reason: "CANCELED" };
  }
}

async function applyAccess(
  tx: Transaction,
  order: { id: number; memberId: number; productId: number; paidAt: Date | null },
  access: DerivedAccess,
  subscriptionId: number | undefined,
  now: Date,
  changes: CheckoutChange[],
): Promise<void> {
  const rows = await tx.entitlement.findMany({ where: { orderId: order.id } });
  if (!access.open) {
    const revoked = await revokeEntitlements(tx, { orderId: order.id }, access.reason, now);
    if (revoked) changes.push({ kind: "access-revoked", reason: access.reason });
    return;
  }
  const window = { endsAt: access.endsAt, graceUntil: access.graceUntil };
  if (rows.length === 0) {
    await grantEntitlements(tx, {
      memberId: order.memberId,
      productId: order.productId,
      source: subscriptionId ? "SUBSCRIPTION" : "PURCHASE",
      startsAt: order.paidAt ?? now,
      endsAt: access.endsAt,
      orderId: order.id,
      subscriptionId,
    });
    if (access.graceUntil) await tx.entitlement.updateMany({ where: { orderId: order.id }, data: window });
    changes.push({ kind: "access-granted" });
    return;
  }
  let changed = false;
  for (const row of rows) {
    // A creator's own /revoke is theirs to undo; everything else here was decided from the provider's state.
    if (row.revokedAt && row.revokeReason === "MANUAL") continue;
    const restore = row.revokedAt !== null;
    const moved =
      row.endsAt?.getTime() !== access.endsAt?.getTime() || row.graceUntil?.getTime() !== access.graceUntil?.getTime();
    if (!restore && !moved) continue;
    await tx.entitlement.update({
      where: { id: row.id },
      data: { ...window, ...(restore ? { revokedAt: null, revokeReason: null } : {}) },
    });
    changes.push({ kind: restore ? "access-granted" : "access-extended" });
    changed = true;
  }
  if (changed) await addToOutbox(tx, { kind: "access.sync", memberId: order.memberId });
}

// --- Checkouts that are not what they claim

async function recordForeign(
  tx: Transaction,
  provider: PaymentProviderKind,
  state: ProviderCheckout,
  reason: string,
): Promise<ApplyCheckoutResult> {
  const claimed = state.claimedOrderId
    ? await tx.order.findUnique({ where: { id: state.claimedOrderId }, select: { id: true } })
    : null;
  if (!claimed) return { outcome: "not-ours" };
  const payment = state.payments.find((p) => p.paid);
  if (!state.paid || !payment) return { outcome: "foreign", claimedOrderId: claimed.id, recorded: false };
  const recorded = await tx.unmatchedPayment.createMany({
    data: [
      {
        provider,
        checkoutRef: state.checkoutRef,
        paymentRef: payment.paymentRef,
        claimedOrderId: claimed.id,
        amount: payment.amount,
        currency: payment.currency,
        reason,
      },
    ],
    skipDuplicates: true,
  });
  if (recorded.count) {
    await addToOutbox(
      tx,
      {
        kind: "notify.staff",
        notice: {
          key: "staffForeignPayment",
          params: { order: claimed.id, price: formatMoney(payment.amount, payment.currency, "en") },
        },
      },
      `foreign:${state.checkoutRef}`,
    );
  }
  return { outcome: "foreign", claimedOrderId: claimed.id, recorded: recorded.count > 0 };
}

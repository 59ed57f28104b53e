/**
 * The creator approves or denies a refund request. Approving a Stripe payment asks Stripe to refund (once, by
 * idempotency key), stops the order's subscription so it never charges again (now, or at the end of the paid period:
 * `subscriptionRefund`), then applies Stripe's state at once; Stripe's webhooks and the reconciler confirm the same.
 * Approving a manual payment (the creator returns the money by hand) completes at once.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { revokeEntitlements } from "../access/revoke-entitlements.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { syncCheckout } from "./sync-checkout.js";
import { refundToWallet } from "./wallet/refund-to-wallet.js";
import { reverseTopUp, topUpStillHeld } from "./wallet/settle-top-up.js";
import { isTopUpProduct } from "./wallet/top-up-product.js";

export type SubscriptionStop =
  | { kind: "canceled" }
  | { kind: "ends-at-period-end"; periodEnd: Date | null }
  | { kind: "cancel-failed" };

export type DecideRefundResult =
  | { outcome: "refunded"; orderId: number; inStars: boolean; toWallet: boolean }
  | {
      outcome: "sent-to-provider";
      orderId: number;
      /** Stripe already reports the refund, and it was applied: access is closed. */
      confirmed: boolean;
      /** What happened to the order's subscription, if it has one still running. */
      subscription: SubscriptionStop | null;
    }
  | { outcome: "denied"; orderId: number }
  | { outcome: "already-decided"; status: string };

export async function decideRefund(
  ctx: CoreContext,
  options: { refundId: number; staffMemberId: number; approve: boolean },
): Promise<DecideRefundResult> {
  await requireStaff(ctx, options.staffMemberId);
  const refund = await ctx.prisma.refund.findUnique({
    where: { id: options.refundId },
    include: { order: { include: { product: { select: { slug: true } } } }, payment: true },
  });
  if (!refund) throw new AppError("REFUND_NOT_FOUND", { id: options.refundId });
  if (refund.status !== "REQUESTED") return { outcome: "already-decided", status: refund.status };
  const now = ctx.clock.now();
  const decided = { decidedById: options.staffMemberId, decidedAt: now };

  if (!options.approve) {
    await ctx.prisma.$transaction(async (tx) => {
      const changed = await tx.refund.updateMany({
        where: { id: refund.id, status: "REQUESTED" },
        data: { status: "DENIED", ...decided },
      });
      if (changed.count) {
        await addToOutbox(tx, {
          kind: "notify.member",
          memberId: refund.order.memberId,
          notice: { key: "refundDenied", params: { order: refund.orderId } },
        });
      }
    });
    await kickOutbox(ctx);
    return { outcome: "denied", orderId: refund.orderId };
  }

  const provider = refund.payment?.provider;
  // A top-up's credit goes back with its money: refused while the member has spent it (never a negative balance).
  const topUp = isTopUpProduct(refund.order.product);
  if (topUp && !(await topUpStillHeld(ctx.prisma, refund.order))) {
    throw new AppError("TOP_UP_SPENT", { id: refund.orderId });
  }
  // Refunding "by hand" is for manual orders only: a provider's order without a payment to refund (a request from
  // before that was checked) must not be marked refunded while the provider still holds the money.
  if (!refund.payment && refund.order.provider !== "MANUAL") {
    throw new AppError("REFUND_NOT_ALLOWED", { id: refund.orderId });
  }
  if (provider === "STRIPE" && refund.payment) {
    return refundThroughStripe(ctx, { ...refund, payment: refund.payment }, decided);
  }
  if (provider === "TELEGRAM_STARS" && refund.payment) {
    // Stars come back at once (refundStarPayment answers true), so the refund completes here, access included.
    const stars = ctx.payments.stars;
    const payer = await ctx.prisma.platformAccount.findFirst({
      where: { memberId: refund.order.memberId, platform: "TELEGRAM" },
    });
    if (!stars || !payer) throw new AppError("PROVIDER_UNAVAILABLE");
    try {
      await stars.refundStarPayment(payer.externalId, refund.payment.providerPaymentId);
      const subscription = refund.order.subscriptionId
        ? await ctx.prisma.subscription.findUnique({ where: { id: refund.order.subscriptionId } })
        : null;
      if (subscription && subscription.status !== "CANCELED") {
        await stars.setStarSubscriptionCanceled(payer.externalId, subscription.providerSubscriptionId, true);
        await ctx.prisma.subscription.update({
          where: { id: subscription.id },
          data: { status: "CANCELED", cancelAtPeriodEnd: true },
        });
      }
    } catch (error) {
      ctx.log.error(
        { refundId: refund.id, err: error instanceof Error ? error.message : String(error) },
        "Stars refund failed",
      );
      throw new AppError("PROVIDER_UNAVAILABLE");
    }
  } else if (provider && provider !== "MANUAL" && provider !== "WALLET") {
    throw new AppError("PROVIDER_UNAVAILABLE");
  }

  await ctx.prisma.$transaction(async (tx) => {
    const changed = await tx.refund.updateMany({
      where: { id: refund.id, status: "REQUESTED" },
      data: { status: "SUCCEEDED", ...decided },
    });
    if (!changed.count) return;
    if (refund.paymentId) {
      await tx.payment.update({
        where: { id: refund.paymentId },
        data: { status: "REFUNDED", refundedAmount: refund.amount },
      });
    }
    await tx.order.update({ where: { id: refund.orderId }, data: { status: "REFUNDED" } });
    await revokeEntitlements(tx, { orderId: refund.orderId }, "REFUND", now);
    // Paid from the wallet: the money goes back to the wallet. A top-up refunded: its credit leaves the wallet.
    if (provider === "WALLET") await refundToWallet(tx, refund);
    if (topUp) await reverseTopUp(tx, refund.order);
    await addToOutbox(
      tx,
      {
        kind: "notify.member",
        memberId: refund.order.memberId,
        notice: {
          key: provider === "WALLET" ? "refundedToWallet" : "refundCompleted",
          params: { order: refund.orderId },
        },
      },
      `refunded:${refund.orderId}`,
    );
  });
  await kickOutbox(ctx);
  return {
    outcome: "refunded",
    orderId: refund.orderId,
    inStars: provider === "TELEGRAM_STARS",
    toWallet: provider === "WALLET",
  };
}

async function refundThroughStripe(
  ctx: CoreContext,
  refund: {
    id: number;
    orderId: number;
    createdAt: Date;
    order: { memberId: number; subscriptionId: number | null; checkoutRef: string | null };
    payment: { providerPaymentId: string };
  },
  decided: { decidedById: number; decidedAt: Date },
): Promise<DecideRefundResult> {
  const stripe = ctx.payments.stripe;
  if (!stripe) throw new AppError("PROVIDER_UNAVAILABLE");
  let refundRef: string;
  try {
    ({ refundRef } = await stripe.refund(
      refund.payment.providerPaymentId,
      // Unique per Stripe account, not only per database (a restored backup or a second environment reuses ids).
      `refund-${refund.id}-${refund.createdAt.getTime()}`,
      refund.id,
    ));
  } catch (error) {
    ctx.log.error(
      { refundId: refund.id, err: error instanceof Error ? error.message : String(error) },
      "provider refund failed",
    );
    throw new AppError("PROVIDER_UNAVAILABLE");
  }

  // A refunded subscription must not charge again next month.
  const subscription = refund.order.subscriptionId
    ? await ctx.prisma.subscription.findUnique({ where: { id: refund.order.subscriptionId } })
    : null;
  let stop: SubscriptionStop | null = null;
  if (subscription && subscription.status !== "CANCELED") {
    const atPeriodEnd = ctx.config.subscriptionRefund === "period-end";
    try {
      await stripe.cancelSubscription(subscription.providerSubscriptionId, { atPeriodEnd });
      stop = atPeriodEnd
        ? { kind: "ends-at-period-end", periodEnd: subscription.currentPeriodEnd }
        : { kind: "canceled" };
    } catch (error) {
      ctx.log.error(
        { refundId: refund.id, err: error instanceof Error ? error.message : String(error) },
        "subscription cancel failed",
      );
      stop = { kind: "cancel-failed" };
    }
  }

  await ctx.prisma.$transaction(async (tx) => {
    const changed = await tx.refund.updateMany({
      where: { id: refund.id, status: "REQUESTED" },
      data: { status: "APPROVED", providerRefundId: refundRef, ...decided },
    });
    if (changed.count) {
      await addToOutbox(tx, {
        kind: "notify.member",
        memberId: refund.order.memberId,
        notice: { key: "refundApproved", params: { order: refund.orderId } },
      });
    }
  });
  // Stripe reports the refund (and the cancellation) now: apply it instead of waiting for the webhooks.
  let confirmed = false;
  if (refund.order.checkoutRef) {
    try {
      await syncCheckout(ctx, stripe, {
        checkoutRef: refund.order.checkoutRef,
        paymentRefs: [refund.payment.providerPaymentId],
      });
      const now = await ctx.prisma.refund.findUnique({ where: { id: refund.id }, select: { status: true } });
      confirmed = now?.status === "SUCCEEDED";
    } catch (error) {
      ctx.log.warn(
        { refundId: refund.id, err: error instanceof Error ? error.message : String(error) },
        "refund sent; Stripe's state will be applied by its webhook or the reconciler",
      );
    }
  }
  await kickOutbox(ctx);
  return { outcome: "sent-to-provider", orderId: refund.orderId, confirmed, subscription: stop };
}

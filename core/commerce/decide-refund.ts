/**
 * The creator approves or denies a refund request. Approving a Stripe payment asks Stripe to refund (once, by
 * idempotency key); access closes when Stripe's charge.refunded event confirms it. Approving a manual payment (the
 * creator returns the money by hand) completes at once.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { revokeEntitlements } from "../access/revoke-entitlements.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export type DecideRefundResult =
  | { outcome: "refunded"; orderId: number; inStars: boolean }
  | { outcome: "sent-to-provider"; orderId: number }
  | { outcome: "denied"; orderId: number }
  | { outcome: "already-decided"; status: string };

export async function decideRefund(
  ctx: CoreContext,
  options: { refundId: number; staffMemberId: number; approve: boolean },
): Promise<DecideRefundResult> {
  await requireStaff(ctx, options.staffMemberId);
  const refund = await ctx.prisma.refund.findUnique({
    where: { id: options.refundId },
    include: { order: true, payment: true },
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
  if (provider === "STRIPE" && refund.payment) {
    const stripe = ctx.payments.stripe;
    if (!stripe) throw new AppError("PROVIDER_UNAVAILABLE");
    let refundRef: string;
    try {
      ({ refundRef } = await stripe.refund(refund.payment.providerPaymentId, `refund-${refund.id}`));
    } catch (error) {
      ctx.log.error(
        { refundId: refund.id, err: error instanceof Error ? error.message : String(error) },
        "provider refund failed",
      );
      throw new AppError("PROVIDER_UNAVAILABLE");
    }
    await ctx.prisma.$transaction(async (tx) => {
      await tx.refund.updateMany({
        where: { id: refund.id, status: "REQUESTED" },
        data: { status: "APPROVED", providerRefundId: refundRef, ...decided },
      });
      await addToOutbox(tx, {
        kind: "notify.member",
        memberId: refund.order.memberId,
        notice: { key: "refundApproved", params: { order: refund.orderId } },
      });
    });
    await kickOutbox(ctx);
    return { outcome: "sent-to-provider", orderId: refund.orderId };
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
  } else if (provider && provider !== "MANUAL") {
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
    await addToOutbox(
      tx,
      {
        kind: "notify.member",
        memberId: refund.order.memberId,
        notice: { key: "refundCompleted", params: { order: refund.orderId } },
      },
      `refunded:${refund.orderId}`,
    );
  });
  await kickOutbox(ctx);
  return { outcome: "refunded", orderId: refund.orderId, inStars: provider === "TELEGRAM_STARS" };
}

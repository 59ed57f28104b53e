/**
 * Telegram says the Stars were paid (successful_payment). The charge id is stored under a unique key in the same
 * transaction as the grant, so a repeated delivery grants once. A subscription's later payments (every 30 days)
 * extend its access to the new expiry.
 */
import { Prisma } from "../../prisma/generated/client.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext, Transaction } from "../context.js";
import type { PlatformUser } from "../identity/resolve-member.js";
import { markOrderPaid } from "./mark-order-paid.js";
import { recordReferralReward } from "./referrals/record-referral-reward.js";
import { orderIdFromPayload } from "./stars-payload.js";
import { walletSettings } from "./wallet/wallet-settings.js";

export interface RecordStarsPaymentOptions {
  payload: string;
  user: PlatformUser;
  /** telegram_payment_charge_id */
  chargeId: string;
  totalAmount: number;
  currency: string;
  /** subscription_expiration_date, for Stars subscriptions. */
  subscriptionExpiresAt?: Date | null;
  isRecurring?: boolean;
  isFirstRecurring?: boolean;
}

export type RecordStarsPaymentResult = {
  outcome: "paid" | "renewed" | "duplicate" | "recorded-without-access" | "unknown-order";
};

export async function recordStarsPayment(
  ctx: CoreContext,
  options: RecordStarsPaymentOptions,
): Promise<RecordStarsPaymentResult> {
  const now = ctx.clock.now();
  const orderId = orderIdFromPayload(options.payload);
  const paymentKey = {
    provider_providerPaymentId: { provider: "TELEGRAM_STARS" as const, providerPaymentId: options.chargeId },
  };
  const recordCharge = (tx: Transaction, orderId: number) =>
    tx.payment.create({
      data: {
        orderId,
        provider: "TELEGRAM_STARS",
        providerPaymentId: options.chargeId,
        amount: options.totalAmount,
        currency: "xtr",
      },
    });
  try {
    const outcome = await ctx.prisma.$transaction(async (tx): Promise<RecordStarsPaymentResult["outcome"]> => {
      if (await tx.payment.findUnique({ where: paymentKey })) return "duplicate";
      const order = orderId ? await tx.order.findUnique({ where: { id: orderId }, include: { offer: true } }) : null;
      if (!order) {
        ctx.log.error({ chargeId: options.chargeId }, "Stars payment for an unknown order");
        return "unknown-order";
      }
      const payer = await tx.platformAccount.findUnique({
        where: { platform_externalId: { platform: options.user.platform, externalId: options.user.externalId } },
      });
      const renewal = Boolean(options.isRecurring && !options.isFirstRecurring && order.subscriptionId);
      if (renewal && order.subscriptionId) {
        await recordCharge(tx, order.id);
        const until = options.subscriptionExpiresAt ?? null;
        await tx.subscription.update({
          where: { id: order.subscriptionId },
          data: { status: "ACTIVE", currentPeriodEnd: until },
        });
        await tx.entitlement.updateMany({
          where: { subscriptionId: order.subscriptionId, revokedAt: null },
          data: { endsAt: until, graceUntil: null },
        });
        await addToOutbox(tx, { kind: "access.sync", memberId: order.memberId });
        return "renewed";
      }
      const paidByOwner = payer?.memberId === order.memberId;
      const rightAmount = order.currency === "xtr" && order.amount === options.totalAmount;
      if (!paidByOwner || !rightAmount) {
        // Telegram took the Stars, but not as we asked (checked at pre-checkout, so this should not happen): keep the
        // money on record and let the creator decide.
        await recordCharge(tx, order.id);
        await addToOutbox(tx, {
          kind: "notify.staff",
          notice: { key: "staffPaymentMismatch", params: { order: order.id, charge: options.chargeId } },
        });
        return "recorded-without-access";
      }
      let subscriptionId: number | undefined;
      if (options.isRecurring) {
        const sub = await tx.subscription.create({
          data: {
            memberId: order.memberId,
            offerId: order.offerId,
            provider: "TELEGRAM_STARS",
            providerSubscriptionId: options.chargeId,
            status: "ACTIVE",
            currentPeriodEnd: options.subscriptionExpiresAt ?? null,
          },
        });
        subscriptionId = sub.id;
      }
      const paid = await markOrderPaid(tx, {
        orderId: order.id,
        provider: "TELEGRAM_STARS",
        paymentRef: options.chargeId,
        amount: options.totalAmount,
        currency: "xtr",
        now,
        subscriptionId,
        periodEnd: options.isRecurring ? (options.subscriptionExpiresAt ?? null) : undefined,
      });
      if (paid.outcome === "paid") {
        await recordReferralReward(tx, walletSettings(ctx), { orderId: order.id, paidAt: now });
      }
      return paid.outcome;
    });
    await kickOutbox(ctx);
    return { outcome };
  } catch (error) {
    // The same update handled twice at once: the other one recorded it.
    if (
      error instanceof Prisma.PrismaClientKnownRequestError &&
      error.code === "P2002" &&
      (await ctx.prisma.payment.findUnique({ where: paymentKey }))
    ) {
      return { outcome: "duplicate" };
    }
    throw error;
  }
}

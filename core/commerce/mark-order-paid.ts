/**
 * The one place where money turns into access: records a payment under its provider's unique reference and grants
 * what the order paid for, in the caller's transaction. A payment reference seen before changes nothing.
 */
import type { PaymentProviderKind } from "../../prisma/generated/enums.js";
import { addDays } from "../access/entitlement-window.js";
import { grantEntitlements } from "../access/grant-entitlements.js";
import { addToOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import type { Transaction } from "../context.js";
import { recordPurchaseConversion } from "../insights/experiment-record-conversion.js";
import { recordTrialConversion } from "./trials/start-trial.js";
import { creditTopUp } from "./wallet/settle-top-up.js";
import { isTopUpProduct } from "./wallet/top-up-product.js";

export interface MarkOrderPaidOptions {
  orderId: number;
  provider: PaymentProviderKind;
  paymentRef: string;
  amount: number;
  currency: string;
  now: Date;
  confirmedById?: number;
  subscriptionId?: number;
  /** End of the paid period for a subscription; one-time offers use the offer's access length. */
  periodEnd?: Date | null;
}

export type MarkOrderPaidResult =
  | { outcome: "paid"; entitlementIds: number[] }
  | { outcome: "duplicate" }
  /** Money arrived for an order already refunded or disputed: recorded, no access. */
  | { outcome: "recorded-without-access" };

export async function markOrderPaid(tx: Transaction, options: MarkOrderPaidOptions): Promise<MarkOrderPaidResult> {
  const order = await tx.order.findUnique({ where: { id: options.orderId }, include: { offer: true, product: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", { id: options.orderId });
  const existing = await tx.payment.findUnique({
    where: { provider_providerPaymentId: { provider: options.provider, providerPaymentId: options.paymentRef } },
  });
  if (existing) return { outcome: "duplicate" };
  await tx.payment.create({
    data: {
      orderId: order.id,
      provider: options.provider,
      providerPaymentId: options.paymentRef,
      amount: options.amount,
      currency: options.currency.toLowerCase(),
      confirmedById: options.confirmedById ?? null,
    },
  });
  if (order.status === "REFUNDED" || order.status === "DISPUTED") return { outcome: "recorded-without-access" };
  if (order.status === "PAID") return { outcome: "duplicate" };

  await tx.order.update({
    where: { id: order.id },
    data: {
      status: "PAID",
      paidAt: options.now,
      provider: options.provider,
      subscriptionId: options.subscriptionId ?? undefined,
    },
  });
  // A wallet top-up buys credit, not access: the wallet is credited once and the member told.
  if (isTopUpProduct(order.product)) {
    await creditTopUp(tx, order);
    return { outcome: "paid", entitlementIds: [] };
  }
  await redeemCoupon(tx, order);
  // A purchase is what a price test of this product measures: counted with the payment, whichever path paid.
  await recordPurchaseConversion(tx, { productId: order.productId, memberId: order.memberId, at: options.now });
  await recordTrialConversion(tx, { productId: order.productId, memberId: order.memberId, at: options.now });
  const endsAt =
    options.periodEnd !== undefined
      ? options.periodEnd
      : order.offer.accessDays
        ? addDays(options.now, order.offer.accessDays)
        : null;
  // Told about the payment first, then let in (the outbox runs in order).
  await notifyPaymentReceived(tx, order);
  const entitlementIds = await grantEntitlements(tx, {
    memberId: order.memberId,
    productId: order.productId,
    source: options.subscriptionId ? "SUBSCRIPTION" : "PURCHASE",
    startsAt: options.now,
    endsAt,
    orderId: order.id,
    subscriptionId: options.subscriptionId,
  });
  return { outcome: "paid", entitlementIds };
}

/** "Payment received" to the buyer, once per order whatever path paid it. */
export async function notifyPaymentReceived(
  tx: Transaction,
  order: { id: number; memberId: number; productId: number },
): Promise<void> {
  await addToOutbox(
    tx,
    {
      kind: "notify.member",
      memberId: order.memberId,
      notice: { key: "paymentReceived", params: { order: order.id, productId: order.productId } },
    },
    `paid:${order.id}`,
  );
}

/** Counts the order's coupon as used, once: call when the order is first paid. */
export async function redeemCoupon(
  tx: Transaction,
  order: { id: number; memberId: number; couponId: number | null },
): Promise<void> {
  if (!order.couponId) return;
  const redeemed = await tx.couponRedemption.createMany({
    data: [{ couponId: order.couponId, memberId: order.memberId, orderId: order.id }],
    skipDuplicates: true,
  });
  if (redeemed.count) {
    await tx.coupon.update({ where: { id: order.couponId }, data: { redemptions: { increment: 1 } } });
  }
}

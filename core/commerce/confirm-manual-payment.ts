/**
 * The creator saw the money arrive (bank transfer, cash, another app) and confirms the order. Only staff may; nobody
 * may confirm their own order. Confirming twice changes nothing the second time.
 */
import { kickOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { markOrderPaid } from "./mark-order-paid.js";
import { recordReferralReward } from "./referrals/record-referral-reward.js";
import { isTopUpProduct } from "./wallet/top-up-product.js";
import { walletSettings } from "./wallet/wallet-settings.js";

export type ConfirmResult =
  /** `topUp`: the order was a wallet top-up (credited, no access). */
  | { ok: true; orderId: number; memberId: number; topUp: boolean }
  | { ok: false; reason: "ALREADY_PAID" | "NOT_PENDING" };

export async function confirmManualPayment(
  ctx: CoreContext,
  options: { orderId: number; staffMemberId: number },
): Promise<ConfirmResult> {
  await requireStaff(ctx, options.staffMemberId);
  const result = await ctx.prisma.$transaction(async (tx): Promise<ConfirmResult> => {
    const order = await tx.order.findUnique({ where: { id: options.orderId }, include: { product: true } });
    if (!order) throw new AppError("ORDER_NOT_FOUND", { id: options.orderId });
    if (order.memberId === options.staffMemberId) throw new AppError("OWN_ORDER", { id: order.id });
    if (order.status === "PAID") return { ok: false, reason: "ALREADY_PAID" };
    if (order.status !== "PENDING") return { ok: false, reason: "NOT_PENDING" };
    const paid = await markOrderPaid(tx, {
      orderId: order.id,
      provider: "MANUAL",
      paymentRef: `manual:${order.id}`,
      amount: order.amount,
      currency: order.currency,
      now: ctx.clock.now(),
      confirmedById: options.staffMemberId,
    });
    if (paid.outcome !== "paid") return { ok: false, reason: "ALREADY_PAID" };
    await recordReferralReward(tx, walletSettings(ctx), { orderId: order.id, paidAt: ctx.clock.now() });
    return { ok: true, orderId: order.id, memberId: order.memberId, topUp: isTopUpProduct(order.product) };
  });
  if (result.ok) await kickOutbox(ctx);
  return result;
}

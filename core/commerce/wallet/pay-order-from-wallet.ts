/**
 * A member pays a pending order from their wallet. The spend, the order marked paid and the access granted happen in
 * one transaction through the same mark-paid path every provider uses (provider WALLET), so a crash between the
 * steps loses nothing. The order's row is locked first, so a double click pays once; the balance is moved by one
 * conditional update (see post-wallet-entry.ts), so parallel spends from one balance never overdraw it.
 */
import { ownedEntitlementWhere } from "../../access/entitlement-window.js";
import { kickOutbox } from "../../access/outbox.js";
import { AppError } from "../../app-error.js";
import type { CoreContext } from "../../context.js";
import { markOrderPaid } from "../mark-order-paid.js";
import { postWalletEntry } from "./post-wallet-entry.js";
import { isTopUpProduct } from "./top-up-product.js";

export type PayFromWalletResult =
  | { ok: true; orderId: number; productId: number; amount: number; currency: string; balance: number }
  | { ok: false; reason: "ALREADY_PAID" | "NOT_PENDING" | "RECURRING" | "TOP_UP"; orderId: number }
  | { ok: false; reason: "INSUFFICIENT_FUNDS"; orderId: number; amount: number; currency: string; balance: number };

/** @example const paid = await payOrderFromWallet(ctx, { memberId: 4, orderId: 12 }) */
export async function payOrderFromWallet(
  ctx: CoreContext,
  options: { memberId: number; orderId: number },
): Promise<PayFromWalletResult> {
  const now = ctx.clock.now();
  const result = await ctx.prisma.$transaction(async (tx): Promise<PayFromWalletResult> => {
    // One payer per order: a second press waits here, then sees the order paid.
    const locked = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Order" WHERE "id" = ${options.orderId} FOR UPDATE`;
    const order = locked.length
      ? await tx.order.findUnique({ where: { id: options.orderId }, include: { offer: true, product: true } })
      : null;
    // Someone else's order looks exactly like a missing one.
    if (!order || order.memberId !== options.memberId) throw new AppError("ORDER_NOT_FOUND", { id: options.orderId });
    if (order.status === "PAID") return { ok: false, reason: "ALREADY_PAID", orderId: order.id };
    if (order.status !== "PENDING") return { ok: false, reason: "NOT_PENDING", orderId: order.id };
    // Subscriptions renew at their provider; a top-up paid from the same wallet would be money going in a circle.
    if (order.offer.kind === "RECURRING") return { ok: false, reason: "RECURRING", orderId: order.id };
    if (isTopUpProduct(order.product)) return { ok: false, reason: "TOP_UP", orderId: order.id };
    // Two pending orders for one product (another coupon): the second is not paid for nothing.
    const owned = await tx.entitlement.findFirst({
      where: { memberId: order.memberId, productId: order.productId, ...ownedEntitlementWhere(now) },
    });
    if (owned) throw new AppError("ALREADY_OWNED", { id: order.productId });
    const spent = await postWalletEntry(tx, {
      memberId: order.memberId,
      currency: order.currency,
      amount: -order.amount,
      kind: "PURCHASE",
      idempotencyKey: `purchase:${order.id}`,
      orderId: order.id,
    });
    if (!spent.ok) {
      return {
        ok: false,
        reason: "INSUFFICIENT_FUNDS",
        orderId: order.id,
        amount: order.amount,
        currency: order.currency,
        balance: spent.balance,
      };
    }
    const paid = await markOrderPaid(tx, {
      orderId: order.id,
      provider: "WALLET",
      paymentRef: `wallet:${spent.entry.id}`,
      amount: order.amount,
      currency: order.currency,
      now,
    });
    // Unreachable with the row locked and the status checked; thrown so the spend rolls back if it ever happens.
    if (paid.outcome !== "paid") throw new Error(`wallet payment of order ${order.id} was not applied`);
    return {
      ok: true,
      orderId: order.id,
      productId: order.productId,
      amount: order.amount,
      currency: order.currency,
      balance: spent.entry.balanceAfter,
    };
  });
  if (result.ok) await kickOutbox(ctx);
  return result;
}

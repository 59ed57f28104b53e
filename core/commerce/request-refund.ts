/**
 * A member asks for their money back. The creator decides (/refunds); nothing changes for access until then.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { stripControlCharacters, truncateText } from "../text.js";

export async function requestRefund(
  ctx: CoreContext,
  options: { memberId: number; orderId: number; reason: string },
): Promise<{ refundId: number }> {
  const refund = await ctx.prisma.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: options.orderId } });
    // Someone else's order looks exactly like a missing one: ids reveal nothing.
    if (!order || order.memberId !== options.memberId) throw new AppError("ORDER_NOT_FOUND", { id: options.orderId });
    if (order.status !== "PAID" || order.amount === 0) throw new AppError("REFUND_NOT_ALLOWED", { id: order.id });
    const open = await tx.refund.findFirst({ where: { orderId: order.id, status: { in: ["REQUESTED", "APPROVED"] } } });
    if (open) throw new AppError("REFUND_ALREADY_REQUESTED", { id: order.id });
    // The latest payment that moved money and still holds some (a subscription's free trial invoice is a payment of
    // nothing; a payment refunded in part in the Dashboard still has the rest): the newest period first, since rows
    // are stored in the order Stripe's events happened to arrive.
    const payments = await tx.payment.findMany({
      where: { orderId: order.id, status: { in: ["SUCCEEDED", "PARTIALLY_REFUNDED"] }, amount: { gt: 0 } },
      orderBy: [{ periodEnd: { sort: "desc", nulls: "last" } }, { id: "desc" }],
    });
    const payment = payments.find((p) => p.refundedAmount < p.amount) ?? null;
    // Only a manual order is refunded by hand; a provider's order with nothing left to refund has no money to return.
    if (!payment && order.provider !== "MANUAL") throw new AppError("REFUND_NOT_ALLOWED", { id: order.id });
    const created = await tx.refund.create({
      data: {
        orderId: order.id,
        paymentId: payment?.id ?? null,
        amount: payment ? payment.amount - payment.refundedAmount : order.amount,
        currency: order.currency,
        reason: truncateText(stripControlCharacters(options.reason), 500),
        requestedById: options.memberId,
      },
    });
    await addToOutbox(tx, {
      kind: "notify.staff",
      notice: { key: "staffRefundRequested", params: { refund: created.id, order: order.id } },
    });
    return created;
  });
  await kickOutbox(ctx);
  return { refundId: refund.id };
}

/**
 * A member asks for their money back. The creator decides (/refunds); nothing changes for access until then.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";

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
    // The latest payment that moved money (a subscription's free trial invoice is a payment of nothing).
    const payment = await tx.payment.findFirst({
      where: { orderId: order.id, status: "SUCCEEDED", amount: { gt: 0 } },
      orderBy: { id: "desc" },
    });
    const created = await tx.refund.create({
      data: {
        orderId: order.id,
        paymentId: payment?.id ?? null,
        amount: payment?.amount ?? order.amount,
        currency: order.currency,
        reason: options.reason.slice(0, 500),
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

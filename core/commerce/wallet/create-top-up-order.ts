/**
 * A member asks to top up their wallet: a pending order for the hidden top-up product of that currency, at the
 * amount asked, ready for any payment method (Stripe Checkout, a Stars invoice, or the creator's /confirm). Asking
 * again for the same amount while it waits returns the same order (a double click tops up once).
 */
import { AppError } from "../../app-error.js";
import type { CoreContext } from "../../context.js";
import type { OrderWithProduct } from "../create-order.js";
import { topUpOffer } from "./top-up-product.js";

/** The largest single top-up, in major units (Stars: in Stars, Telegram's own ceiling for one invoice). */
export const MAX_TOP_UP_MAJOR = 10_000;

/** @example const order = await createTopUpOrder(ctx, { memberId: 4, amount: 2000, currency: "usd" }) */
export async function createTopUpOrder(
  ctx: CoreContext,
  options: { memberId: number; amount: number; currency: string },
): Promise<OrderWithProduct> {
  const currency = options.currency.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency) || !Number.isSafeInteger(options.amount) || options.amount <= 0) {
    throw new AppError("BAD_ARGUMENTS");
  }
  const now = ctx.clock.now();
  return ctx.prisma.$transaction(async (tx) => {
    // One order decision per member at a time, as for /buy.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${options.memberId})`;
    const { productId, offerId } = await topUpOffer(tx, currency);
    const reuseAfter = new Date(now.getTime() - ctx.config.pendingOrderReuseMinutes * 60_000);
    const pending = await tx.order.findFirst({
      where: {
        memberId: options.memberId,
        productId,
        amount: options.amount,
        status: "PENDING",
        createdAt: { gte: reuseAfter },
        // A Stripe Checkout page lives 24 hours: an older one is not handed out again.
        NOT: { provider: "STRIPE", createdAt: { lt: new Date(now.getTime() - 23 * 3_600_000) } },
      },
      include: { product: true, offer: true },
      orderBy: { id: "desc" },
    });
    if (pending) return pending;
    return tx.order.create({
      data: {
        memberId: options.memberId,
        productId,
        offerId,
        listAmount: options.amount,
        amount: options.amount,
        currency,
        provider: currency === "xtr" ? "TELEGRAM_STARS" : "MANUAL",
      },
      include: { product: true, offer: true },
    });
  });
}

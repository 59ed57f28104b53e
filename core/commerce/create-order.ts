/**
 * A member asks to buy a product: an order at the offer's price (after a coupon), ready for any payment method.
 * A second /buy (a double click) within the reuse window returns the same pending order instead of a new one.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { ownedEntitlementWhere } from "../access/entitlement-window.js";
import { kickOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { recordActivity } from "../learning/record-activity.js";
import { markOrderPaid } from "./mark-order-paid.js";
import { applyCoupon } from "./pricing.js";

export interface CreateOrderOptions {
  memberId: number;
  productId: number;
  couponCode?: string;
  /** Pay in Telegram Stars (the offer's Stars price) instead of its money price. */
  inStars?: boolean;
  /** The offer to buy (a price test's variant for this member); the product's first suitable offer when absent. */
  offerId?: number;
}

/** How long a pending order with a Stripe Checkout page is reused: an hour less than the page lives. */
const STRIPE_CHECKOUT_REUSE_MS = 23 * 3_600_000;

export type OrderWithProduct = Prisma.OrderGetPayload<{ include: { product: true; offer: true } }>;

/** @example const order = await createOrder(ctx, { memberId: 4, productId: 1, couponCode: "WELCOME10" }) */
export async function createOrder(ctx: CoreContext, options: CreateOrderOptions): Promise<OrderWithProduct> {
  const now = ctx.clock.now();
  const order = await ctx.prisma.$transaction(async (tx) => {
    // One order decision per member at a time: two simultaneous /buy for the same thing make one order.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${options.memberId})`;
    const product = await tx.product.findFirst({
      where: { id: options.productId, published: true },
      include: { offers: { where: { active: true }, orderBy: { id: "asc" } } },
    });
    if (!product) throw new AppError("PRODUCT_NOT_FOUND", { id: options.productId });
    const payable = (o: (typeof product.offers)[number]) =>
      options.inStars ? (o.starsAmount ?? 0) > 0 : o.currency !== "xtr";
    const offer =
      product.offers.find((o) => o.id === options.offerId && payable(o)) ?? product.offers.find((o) => payable(o));
    if (!offer) throw new AppError("NOT_PAYABLE", { id: product.id });
    const currency = options.inStars ? "xtr" : offer.currency;
    const listAmount = options.inStars ? (offer.starsAmount ?? 0) : offer.amount;
    const owned = await tx.entitlement.findFirst({
      where: { memberId: options.memberId, productId: product.id, ...ownedEntitlementWhere(now) },
    });
    if (owned) throw new AppError("ALREADY_OWNED", { id: product.id });

    let couponId: number | null = null;
    let amount = listAmount;
    if (options.couponCode) {
      const code = options.couponCode.trim().toUpperCase();
      const coupon = await tx.coupon.findUnique({ where: { code } });
      const used =
        coupon &&
        (await tx.couponRedemption.findUnique({
          where: { couponId_memberId: { couponId: coupon.id, memberId: options.memberId } },
        }));
      const valid =
        coupon?.active &&
        !used &&
        (!coupon.expiresAt || coupon.expiresAt > now) &&
        (coupon.maxRedemptions === null || coupon.redemptions < coupon.maxRedemptions) &&
        (coupon.productId === null || coupon.productId === product.id) &&
        // A personal coupon (a retention offer) is refused to anyone else, with the same answer as an unknown code.
        (coupon.memberId === null || coupon.memberId === options.memberId);
      if (!valid) throw new AppError("COUPON_INVALID", { code });
      couponId = coupon.id;
      amount = applyCoupon(listAmount, currency, coupon);
    }

    const reuseAfter = new Date(now.getTime() - ctx.config.pendingOrderReuseMinutes * 60_000);
    // A Stripe Checkout page dies 24 hours after it was made; an order is reused only while its page surely lives
    // (its expiry event cancels it too, see apply-checkout-state.ts), so nobody is handed a dead link.
    const checkoutAlive = new Date(now.getTime() - STRIPE_CHECKOUT_REUSE_MS);
    const pending = await tx.order.findFirst({
      where: {
        memberId: options.memberId,
        offerId: offer.id,
        couponId,
        status: "PENDING",
        createdAt: { gte: reuseAfter },
        NOT: { provider: "STRIPE", createdAt: { lt: checkoutAlive } },
      },
      include: { product: true, offer: true },
      orderBy: { id: "desc" },
    });
    if (pending) return pending;

    const created = await tx.order.create({
      data: {
        memberId: options.memberId,
        productId: product.id,
        offerId: offer.id,
        listAmount,
        amount,
        currency,
        couponId,
        provider: options.inStars ? "TELEGRAM_STARS" : "MANUAL",
      },
      include: { product: true, offer: true },
    });
    if (amount === 0) {
      await markOrderPaid(tx, {
        orderId: created.id,
        provider: "MANUAL",
        paymentRef: `free:${created.id}`,
        amount: 0,
        currency: offer.currency,
        now,
      });
      return { ...created, status: "PAID" as const };
    }
    return created;
  });
  recordActivity(ctx, {
    memberId: options.memberId,
    kind: "order_created",
    productId: order.productId,
    data: { orderId: order.id },
  });
  if (order.status === "PAID") await kickOutbox(ctx);
  return order;
}

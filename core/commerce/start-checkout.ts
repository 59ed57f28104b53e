/**
 * Opens a Stripe Checkout page for a pending order (cards, Alipay, WeChat Pay, subscriptions). Calling it again for
 * the same order returns the same page.
 */
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { trialDaysForCheckout } from "./trials/start-trial.js";

export async function startCheckout(
  ctx: CoreContext,
  options: { orderId: number; locale: "en" | "zh" },
): Promise<string | null> {
  const stripe = ctx.payments.stripe;
  if (!stripe) return null;
  const order = await ctx.prisma.order.findUnique({
    where: { id: options.orderId },
    include: { product: true, offer: true, member: { select: { stripeCustomerId: true } } },
  });
  if (!order) throw new AppError("ORDER_NOT_FOUND", { id: options.orderId });
  if (order.status !== "PENDING") throw new AppError("NOT_PAYABLE", { id: order.id });
  if (order.checkoutUrl) return order.checkoutUrl;
  const base = ctx.config.publicUrl.replace(/\/$/, "");
  let started: Awaited<ReturnType<typeof stripe.startCheckout>>;
  try {
    started = await stripe.startCheckout({
      orderId: order.id,
      memberId: order.memberId,
      productTitle: options.locale === "zh" ? order.product.titleZh : order.product.titleEn,
      amount: order.amount,
      currency: order.currency,
      recurring:
        order.offer.kind === "RECURRING"
          ? { interval: order.offer.interval ?? "MONTH", trialDays: await trialDaysForCheckout(ctx, order) }
          : null,
      locale: options.locale,
      successUrl: `${base}/checkout/success?order=${order.id}`,
      cancelUrl: `${base}/checkout/cancel?order=${order.id}`,
      idempotencyKey: `checkout-${order.id}-${order.createdAt.getTime()}`,
      customerRef: order.member.stripeCustomerId,
    });
  } catch (error) {
    ctx.log.error(
      { orderId: order.id, err: error instanceof Error ? error.message : String(error) },
      "checkout failed",
    );
    throw new AppError("PROVIDER_UNAVAILABLE");
  }
  await ctx.prisma.order.update({
    where: { id: order.id },
    data: { checkoutRef: started.ref, checkoutUrl: started.url, provider: "STRIPE" },
  });
  return started.url;
}

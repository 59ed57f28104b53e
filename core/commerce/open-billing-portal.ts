/**
 * /billing: a subscriber's link to the payment provider's self-service page (Stripe's Customer Portal), where they
 * cancel at the period end, change their card or download invoices. What they change there comes back as the usual
 * subscription webhooks (apply-checkout-state.ts): a cancellation at the period end keeps access until that end.
 *
 * One Stripe customer per member: the first checkout's customer is kept (`Member.stripeCustomerId`) and reused. A
 * subscriber from before it was kept gets it from their subscription's checkout now.
 */
import type { CoreContext } from "../context.js";

export type OpenBillingPortalResult =
  | { ok: true; url: string }
  /**
   * `NO_SUBSCRIPTION`: nothing running to manage; `STARS_ONLY`: their subscriptions are Telegram Stars ones, managed
   * in Telegram itself; `UNAVAILABLE`: the provider is not configured or did not answer.
   */
  | { ok: false; reason: "NO_SUBSCRIPTION" | "STARS_ONLY" | "UNAVAILABLE" };

/** @example const result = await openBillingPortal(ctx, { memberId: 4, locale: "en" }) */
export async function openBillingPortal(
  ctx: CoreContext,
  options: { memberId: number; locale: "en" | "zh" },
): Promise<OpenBillingPortalResult> {
  const subscriptions = await ctx.prisma.subscription.findMany({
    where: { memberId: options.memberId, status: { notIn: ["CANCELED", "INCOMPLETE"] } },
    include: { orders: { where: { checkoutRef: { not: null } }, select: { checkoutRef: true }, take: 1 } },
    orderBy: { id: "desc" },
  });
  const viaStripe = subscriptions.filter((s) => s.provider === "STRIPE");
  if (viaStripe.length === 0) return { ok: false, reason: subscriptions.length ? "STARS_ONLY" : "NO_SUBSCRIPTION" };
  const stripe = ctx.payments.stripe;
  if (!stripe?.openBillingPortal) return { ok: false, reason: "UNAVAILABLE" };
  try {
    const customerRef = await customerOf(ctx, options.memberId, viaStripe[0]?.orders[0]?.checkoutRef ?? null);
    if (!customerRef) return { ok: false, reason: "UNAVAILABLE" };
    const base = ctx.config.publicUrl.replace(/\/$/, "");
    const { url } = await stripe.openBillingPortal({
      customerRef,
      returnUrl: `${base}/billing/return`,
      locale: options.locale,
    });
    return { ok: true, url };
  } catch (error) {
    ctx.log.error(
      { memberId: options.memberId, err: error instanceof Error ? error.message : String(error) },
      "billing portal failed",
    );
    return { ok: false, reason: "UNAVAILABLE" };
  }
}

/** The member's kept customer, or the one their subscription's checkout made (kept from now on). */
async function customerOf(ctx: CoreContext, memberId: number, checkoutRef: string | null): Promise<string | null> {
  const member = await ctx.prisma.member.findUniqueOrThrow({
    where: { id: memberId },
    select: { stripeCustomerId: true },
  });
  if (member.stripeCustomerId) return member.stripeCustomerId;
  if (!checkoutRef || !ctx.payments.stripe) return null;
  const checkout = await ctx.payments.stripe.fetchCheckout(checkoutRef);
  if (!checkout.customerRef) return null;
  await ctx.prisma.member.updateMany({
    where: { id: memberId, stripeCustomerId: null },
    data: { stripeCustomerId: checkout.customerRef },
  });
  return checkout.customerRef;
}

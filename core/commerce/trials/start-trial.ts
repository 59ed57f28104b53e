/**
 * A free trial of an offer with trial days, once per member and product, ever (the Trial row's unique key decides,
 * so two taps at once, or a second trial after the first ended, start nothing).
 *
 * Stripe subscriptions carry their own trial (Checkout asks for a card and charges at the end): for those the member
 * is sent to the ordinary /buy, and `trialDaysForCheckout` gives the trial only to a member who never had one. Every
 * other offer (Telegram Stars, manual payment, one-time offers) gets a TRIAL entitlement that ends with the trial
 * unless the member pays; the reminder sweep tells them a day before.
 */
import { Prisma } from "../../../prisma/generated/client.js";
import { addDays, ownedEntitlementWhere } from "../../access/entitlement-window.js";
import { grantEntitlements } from "../../access/grant-entitlements.js";
import { kickOutbox } from "../../access/outbox.js";
import type { CoreContext, Transaction } from "../../context.js";

export type StartTrialResult =
  | { ok: true; productId: number; endsAt: Date; days: number }
  | { ok: false; reason: "NOT_FOUND" | "NO_TRIAL" | "ALREADY_USED" | "ALREADY_OWNED" }
  /** The offer's trial runs at Stripe: start it with /buy (Checkout shows the trial). */
  | { ok: false; reason: "CHECKOUT"; productId: number };

/**
 * @example const started = await startTrial(ctx, { memberId, productId: 3, viaCheckout: false })
 */
export async function startTrial(
  ctx: CoreContext,
  options: {
    memberId: number;
    productId: number;
    /** The offer shown to this member (a price test's variant); the product's first offer with trial days otherwise. */
    offerId?: number;
    /** True when this member's payment for the offer would go through a Stripe subscription. */
    viaCheckout: (offer: { kind: string; starsAmount: number | null }) => boolean;
  },
): Promise<StartTrialResult> {
  const now = ctx.clock.now();
  const product = await ctx.prisma.product.findFirst({
    where: { id: options.productId, published: true },
    include: { offers: { where: { active: true }, orderBy: { id: "asc" } } },
  });
  if (!product) return { ok: false, reason: "NOT_FOUND" };
  const withTrial = product.offers.filter((o) => (o.trialDays ?? 0) > 0);
  const offer = withTrial.find((o) => o.id === options.offerId) ?? withTrial[0];
  if (!offer?.trialDays) return { ok: false, reason: "NO_TRIAL" };
  const [owned, used] = await Promise.all([
    ctx.prisma.entitlement.findFirst({
      where: { memberId: options.memberId, productId: product.id, ...ownedEntitlementWhere(now) },
      select: { id: true },
    }),
    ctx.prisma.trial.findUnique({
      where: { memberId_productId: { memberId: options.memberId, productId: product.id } },
      select: { id: true },
    }),
  ]);
  if (owned) return { ok: false, reason: "ALREADY_OWNED" };
  if (used) return { ok: false, reason: "ALREADY_USED" };
  if (options.viaCheckout(offer)) return { ok: false, reason: "CHECKOUT", productId: product.id };

  const endsAt = addDays(now, offer.trialDays);
  try {
    const result = await ctx.prisma.$transaction(async (tx): Promise<StartTrialResult> => {
      const owned = await tx.entitlement.findFirst({
        where: { memberId: options.memberId, productId: product.id, ...ownedEntitlementWhere(now) },
        select: { id: true },
      });
      if (owned) return { ok: false, reason: "ALREADY_OWNED" };
      const trial = await tx.trial.create({
        data: {
          memberId: options.memberId,
          productId: product.id,
          offerId: offer.id,
          provider: offer.starsAmount ? "TELEGRAM_STARS" : "MANUAL",
          startedAt: now,
          endsAt,
        },
      });
      const [entitlementId] = await grantEntitlements(tx, {
        memberId: options.memberId,
        productId: product.id,
        source: "TRIAL",
        startsAt: now,
        endsAt,
      });
      await tx.trial.update({ where: { id: trial.id }, data: { entitlementId } });
      return { ok: true, productId: product.id, endsAt, days: offer.trialDays! };
    });
    if (result.ok) await kickOutbox(ctx);
    return result;
  } catch (error) {
    // A second tap raced the first past the check above: the unique key kept it to one trial.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      return { ok: false, reason: "ALREADY_USED" };
    throw error;
  }
}

/**
 * Trial days for a Stripe Checkout of this order: the offer's, unless the member already had a trial of the product.
 */
export async function trialDaysForCheckout(
  ctx: CoreContext,
  order: { memberId: number; productId: number; offer: { trialDays: number | null } },
): Promise<number | null> {
  if (!order.offer.trialDays) return null;
  const used = await ctx.prisma.trial.findUnique({
    where: { memberId_productId: { memberId: order.memberId, productId: order.productId } },
    select: { id: true },
  });
  return used ? null : order.offer.trialDays;
}

/**
 * Records that a Stripe subscription started with a trial (so no second one is given), once.
 */
export async function recordCheckoutTrial(
  tx: Transaction,
  options: { memberId: number; productId: number; offerId: number; endsAt: Date; now: Date },
): Promise<void> {
  await tx.trial.createMany({
    data: [
      {
        memberId: options.memberId,
        productId: options.productId,
        offerId: options.offerId,
        provider: "STRIPE",
        startedAt: options.now,
        endsAt: options.endsAt,
      },
    ],
    skipDuplicates: true,
  });
}

/** A payment for the product ends the member's trial as converted (the reminder is not sent, the trial ends quietly). */
export async function recordTrialConversion(
  tx: Transaction,
  options: { memberId: number; productId: number; at: Date },
): Promise<void> {
  const converted = await tx.trial.findFirst({
    where: { memberId: options.memberId, productId: options.productId, convertedAt: null },
    select: { id: true, entitlementId: true },
  });
  if (!converted) return;
  await tx.trial.update({ where: { id: converted.id }, data: { convertedAt: options.at } });
  // The paid entitlement takes over: the trial's own one ends now, so it is neither reminded nor "expired" later.
  if (converted.entitlementId !== null) {
    await tx.entitlement.updateMany({
      where: { id: converted.entitlementId, revokedAt: null },
      data: { endsAt: options.at },
    });
  }
}

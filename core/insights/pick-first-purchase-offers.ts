/**
 * Whom a first-purchase offer goes to, and for what: the members most likely to buy for the first time
 * (`firstPurchasePropensity`), leaving out those who opted out of offers, each with the product they showed most
 * interest in (course pages viewed, previews and lessons opened) that is published and has an active offer, or the
 * best-selling such product when they showed none. It only picks: the messages job or a creator sends.
 *
 * @example const picks = await pickFirstPurchaseOffers(ctx, { top: 20 }) // [{ memberId, probability, productId, offerId }]
 */
import type { CoreContext } from "../context.js";
import { firstPurchasePropensity } from "./first-purchase-propensity.js";

export interface FirstPurchaseOffer {
  memberId: number;
  probability: number;
  productId: number;
  offerId: number;
}

/** What an interest event weighs when choosing the product. */
const INTEREST: Readonly<Record<string, number>> = { course_viewed: 1, preview_opened: 2, lesson_opened: 1 };

export async function pickFirstPurchaseOffers(
  ctx: CoreContext,
  options: { top: number; asOf?: Date },
): Promise<FirstPurchaseOffer[]> {
  const ranked = await firstPurchasePropensity(ctx, { asOf: options.asOf });
  if (ranked.members.length === 0) return [];
  const [optedOut, sellable, sales] = await Promise.all([
    ctx.prisma.member.findMany({
      where: {
        id: { in: ranked.members.map((m) => m.memberId) },
        OR: [{ marketingOptOut: true }, { erasedAt: { not: null } }],
      },
      select: { id: true },
    }),
    ctx.prisma.product.findMany({
      where: { published: true, offers: { some: { active: true, currency: { not: "xtr" } } } },
      select: {
        id: true,
        offers: { where: { active: true, currency: { not: "xtr" } }, orderBy: { id: "asc" }, take: 1 },
      },
    }),
    ctx.prisma.order.groupBy({ by: ["productId"], where: { paidAt: { not: null } }, _count: { _all: true } }),
  ]);
  const excluded = new Set(optedOut.map((m) => m.id));
  const offerOf = new Map(sellable.map((p) => [p.id, p.offers[0]!.id]));
  if (offerOf.size === 0) return [];
  const bestSeller =
    [...sales].filter((s) => offerOf.has(s.productId)).sort((a, b) => b._count._all - a._count._all)[0]?.productId ??
    Math.min(...offerOf.keys());
  const picked = ranked.members.filter((m) => !excluded.has(m.memberId)).slice(0, options.top);
  const interest = await ctx.prisma.activityEvent.groupBy({
    by: ["memberId", "productId", "kind"],
    where: {
      memberId: { in: picked.map((m) => m.memberId) },
      kind: { in: Object.keys(INTEREST) },
      productId: { in: [...offerOf.keys()] },
    },
    _count: { _all: true },
  });
  return picked.map((member) => {
    const weights = new Map<number, number>();
    for (const row of interest) {
      if (row.memberId !== member.memberId || row.productId === null) continue;
      weights.set(row.productId, (weights.get(row.productId) ?? 0) + (INTEREST[row.kind] ?? 0) * row._count._all);
    }
    const productId = [...weights.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? bestSeller;
    return { ...member, productId, offerId: offerOf.get(productId)! };
  });
}

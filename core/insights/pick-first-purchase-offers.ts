/**
 * Whom a first-purchase offer goes to, and for what: the members most likely to buy for the first time
 * (`firstPurchasePropensity`; at least `minProbability`, at most `top` of them), leaving out staff and those who
 * opted out of offers, each with the product they showed most interest in (course pages viewed, previews and lessons
 * opened) that is published, has an active offer and is not already theirs (a grant, a trial, a bundle), or the
 * best-selling such product when they showed none. It only picks: the daily messages job sends
 * (send-daily-nudges.ts, campaign `nudge-first-purchase`).
 *
 * @example const picks = await pickFirstPurchaseOffers(ctx, { minProbability: 0.2 }) // [{ memberId, probability, productId, offerId }]
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
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
  options: { top?: number; minProbability?: number; asOf?: Date },
): Promise<FirstPurchaseOffer[]> {
  const now = options.asOf ?? ctx.clock.now();
  const ranked = await firstPurchasePropensity(ctx, { asOf: now });
  const likely = ranked.members.filter((m) => m.probability >= (options.minProbability ?? 0));
  if (likely.length === 0) return [];
  const ids = likely.map((m) => m.memberId);
  const [reachable, held, sellable, sales] = await Promise.all([
    ctx.prisma.member.findMany({
      where: { id: { in: ids }, role: "MEMBER", marketingOptOut: false, erasedAt: null },
      select: { id: true },
    }),
    ctx.prisma.entitlement.findMany({
      where: { memberId: { in: ids }, ...activeEntitlementWhere(now) },
      select: {
        memberId: true,
        productId: true,
        product: { select: { bundleItems: { select: { productId: true } } } },
      },
    }),
    ctx.prisma.product.findMany({
      where: {
        published: true,
        offers: { some: { active: true, currency: { not: "xtr" } } },
        // A live session that has started is no longer something to take up.
        NOT: { kind: "LIVE_SESSION", startsAt: { lte: now } },
      },
      select: {
        id: true,
        offers: { where: { active: true, currency: { not: "xtr" } }, orderBy: { id: "asc" }, take: 1 },
      },
    }),
    ctx.prisma.order.groupBy({ by: ["productId"], where: { paidAt: { not: null } }, _count: { _all: true } }),
  ]);
  const allowed = new Set(reachable.map((m) => m.id));
  const holds = new Set<string>();
  for (const row of held) {
    holds.add(`${row.memberId}:${row.productId}`);
    for (const item of row.product.bundleItems) holds.add(`${row.memberId}:${item.productId}`);
  }
  const offerOf = new Map(sellable.map((p) => [p.id, p.offers[0]!.id]));
  if (offerOf.size === 0) return [];
  const bestSellers = [
    ...[...sales]
      .filter((s) => offerOf.has(s.productId))
      .sort((a, b) => b._count._all - a._count._all || a.productId - b.productId)
      .map((s) => s.productId),
    ...[...offerOf.keys()].sort((a, b) => a - b),
  ];
  const picked = likely.filter((m) => allowed.has(m.memberId)).slice(0, options.top ?? Number.POSITIVE_INFINITY);
  const interest = await ctx.prisma.activityEvent.groupBy({
    by: ["memberId", "productId", "kind"],
    where: {
      memberId: { in: picked.map((m) => m.memberId) },
      kind: { in: Object.keys(INTEREST) },
      productId: { in: [...offerOf.keys()] },
    },
    _count: { _all: true },
  });
  return picked.flatMap((member) => {
    const free = (productId: number) => !holds.has(`${member.memberId}:${productId}`);
    const weights = new Map<number, number>();
    for (const row of interest) {
      if (row.memberId !== member.memberId || row.productId === null || !free(row.productId)) continue;
      weights.set(row.productId, (weights.get(row.productId) ?? 0) + (INTEREST[row.kind] ?? 0) * row._count._all);
    }
    const productId =
      [...weights.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? bestSellers.find(free);
    return productId === undefined ? [] : [{ ...member, productId, offerId: offerOf.get(productId)! }];
  });
}

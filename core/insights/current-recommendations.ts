/**
 * A member's recommendations as /foryou shows them: the latest stored set, recomputed on the spot when there is none
 * yet or it is older than the staleness setting; checked again at reading time against the catalog and what the
 * member holds, so an item bought, unpublished or left without an offer since the daily run is never shown. Each
 * comes with its product (cached catalog: published items only) and the reason's named titles.
 *
 * @example const { items, titles } = await currentRecommendations(ctx, { memberId, catalogVersion })
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import { getProduct, type ProductWithOffers } from "../catalog/catalog.js";
import type { CoreContext } from "../context.js";
import { parseRecommendationReason, type RecommendationReason, reasonProductIds } from "./recommendation-reason.js";
import { recommendationSettings } from "./recommendation-settings.js";
import { refreshRecommendations } from "./refresh-recommendations.js";

export interface CurrentRecommendation {
  recommendationId: number;
  product: ProductWithOffers;
  reason: RecommendationReason;
}

export interface CurrentRecommendations {
  items: CurrentRecommendation[];
  /** Titles of the products the reasons name. */
  titles: Map<number, { titleEn: string; titleZh: string }>;
}

const HOUR_MS = 3_600_000;

export async function currentRecommendations(
  ctx: CoreContext,
  options: { memberId: number; catalogVersion?: bigint | null },
): Promise<CurrentRecommendations> {
  const settings = recommendationSettings(ctx);
  const now = ctx.clock.now();
  let stored = await latestSet(ctx, options.memberId);
  let refreshed = false;
  if (!stored.length || now.getTime() - stored[0]!.createdAt.getTime() > settings.staleHours * HOUR_MS) {
    await refreshRecommendations(ctx, { memberIds: [options.memberId] });
    stored = await latestSet(ctx, options.memberId);
    refreshed = true;
  }
  let items = await stillRecommendable(ctx, options, stored);
  // Everything stored went stale in between (bought, unpublished): once more from the current data.
  if (!items.length && stored.length && !refreshed) {
    await refreshRecommendations(ctx, { memberIds: [options.memberId] });
    items = await stillRecommendable(ctx, options, await latestSet(ctx, options.memberId));
  }
  const named = reasonProductIds(items.map((item) => item.reason));
  const titles = new Map(
    named.length
      ? (
          await ctx.prisma.product.findMany({
            where: { id: { in: named } },
            select: { id: true, titleEn: true, titleZh: true },
          })
        ).map((p) => [p.id, p] as const)
      : [],
  );
  return { items, titles };
}

/** The member's most recent stored set (rows written by one refresh share their createdAt), best first. */
async function latestSet(ctx: CoreContext, memberId: number) {
  const latest = await ctx.prisma.recommendation.findFirst({
    where: { memberId, variant: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { createdAt: true },
  });
  if (!latest) return [];
  return ctx.prisma.recommendation.findMany({
    where: { memberId, variant: null, createdAt: latest.createdAt },
    orderBy: { id: "asc" },
    select: { id: true, productId: true, reason: true, createdAt: true },
  });
}

/** The rows whose product is published, has an offer, and is not held by the member now (bundles included). */
async function stillRecommendable(
  ctx: CoreContext,
  options: { memberId: number; catalogVersion?: bigint | null },
  rows: { id: number; productId: number; reason: string }[],
): Promise<CurrentRecommendation[]> {
  if (!rows.length) return [];
  const held = await ctx.prisma.entitlement.findMany({
    where: { memberId: options.memberId, ...activeEntitlementWhere(ctx.clock.now()) },
    select: { productId: true, product: { select: { bundleItems: { select: { productId: true } } } } },
  });
  const owned = new Set(held.flatMap((e) => [e.productId, ...e.product.bundleItems.map((i) => i.productId)]));
  const items: CurrentRecommendation[] = [];
  for (const row of rows) {
    if (owned.has(row.productId)) continue;
    const product = await getProduct(ctx, row.productId, { version: options.catalogVersion });
    if (!product?.offers.length) continue;
    items.push({ recommendationId: row.id, product, reason: parseRecommendationReason(row.reason) });
  }
  return items;
}

/**
 * What the recommender learns from and what the product rules check, read from the product's own tables: purchases
 * and other access (entitlements; a refunded or disputed purchase says the member did not want it and is left out),
 * the activity log (lessons opened and completed, previews, live sessions joined, questions asked), reviews with
 * their stars; and the catalog: published items, whether each has an offer to take, the languages it is taught in,
 * its titles, summaries and tags in both languages (content similarity), and what each member holds now.
 *
 * @example const data = await loadRecommendationData(ctx); fitRecommender({ interactions: data.interactions, … })
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import type { CatalogEntry } from "./recommend-apply-product-rules.js";
import type { ItemDescription } from "./recommend-content-similarity.js";
import type { Interaction } from "./recommend-interaction-matrix.js";
import { type InteractionKind, interactionWeight } from "./recommend-interaction-weights.js";

/** Activity kinds the recommender reads, as interaction kinds (order_created is intent, not taste: left out). */
const ACTIVITY_INTERACTIONS: Readonly<Record<string, InteractionKind>> = {
  lesson_opened: "lesson_opened",
  lesson_completed: "lesson_completed",
  preview_opened: "preview_opened",
  live_joined: "live_joined",
  question_asked: "question_asked",
};

/** Activity older than this says little about today's taste (and keeps the daily read bounded). */
const ACTIVITY_DAYS = 365;
const DAY_MS = 86_400_000;

export interface RecommendationData {
  interactions: Interaction[];
  /** Every product, published or not: the rules decide; ids as strings like the matrix's. */
  catalog: Map<string, CatalogEntry>;
  /** Published products' texts and tags, for content similarity (a new course joins the matrix through these). */
  items: Map<string, ItemDescription>;
  /**
   * Every member who is not erased, with their language, what they hold now (bundles' courses included) and what
   * they previewed but never held (`lookedAt`).
   */
  members: Map<number, { locale: string; owned: Set<string>; lookedAt: Set<string> }>;
}

export async function loadRecommendationData(ctx: CoreContext): Promise<RecommendationData> {
  const now = ctx.clock.now();
  const [entitlements, activity, reviews, products, members, held, lessonLanguages] = await Promise.all([
    ctx.prisma.entitlement.findMany({
      where: { OR: [{ revokeReason: null }, { revokeReason: { notIn: ["REFUND", "DISPUTE"] } }] },
      select: { memberId: true, productId: true, startsAt: true },
    }),
    ctx.prisma.activityEvent.groupBy({
      by: ["memberId", "productId", "kind"],
      where: {
        productId: { not: null },
        kind: { in: Object.keys(ACTIVITY_INTERACTIONS) },
        occurredAt: { gte: new Date(now.getTime() - ACTIVITY_DAYS * DAY_MS), lte: now },
      },
      _count: { _all: true },
      _max: { occurredAt: true },
    }),
    ctx.prisma.review.findMany({ select: { memberId: true, productId: true, rating: true, createdAt: true } }),
    ctx.prisma.product.findMany({
      select: {
        id: true,
        kind: true,
        published: true,
        titleEn: true,
        titleZh: true,
        summaryEn: true,
        summaryZh: true,
        bodyEn: true,
        bodyZh: true,
        startsAt: true,
        offers: { where: { active: true }, select: { id: true } },
        tags: { select: { tag: { select: { slug: true, nameEn: true, nameZh: true } } } },
        bundleItems: { select: { productId: true } },
      },
    }),
    ctx.prisma.member.findMany({ where: { erasedAt: null }, select: { id: true, locale: true } }),
    ctx.prisma.entitlement.findMany({
      where: activeEntitlementWhere(now),
      select: { memberId: true, productId: true },
    }),
    // Which languages each course's published lessons are written in, without reading the lessons themselves.
    ctx.prisma.$queryRaw<{ productId: number; en: boolean; zh: boolean }[]>`
      SELECT "productId", bool_or(btrim("contentEn") <> '') AS "en", bool_or(btrim("contentZh") <> '') AS "zh"
      FROM "Lesson" WHERE "published" GROUP BY "productId"`,
  ]);
  const taughtIn = new Map(lessonLanguages.map((row) => [row.productId, row]));

  const interactions: Interaction[] = [];
  for (const e of entitlements) {
    interactions.push({
      memberId: String(e.memberId),
      itemId: String(e.productId),
      weight: interactionWeight({
        memberId: e.memberId,
        productId: e.productId,
        kind: "purchase",
        occurredAt: e.startsAt,
      }),
      occurredAt: e.startsAt.getTime(),
    });
  }
  for (const row of activity) {
    const kind = ACTIVITY_INTERACTIONS[row.kind];
    if (!kind || row.productId === null) continue;
    const at = row._max.occurredAt ?? now;
    const weight = interactionWeight({ memberId: row.memberId, productId: row.productId, kind, occurredAt: at });
    interactions.push({
      memberId: String(row.memberId),
      itemId: String(row.productId),
      weight: weight * row._count._all,
      occurredAt: at.getTime(),
    });
  }
  for (const r of reviews) {
    const weight = interactionWeight({
      memberId: r.memberId,
      productId: r.productId,
      kind: "review",
      rating: r.rating,
      occurredAt: r.createdAt,
    });
    interactions.push({
      memberId: String(r.memberId),
      itemId: String(r.productId),
      weight,
      occurredAt: r.createdAt.getTime(),
    });
  }

  const catalog = new Map<string, CatalogEntry>();
  const items = new Map<string, ItemDescription>();
  const bundleChildren = new Map<number, number[]>();
  for (const p of products) {
    bundleChildren.set(
      p.id,
      p.bundleItems.map((i) => i.productId),
    );
    // A live session that has started is no longer something to take up.
    const past = p.kind === "LIVE_SESSION" && p.startsAt !== null && p.startsAt <= now;
    catalog.set(String(p.id), {
      published: p.published,
      hasActiveOffer: p.offers.length > 0 && !past,
      languages: productLanguages(p, taughtIn.get(p.id)),
    });
    if (!p.published) continue;
    items.set(String(p.id), {
      texts: [p.titleEn, p.titleZh, p.summaryEn, p.summaryZh].filter((text) => text.trim()),
      tags: p.tags.flatMap(({ tag }) => [tag.slug]),
    });
  }

  const byMember = new Map<number, { locale: string; owned: Set<string>; lookedAt: Set<string> }>();
  for (const member of members) {
    byMember.set(member.id, { locale: member.locale, owned: new Set(), lookedAt: new Set() });
  }
  for (const row of activity) {
    if (row.kind === "preview_opened" && row.productId !== null)
      byMember.get(row.memberId)?.lookedAt.add(String(row.productId));
  }
  for (const e of entitlements) byMember.get(e.memberId)?.lookedAt.delete(String(e.productId));
  for (const e of held) {
    const owned = byMember.get(e.memberId)?.owned;
    if (!owned) continue;
    owned.add(String(e.productId));
    for (const child of bundleChildren.get(e.productId) ?? []) owned.add(String(child));
  }
  return { interactions, catalog, items, members: byMember };
}

/**
 * The languages an item is taught in: those its published lessons are written in, or, for an item without lessons
 * (an article, a live session), those its description is written in. An item with neither counts as both.
 */
function productLanguages(
  product: { bodyEn: string; bodyZh: string; summaryEn: string; summaryZh: string },
  lessons: { en: boolean; zh: boolean } | undefined,
): string[] {
  const languages: string[] = [];
  if (lessons) {
    if (lessons.en) languages.push("en");
    if (lessons.zh) languages.push("zh");
  } else {
    if ((product.bodyEn || product.summaryEn).trim()) languages.push("en");
    if ((product.bodyZh || product.summaryZh).trim()) languages.push("zh");
  }
  return languages.length ? languages : ["en", "zh"];
}

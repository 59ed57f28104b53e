/**
 * The daily recommendations: the recommender fitted on the community's own data (purchases, lessons, live sessions,
 * questions, reviews), each member's candidates through the product rules (never what they hold, only published
 * items with an offer, their language first, nothing messaged to them within the last days), and the best N stored
 * per member as Recommendation rows with a reason (a text key and ids, put into words when read).
 *
 * Idempotent: a member's set is rewritten in one transaction, under a lock, so two runs at once leave one set, never
 * two. An unchanged set keeps its rows (the ids that /foryou's buttons and messages carry), only re-dated; a changed
 * one replaces the old rows except clicked ones (history; campaign rows are never touched). `memberIds` refreshes
 * only those members (/foryou for a member with nothing stored yet, or a stale set).
 *
 * @example await refreshRecommendations(ctx) // the daily job; refreshRecommendations(ctx, { memberIds: [7] }) on demand
 */
import type { CoreContext } from "../context.js";
import { fitCommunityRecommender } from "./fit-community-recommender.js";
import { loadRecommendationData, type RecommendationData } from "./load-recommendation-data.js";
import {
  applyProductRules,
  type ProductRecommendation,
  type RecommendationCandidate,
} from "./recommend-apply-product-rules.js";
import type { Recommender } from "./recommend-fit-recommender.js";
import { scoreMember } from "./recommend-score-member.js";
import { encodeRecommendationReason } from "./recommendation-reason.js";
import { type RecommendationSettings, recommendationSettings } from "./recommendation-settings.js";

export interface RefreshRecommendationsReport {
  members: number;
  rows: number;
}

/** Members written per transaction. */
const CHUNK = 500;
const DAY_MS = 86_400_000;

export async function refreshRecommendations(
  ctx: CoreContext,
  options: { memberIds?: readonly number[] } = {},
): Promise<RefreshRecommendationsReport> {
  const settings = recommendationSettings(ctx);
  const now = ctx.clock.now();
  const data = await loadRecommendationData(ctx);
  const recommender = fitCommunityRecommender({ data, now, cacheKey: ctx.prisma });
  const targets = options.memberIds ? options.memberIds.filter((id) => data.members.has(id)) : [...data.members.keys()];
  if (!targets.length) return { members: 0, rows: 0 };
  // What each member was messaged lately: not recommended again so soon.
  const messaged = await ctx.prisma.recommendation.findMany({
    where: {
      sentAt: { gte: new Date(now.getTime() - settings.repeatAfterDays * DAY_MS) },
      ...(options.memberIds ? { memberId: { in: targets } } : {}),
    },
    select: { memberId: true, productId: true, sentAt: true },
  });
  const lastShown = new Map<number, Map<string, Date>>();
  for (const row of messaged) {
    const shown = lastShown.get(row.memberId) ?? new Map<string, Date>();
    const at = shown.get(String(row.productId));
    if (!at || (row.sentAt && row.sentAt > at)) shown.set(String(row.productId), row.sentAt!);
    lastShown.set(row.memberId, shown);
  }
  const popular = popularCandidates(recommender);
  let rows = 0;
  for (let start = 0; start < targets.length; start += CHUNK) {
    const chunk = targets.slice(start, start + CHUNK);
    const batch = chunk.flatMap((memberId) =>
      rankForMember({ recommender, data, memberId, lastShown: lastShown.get(memberId), popular, settings, now }).map(
        (recommendation) => ({
          memberId,
          productId: Number(recommendation.itemId),
          score: Number.isFinite(recommendation.score) ? recommendation.score : 0,
          reason: encodeRecommendationReason(
            recommendation.lookedAt
              ? { key: "lookedAt" }
              : recommendation.becauseItemId
                ? { key: "because", productId: Number(recommendation.becauseItemId) }
                : { key: "popular" },
          ),
          createdAt: now,
        }),
      ),
    );
    await ctx.prisma.$transaction(async (tx) => {
      // Two refreshes at once (two workers, the job and a /foryou) must not both insert after both deleted.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('recommendations.refresh'))`;
      const existing = await tx.recommendation.findMany({
        where: { memberId: { in: chunk }, variant: null },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        select: { id: true, memberId: true, productId: true, reason: true, createdAt: true },
      });
      const unchanged = unchangedMembers(existing, batch);
      // An unchanged set keeps its rows (and so the ids its buttons carry), only dated now; the rest is replaced.
      if (unchanged.size) {
        await tx.recommendation.updateMany({
          where: {
            id: { in: existing.filter((r) => unchanged.get(r.memberId) === r.createdAt.getTime()).map((r) => r.id) },
          },
          data: { createdAt: now },
        });
      }
      const changed = chunk.filter((memberId) => !unchanged.has(memberId));
      if (changed.length) {
        await tx.recommendation.deleteMany({ where: { memberId: { in: changed }, variant: null, clickedAt: null } });
        const fresh = batch.filter((row) => !unchanged.has(row.memberId));
        if (fresh.length) await tx.recommendation.createMany({ data: fresh });
      }
    });
    rows += batch.length;
  }
  return { members: targets.length, rows };
}

/** At most this many items the member looked at without holding them lead their list. */
export const LOOKED_AT_FIRST = 2;

/**
 * One member's final recommendations through the rules: first what they previewed and never held (the model never
 * proposes an item the member already has a signal on), most looked at first, then the model's candidates
 * (popularity for a newcomer).
 */
export function rankForMember(options: {
  recommender: Recommender;
  data: RecommendationData;
  memberId: number;
  lastShown: ReadonlyMap<string, Date> | undefined;
  popular: readonly RecommendationCandidate[];
  settings: RecommendationSettings;
  now: Date;
}): ProductRecommendation[] {
  const { recommender, data, settings } = options;
  const member = data.members.get(options.memberId);
  if (!member) return [];
  const { matrix } = recommender;
  const u = matrix.memberIndex.get(String(options.memberId));
  // Enough candidates that the rules (owned, unpublished, no offer, messaged lately) still leave N.
  const k = settings.perMember + member.owned.size + 20;
  let candidates: RecommendationCandidate[];
  if (u === undefined) candidates = [...options.popular];
  else {
    const start = matrix.rows.starts[u]!;
    const end = matrix.rows.starts[u + 1]!;
    const lookedAt: RecommendationCandidate[] = [];
    for (let e = start; e < end; e += 1) {
      const itemId = matrix.itemIds[matrix.rows.columns[e]!]!;
      if (member.lookedAt.has(itemId) && !member.owned.has(itemId)) {
        lookedAt.push({ itemId, score: matrix.rows.values[e]!, becauseItemId: null, lookedAt: true });
      }
    }
    lookedAt.sort((a, b) => b.score - a.score);
    candidates = lookedAt.slice(0, LOOKED_AT_FIRST);
    candidates.push(
      ...scoreMember({
        recommender,
        items: matrix.rows.columns.subarray(start, end),
        values: matrix.rows.values.subarray(start, end),
        k,
      }).map((entry) => ({
        itemId: matrix.itemIds[entry.item]!,
        score: entry.score,
        becauseItemId: entry.because === null ? null : matrix.itemIds[entry.because]!,
      })),
    );
    // Past the model's own candidates, the popular ones: a member whose every neighbour is owned still gets some.
    candidates.push(...options.popular);
  }
  return applyProductRules({
    candidates,
    member: { ownedItemIds: member.owned, language: member.locale, lastShownAt: options.lastShown ?? new Map() },
    catalog: data.catalog,
    now: options.now,
    k: settings.perMember,
    repeatAfterDays: settings.repeatAfterDays,
  });
}

/** Every item by how many members took it (a newcomer's list), most first; ties in catalog order. */
function popularCandidates(recommender: Recommender): RecommendationCandidate[] {
  const { itemIds } = recommender.matrix;
  return itemIds
    .map((itemId, index) => ({ itemId, index, count: recommender.itemCounts[index]! }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .map((entry) => ({ itemId: entry.itemId, score: recommender.popularity[entry.index]!, becauseItemId: null }));
}

/**
 * Members whose latest stored set is exactly the new one (same products, order and reasons), with that set's
 * createdAt (ms): their rows stay as they are.
 */
function unchangedMembers(
  existing: readonly { memberId: number; productId: number; reason: string; createdAt: Date }[],
  fresh: readonly { memberId: number; productId: number; reason: string }[],
): Map<number, number> {
  const latest = new Map<number, { at: number; keys: string[] }>();
  for (const row of existing) {
    const at = row.createdAt.getTime();
    const set = latest.get(row.memberId) ?? { at, keys: [] };
    if (at === set.at) set.keys.push(`${row.productId} ${row.reason}`);
    latest.set(row.memberId, set);
  }
  const wanted = new Map<number, string[]>();
  for (const row of fresh)
    wanted.set(row.memberId, [...(wanted.get(row.memberId) ?? []), `${row.productId} ${row.reason}`]);
  const out = new Map<number, number>();
  for (const [memberId, set] of latest) {
    const keys = wanted.get(memberId) ?? [];
    if (keys.length && keys.join("\n") === set.keys.join("\n")) out.set(memberId, set.at);
  }
  return out;
}

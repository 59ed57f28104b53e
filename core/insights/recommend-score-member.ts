/**
 * One member's recommendations from a fitted recommender: the item model's scores, blended with content similarity
 * (weighted towards items with few interactions, so a new course can surface) and popularity (weighted towards
 * members with few interactions, so a newcomer gets something sensible), the member's own items excluded, the best
 * k with the item that contributed most as the reason.
 *
 * @example scoreMember({ recommender, items: [3, 9], values: [1, 1], k: 10 })
 */
import type { Recommender } from "./recommend-fit-recommender.js";
import { topIndexes } from "./recommend-top-indexes.js";

/** A recommended item (matrix index) and why. */
export interface ScoredItem {
  item: number;
  score: number;
  /** The member's item that pushed this one most (matrix index), or null when popularity alone placed it. */
  because: number | null;
}

export interface ScoreMemberOptions {
  recommender: Recommender;
  /** The member's items (matrix indexes) and cell values, as in the matrix. */
  items: ArrayLike<number>;
  values: ArrayLike<number>;
  k: number;
  /** Items that may be recommended (default: all); the member's own items are excluded either way. */
  allowed?: (item: number) => boolean;
  /** Scratch arrays of the catalog's length, reused across members to spare allocations. */
  scratch?: { model: Float64Array; content: Float64Array };
  /** Skip the reasons (evaluation does not need them). */
  withoutReasons?: boolean;
}

/** The final blended score of every item for one member (owned items −Infinity). */
export function blendScores(options: ScoreMemberOptions): Float64Array {
  const { recommender, items, values } = options;
  const m = recommender.matrix.itemIds.length;
  const modelScores = options.scratch?.model ?? new Float64Array(m);
  modelScores.fill(0);
  recommender.model.scoreInto(items, values, modelScores);
  const { contentWeight, popularityWeight } = recommender.settings;
  const content = recommender.content;
  // Scale-free blending: each part divided by its largest value for this member (unneeded with nothing to blend,
  // and skipped then: at 100,000 members every pass over the catalog counts).
  if ((content && contentWeight > 0) || popularityWeight > 0) {
    const modelScale = 1 / (maxAbsolute(modelScores) || 1);
    for (let j = 0; j < m; j += 1) modelScores[j]! *= modelScale;
  }
  if (content && contentWeight > 0) {
    const contentScores = options.scratch?.content ?? new Float64Array(m);
    contentScores.fill(0);
    for (let a = 0; a < items.length; a += 1) {
      const i = items[a]!;
      for (let e = content.starts[i]!; e < content.starts[i + 1]!; e += 1) {
        contentScores[content.columns[e]!]! += values[a]! * content.values[e]!;
      }
    }
    const contentScale = contentWeight / (maxAbsolute(contentScores) || 1);
    // An item with the catalog's mean count gets half the content weight; a new item the full weight.
    const half = recommender.meanItemCount || 1;
    for (let j = 0; j < m; j += 1) {
      if (contentScores[j] === 0) continue;
      modelScores[j]! += contentScale * contentScores[j]! * (half / (half + recommender.itemCounts[j]!));
    }
  }
  if (popularityWeight > 0) {
    const half = recommender.meanMemberCount || 1;
    const weight = popularityWeight * (half / (half + items.length));
    for (let j = 0; j < m; j += 1) modelScores[j]! += weight * recommender.popularity[j]!;
  }
  for (let a = 0; a < items.length; a += 1) modelScores[items[a]!] = Number.NEGATIVE_INFINITY;
  if (options.allowed) {
    for (let j = 0; j < m; j += 1) if (!options.allowed(j)) modelScores[j] = Number.NEGATIVE_INFINITY;
  }
  return modelScores;
}

/** The member's best k items with a reason each. */
export function scoreMember(options: ScoreMemberOptions): ScoredItem[] {
  const scores = blendScores(options);
  const { recommender, items, values } = options;
  return topIndexes(scores, options.k).map((item) => ({
    item,
    score: scores[item]!,
    because: options.withoutReasons ? null : strongestContributor(recommender, items, values, item),
  }));
}

/** The member's item with the largest positive push towards `target` (item model first, then content). */
export function strongestContributor(
  recommender: Recommender,
  items: ArrayLike<number>,
  values: ArrayLike<number>,
  target: number,
): number | null {
  let best: number | null = null;
  let bestWeight = 0;
  for (let a = 0; a < items.length; a += 1) {
    const push = values[a]! * recommender.model.weight(items[a]!, target);
    if (push > bestWeight) {
      bestWeight = push;
      best = items[a]!;
    }
  }
  if (best !== null || !recommender.content) return best;
  const content = recommender.content;
  for (let a = 0; a < items.length; a += 1) {
    const i = items[a]!;
    for (let e = content.starts[i]!; e < content.starts[i + 1]!; e += 1) {
      if (content.columns[e] !== target) continue;
      const push = values[a]! * content.values[e]!;
      if (push > bestWeight) {
        bestWeight = push;
        best = i;
      }
    }
  }
  return best;
}

function maxAbsolute(values: Float64Array): number {
  let max = 0;
  for (let j = 0; j < values.length; j += 1) {
    const v = Math.abs(values[j]!);
    if (v > max && Number.isFinite(v)) max = v;
  }
  return max;
}

/**
 * The product's rules over a member's ranked candidates, applied after the model so the model never has to know
 * them: never what the member owns, only published items with an active offer, nothing shown to the member within
 * the last N days, items in the member's language before the others (the model's order kept within each group),
 * and a reason with each one.
 *
 * @example applyProductRules({ candidates, member, catalog, now, k: 3 })
 */

/** A model's candidate, best first in the array it comes in. */
export interface RecommendationCandidate {
  itemId: string;
  score: number;
  /** The member's item that contributed most ("because you took …"). */
  becauseItemId: string | null;
  /** The member looked at this item (a preview, a lesson page) without holding it ("you have been looking at it"). */
  lookedAt?: boolean;
}

/** What the rules need to know about an item. */
export interface CatalogEntry {
  published: boolean;
  /** At least one active offer (something the member could buy or join). */
  hasActiveOffer: boolean;
  /** Languages the item is taught in, e.g. ["en"] or ["en", "zh"]. */
  languages: readonly string[];
}

export interface MemberContext {
  /** Items the member owns or has access to. */
  ownedItemIds: ReadonlySet<string>;
  language: string;
  /** When each item was last recommended to the member. */
  lastShownAt: ReadonlyMap<string, Date>;
}

export interface ApplyProductRulesOptions {
  candidates: readonly RecommendationCandidate[];
  member: MemberContext;
  catalog: ReadonlyMap<string, CatalogEntry>;
  now: Date;
  k: number;
  /** An item shown within this many days is not shown again (default 14). */
  repeatAfterDays?: number;
}

export interface ProductRecommendation extends RecommendationCandidate {
  rank: number;
  /** True when the item is taught in the member's language. */
  inMemberLanguage: boolean;
}

export const DEFAULT_REPEAT_AFTER_DAYS = 14;
const DAY_MS = 86_400_000;

/** The member's final recommendations, at most k, ranked 1…k. */
export function applyProductRules(options: ApplyProductRulesOptions): ProductRecommendation[] {
  const { member, catalog, now } = options;
  const repeatAfterMs = (options.repeatAfterDays ?? DEFAULT_REPEAT_AFTER_DAYS) * DAY_MS;
  const seen = new Set<string>();
  const eligible: { candidate: RecommendationCandidate; inMemberLanguage: boolean; order: number }[] = [];
  options.candidates.forEach((candidate, order) => {
    if (seen.has(candidate.itemId)) return;
    seen.add(candidate.itemId);
    if (member.ownedItemIds.has(candidate.itemId)) return;
    const entry = catalog.get(candidate.itemId);
    if (!entry?.published || !entry.hasActiveOffer) return;
    const shownAt = member.lastShownAt.get(candidate.itemId);
    if (shownAt && now.getTime() - shownAt.getTime() < repeatAfterMs) return;
    // A reason must name something the member has: one that does not is dropped rather than shown wrong.
    const because =
      candidate.becauseItemId !== null && member.ownedItemIds.has(candidate.becauseItemId)
        ? candidate.becauseItemId
        : null;
    eligible.push({
      candidate: { ...candidate, becauseItemId: because },
      inMemberLanguage: entry.languages.includes(member.language),
      order,
    });
  });
  eligible.sort((a, b) => Number(b.inMemberLanguage) - Number(a.inMemberLanguage) || a.order - b.order);
  return eligible.slice(0, options.k).map((entry, index) => ({
    ...entry.candidate,
    rank: index + 1,
    inMemberLanguage: entry.inMemberLanguage,
  }));
}

/**
 * Why a member is shown an item, stored on the Recommendation row as a text key with ids (JSON in `reason`) and put
 * into words only when it is read, in the reader's language and with the titles as they are then: a member who
 * switches to Chinese, or a course renamed since, reads it right.
 *
 * @example describeRecommendationReason("zh", parseRecommendationReason(row.reason), titles) // "因为你学过《…》"
 */
import { z } from "zod";
import { type LocaleCode, localized, messages } from "../i18n/index.js";

export const RecommendationReasonSchema = z.discriminatedUnion("key", [
  /** The member's own item that pushed this one most (the item model, or content similarity for a new course). */
  z.object({ key: z.literal("because"), productId: z.number().int().positive() }),
  /** Nothing of the member's explains it: what many members take (a newcomer's start). */
  z.object({ key: z.literal("popular") }),
  /** A retention nudge: the next lesson the member has not done in a course they hold. */
  z.object({ key: z.literal("nextLesson"), number: z.number().int().positive() }),
  /** A first-purchase offer: the course the member looked at most without buying it. */
  z.object({ key: z.literal("lookedAt") }),
]);

export type RecommendationReason = z.infer<typeof RecommendationReasonSchema>;

/** The reason as stored in `Recommendation.reason`. */
export function encodeRecommendationReason(reason: RecommendationReason): string {
  return JSON.stringify(reason);
}

/** The stored reason; an unreadable one (hand-edited, an older format) reads as "popular" rather than failing. */
export function parseRecommendationReason(text: string): RecommendationReason {
  try {
    const parsed = RecommendationReasonSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { key: "popular" };
}

/** Product ids a reason names (to load their titles in one query). */
export function reasonProductIds(reasons: readonly RecommendationReason[]): number[] {
  return [...new Set(reasons.flatMap((reason) => (reason.key === "because" ? [reason.productId] : [])))];
}

/**
 * The reason in words. `titles` holds the products a reason may name; one missing (deleted since) falls back to
 * "popular" rather than naming nothing.
 */
export function describeRecommendationReason(
  locale: LocaleCode,
  reason: RecommendationReason,
  titles: ReadonlyMap<number, { titleEn: string; titleZh: string }>,
): string {
  const m = messages(locale).insights;
  if (reason.key === "because") {
    const product = titles.get(reason.productId);
    if (product) return m.reasonBecause({ title: localized(locale, product.titleEn, product.titleZh) });
    return m.reasonPopular;
  }
  if (reason.key === "nextLesson") return m.reasonNextLesson({ number: reason.number });
  if (reason.key === "lookedAt") return m.reasonLookedAt;
  return m.reasonPopular;
}

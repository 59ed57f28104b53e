/**
 * A member tapped a recommendation (in /foryou or in a message): the first tap is recorded on the row (`clickedAt`).
 * The button names both the row and its product, and the tap counts only when the row is the member's own and is
 * about that product, so a tampered button records nothing (and shows at most a course anyone may browse).
 *
 * @example const row = await recordRecommendationClick(ctx, { memberId, recommendationId: 12, productId: 3 })
 */
import type { CoreContext } from "../context.js";
import { parseRecommendationReason, type RecommendationReason } from "./recommendation-reason.js";

/** The member's row (clicked now or before), or null when the button does not name one of theirs. */
export async function recordRecommendationClick(
  ctx: CoreContext,
  options: { memberId: number; recommendationId: number; productId: number },
): Promise<{ id: number; productId: number; reason: RecommendationReason } | null> {
  const where = { id: options.recommendationId, memberId: options.memberId, productId: options.productId };
  // Only the first tap sets the time: the click-through rate counts rows, not taps.
  await ctx.prisma.recommendation.updateMany({
    where: { ...where, clickedAt: null },
    data: { clickedAt: ctx.clock.now() },
  });
  const row = await ctx.prisma.recommendation.findFirst({ where, select: { id: true, productId: true, reason: true } });
  return row && { id: row.id, productId: row.productId, reason: parseRecommendationReason(row.reason) };
}

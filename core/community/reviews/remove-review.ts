/**
 * A member removes their review of a product. The helpful votes it had go with it, and so do the points those votes
 * earned (the reputation ledger takes them back), so posting and removing never leaves points without their source.
 *
 * @example const removed = await removeReview(ctx, { memberId, course: "sql-basics" })
 */
import { kickOutbox } from "../../access/outbox.js";
import type { CoreContext } from "../../context.js";
import { communitySettings } from "../community-settings.js";
import { revokeReputationByPrefix } from "../reputation/award-reputation.js";
import { findReviewableProduct, type ReviewableProduct } from "./review-eligibility.js";

export type RemoveReviewResult =
  | { ok: true; product: ReviewableProduct }
  | { ok: false; reason: "NOT_FOUND" | "NO_REVIEW"; product?: ReviewableProduct };

export async function removeReview(
  ctx: CoreContext,
  options: { memberId: number; course: number | string },
): Promise<RemoveReviewResult> {
  const product = await findReviewableProduct(ctx, options.course);
  if (!product) return { ok: false, reason: "NOT_FOUND" };
  const { helperReputation } = communitySettings(ctx);
  const removed = await ctx.prisma.$transaction(async (tx) => {
    const review = await tx.review.findUnique({
      where: { memberId_productId: { memberId: options.memberId, productId: product.id } },
      select: { id: true },
    });
    if (!review) return false;
    const deleted = await tx.review.deleteMany({ where: { id: review.id } });
    if (deleted.count === 0) return false;
    await revokeReputationByPrefix(tx, { prefix: `vote:review:${review.id}:`, helperReputation });
    // A review waiting for a moderator that its author removed leaves the queue: there is nothing left to decide.
    await tx.moderationCase.updateMany({
      where: { target: "REVIEW", targetId: review.id, status: "PENDING" },
      data: { status: "REMOVED", decidedAt: ctx.clock.now() },
    });
    return true;
  });
  if (removed) await kickOutbox(ctx);
  return removed ? { ok: true, product } : { ok: false, reason: "NO_REVIEW", product };
}

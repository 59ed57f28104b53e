/**
 * "Helpful" on a review: one per member and review, never on one's own (linked accounts are one member), never on a
 * hidden review. The review's helpfulCount counts the votes; the author earns reputation within the voter's daily
 * cap (award-vote-points.ts). Pressing it again changes nothing.
 *
 * @example const result = await voteReviewHelpful(ctx, { memberId, reviewId: 4 })
 */
import { kickOutbox } from "../../access/outbox.js";
import type { CoreContext } from "../../context.js";
import { REPUTATION_POINTS } from "../community-settings.js";
import { awardVotePoints } from "../reputation/award-vote-points.js";

export type VoteReviewResult =
  | { ok: true; helpful: number; counted: boolean }
  | { ok: false; reason: "NOT_FOUND" | "OWN_REVIEW" };

export async function voteReviewHelpful(
  ctx: CoreContext,
  options: { memberId: number; reviewId: number },
): Promise<VoteReviewResult> {
  const review = await ctx.prisma.review.findUnique({
    where: { id: options.reviewId },
    select: { id: true, memberId: true, hiddenAt: true },
  });
  if (!review || review.hiddenAt) return { ok: false, reason: "NOT_FOUND" };
  if (review.memberId === options.memberId) return { ok: false, reason: "OWN_REVIEW" };
  const result = await ctx.prisma.$transaction(async (tx) => {
    // INSERT … ON CONFLICT DO NOTHING: a repeated or concurrent press counts once.
    const inserted = await tx.reviewVote.createMany({
      data: [{ reviewId: review.id, memberId: options.memberId, createdAt: ctx.clock.now() }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) {
      const current = await tx.review.findUniqueOrThrow({ where: { id: review.id }, select: { helpfulCount: true } });
      return { helpful: current.helpfulCount, counted: false };
    }
    const updated = await tx.review.update({
      where: { id: review.id },
      data: { helpfulCount: { increment: 1 } },
      select: { helpfulCount: true },
    });
    await awardVotePoints(ctx, tx, {
      kind: "review",
      targetId: review.id,
      voterId: options.memberId,
      authorId: review.memberId,
      points: REPUTATION_POINTS.helpfulReview,
      reason: "helpful-review",
    });
    return { helpful: updated.helpfulCount, counted: true };
  });
  if (result.counted) await kickOutbox(ctx);
  return { ok: true, ...result };
}

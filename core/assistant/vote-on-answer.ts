/**
 * A member marks an answer Helpful or Not helpful: one vote per member and answer, changed by voting again. The counts
 * come back so the member sees where it stands; the unanswered sweep reads them (an answer voted down more than up
 * leaves its question open for the creator). Helpful gives the author reputation (award-vote-points.ts: not for
 * one's own answer, not for the helper's, within the voter's daily cap); changing it to Not helpful takes it back.
 */
import { kickOutbox } from "../access/outbox.js";
import { REPUTATION_POINTS } from "../community/community-settings.js";
import { awardVotePoints, revokeVotePoints } from "../community/reputation/award-vote-points.js";
import type { CoreContext } from "../context.js";

export type VoteOnAnswerResult = { ok: true; helpful: number; notHelpful: number } | { ok: false; reason: "NOT_FOUND" };

/**
 * @example const counts = await voteOnAnswer(ctx, { memberId, answerId: 9, helpful: true })
 */
export async function voteOnAnswer(
  ctx: CoreContext,
  options: { memberId: number; answerId: number; helpful: boolean },
): Promise<VoteOnAnswerResult> {
  const answer = await ctx.prisma.answer.findUnique({
    where: { id: options.answerId },
    select: { state: true, flaggedReason: true, authorId: true, fromHelper: true },
  });
  // Drafts and rejected or flagged answers were never shown to members: nothing there to vote on.
  if (answer?.state !== "POSTED" || answer.flaggedReason) return { ok: false, reason: "NOT_FOUND" };
  const key = { answerId: options.answerId, memberId: options.memberId };
  const target = { kind: "answer" as const, targetId: options.answerId, voterId: options.memberId };
  await ctx.prisma.$transaction(async (tx) => {
    await tx.answerVote.upsert({
      where: { answerId_memberId: key },
      create: { ...key, helpful: options.helpful },
      update: { helpful: options.helpful },
    });
    if (!options.helpful) await revokeVotePoints(ctx, tx, target);
    else {
      const authorId = answer.fromHelper ? null : answer.authorId;
      const points = REPUTATION_POINTS.helpfulAnswer;
      await awardVotePoints(ctx, tx, { ...target, authorId, points, reason: "helpful-answer" });
    }
  });
  await kickOutbox(ctx);
  const counts = await ctx.prisma.answerVote.groupBy({
    by: ["helpful"],
    where: { answerId: options.answerId },
    _count: { _all: true },
  });
  const count = (helpful: boolean) => counts.find((row) => row.helpful === helpful)?._count._all ?? 0;
  return { ok: true, helpful: count(true), notHelpful: count(false) };
}

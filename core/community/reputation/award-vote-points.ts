/**
 * Points for a helpful vote (on an answer, on a review), with the rules that keep reputation honest: nothing for a
 * vote on one's own content (linked accounts are one member, so a vote between them is a self-vote too), nothing for
 * the answer helper's own answers (no author), and at most `dailyVotePoints` points handed out by one voter within
 * 24 hours, so a flood of votes from one account earns nobody anything past the cap. The voter is part of every vote
 * event's key (`…:by:<voter>`), which is how the cap and a later account link find them.
 */
import type { CoreContext, Transaction } from "../../context.js";
import { communitySettings } from "../community-settings.js";
import { awardReputation, revokeReputation } from "./award-reputation.js";

export interface VotePoints {
  /** `answer` or `review`, and its id: the key is `vote:<kind>:<id>:by:<voter>`. */
  kind: "answer" | "review";
  targetId: number;
  voterId: number;
  /** Who wrote the voted content; null for the helper's answers. */
  authorId: number | null;
  points: number;
  reason: string;
}

export function voteSourceKey(kind: "answer" | "review", targetId: number, voterId: number): string {
  return `vote:${kind}:${targetId}:by:${voterId}`;
}

const DAY_MS = 86_400_000;

/**
 * Awards the vote's points when the rules allow; returns whether points were given.
 *
 * @example await awardVotePoints(ctx, tx, { kind: "answer", targetId: 9, voterId, authorId, points: 2, reason: "helpful-answer" })
 */
export async function awardVotePoints(ctx: CoreContext, tx: Transaction, vote: VotePoints): Promise<boolean> {
  if (vote.authorId === null || vote.authorId === vote.voterId) return false;
  const settings = communitySettings(ctx);
  const now = ctx.clock.now();
  if (settings.dailyVotePoints > 0) {
    // The voter's row is the lock: two votes at once by one voter are counted one after the other. The author's row
    // (updated below) is locked with it, in id order, so two members voting for each other cannot deadlock.
    await tx.$queryRaw`
      SELECT "id" FROM "Member" WHERE "id" IN (${vote.voterId}, ${vote.authorId}) ORDER BY "id" FOR UPDATE`;
    const given = await tx.reputationEvent.aggregate({
      where: { sourceKey: { endsWith: `:by:${vote.voterId}` }, createdAt: { gt: new Date(now.getTime() - DAY_MS) } },
      _sum: { points: true },
    });
    if ((given._sum.points ?? 0) + vote.points > settings.dailyVotePoints) {
      ctx.log.info({ voterId: vote.voterId }, "vote points over the daily cap: none given");
      return false;
    }
  }
  return awardReputation(tx, {
    memberId: vote.authorId,
    points: vote.points,
    reason: vote.reason,
    sourceKey: voteSourceKey(vote.kind, vote.targetId, vote.voterId),
    helperReputation: settings.helperReputation,
    at: now,
  });
}

/** Takes back what a vote gave (the vote changed to Not helpful, or went away). */
export async function revokeVotePoints(
  ctx: CoreContext,
  tx: Transaction,
  vote: { kind: "answer" | "review"; targetId: number; voterId: number },
): Promise<boolean> {
  return revokeReputation(tx, {
    sourceKey: voteSourceKey(vote.kind, vote.targetId, vote.voterId),
    helperReputation: communitySettings(ctx).helperReputation,
  });
}

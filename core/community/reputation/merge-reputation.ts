/**
 * Two accounts linked into one member (link-accounts.ts): the source member's reviews, helpful votes and reputation
 * events move to the target before the source is deleted. One review per member and product: where both reviewed the
 * same product the newer review stays. One vote per member and review: the target's stands. Points one of them gave
 * the other are now a self-vote and are taken back, and the target's reputation is set to the sum of its events, so
 * the ledger rule holds after the merge.
 */
import { addToOutbox } from "../../access/outbox.js";
import type { Transaction } from "../../context.js";
import { revokeReputation, syncHelperLevel } from "./award-reputation.js";

/**
 * @example await mergeReputation(tx, { into: 3, from: 8, helperReputation: 50 })
 */
export async function mergeReputation(
  tx: Transaction,
  options: { into: number; from: number; helperReputation: number },
): Promise<void> {
  const { into, from, helperReputation } = options;
  // Reviews: the newer of two reviews of the same product stays.
  const [mine, theirs] = await Promise.all([
    tx.review.findMany({ where: { memberId: into }, select: { id: true, productId: true, updatedAt: true } }),
    tx.review.findMany({ where: { memberId: from }, select: { id: true, productId: true, updatedAt: true } }),
  ]);
  const dropped: number[] = [];
  for (const source of theirs) {
    const target = mine.find((r) => r.productId === source.productId);
    if (!target) continue;
    dropped.push(source.updatedAt > target.updatedAt ? target.id : source.id);
  }
  for (const reviewId of dropped) {
    const events = await tx.reputationEvent.findMany({
      where: { sourceKey: { startsWith: `vote:review:${reviewId}:` } },
      select: { sourceKey: true },
    });
    for (const event of events) await revokeReputation(tx, { sourceKey: event.sourceKey, helperReputation });
  }
  await tx.review.deleteMany({ where: { id: { in: dropped } } });
  await tx.review.updateMany({ where: { memberId: from }, data: { memberId: into } });
  // Review votes: where both voted on the same review, the target's vote stands (the count loses the duplicate).
  const voted = (await tx.reviewVote.findMany({ where: { memberId: into }, select: { reviewId: true } })).map(
    (v) => v.reviewId,
  );
  const duplicates = await tx.reviewVote.findMany({
    where: { memberId: from, reviewId: { in: voted } },
    select: { reviewId: true },
  });
  for (const vote of duplicates) {
    await tx.reviewVote.delete({ where: { reviewId_memberId: { reviewId: vote.reviewId, memberId: from } } });
    await tx.review.update({ where: { id: vote.reviewId }, data: { helpfulCount: { decrement: 1 } } });
    await revokeReputation(tx, { sourceKey: `vote:review:${vote.reviewId}:by:${from}`, helperReputation });
  }
  // A vote on one's own review is not a vote: after the link, their votes on each other's reviews go.
  const ownReviews = await tx.review.findMany({ where: { memberId: into }, select: { id: true } });
  const ownIds = ownReviews.map((r) => r.id);
  const selfVotes = await tx.reviewVote.findMany({
    where: { reviewId: { in: ownIds }, memberId: { in: [into, from] } },
    select: { reviewId: true, memberId: true },
  });
  for (const vote of selfVotes) {
    await tx.reviewVote.delete({ where: { reviewId_memberId: vote } });
    await tx.review.update({ where: { id: vote.reviewId }, data: { helpfulCount: { decrement: 1 } } });
  }
  await tx.reviewVote.updateMany({ where: { memberId: from }, data: { memberId: into } });
  // Answer votes where both voted on the same answer: the target's stands (link-accounts.ts drops the other), and
  // so do only its points.
  const answered = (await tx.answerVote.findMany({ where: { memberId: into }, select: { answerId: true } })).map(
    (v) => v.answerId,
  );
  for (const answerId of answered) {
    await revokeReputation(tx, { sourceKey: `vote:answer:${answerId}:by:${from}`, helperReputation });
  }
  // Reputation events: moved, then those that are now between the member and themselves removed: votes by either
  // account, and an accepted answer to a question either of them asked.
  const accepted = await tx.reputationEvent.findMany({
    where: { memberId: { in: [into, from] }, sourceKey: { startsWith: "accept:" } },
    select: { id: true, sourceKey: true },
  });
  const askedByThem = await tx.question.findMany({
    where: {
      id: { in: accepted.map((e) => Number(e.sourceKey.slice("accept:".length))) },
      memberId: { in: [into, from] },
    },
    select: { id: true },
  });
  const selfAccepted = accepted.filter((e) => askedByThem.some((q) => e.sourceKey === `accept:${q.id}`));
  await tx.reputationEvent.deleteMany({ where: { id: { in: selfAccepted.map((e) => e.id) } } });
  // Reputation events: moved, then those that are now between the member and themselves removed.
  await tx.reputationEvent.updateMany({ where: { memberId: from }, data: { memberId: into } });
  await tx.reputationEvent.deleteMany({
    where: {
      memberId: into,
      OR: [{ sourceKey: { endsWith: `:by:${into}` } }, { sourceKey: { endsWith: `:by:${from}` } }],
    },
  });
  const sum = await tx.reputationEvent.aggregate({ where: { memberId: into }, _sum: { points: true } });
  await tx.member.update({ where: { id: into }, data: { reputation: sum._sum.points ?? 0 } });
  // Points the source gave others stay theirs; the source member itself is deleted by the caller.
  await tx.member.update({ where: { id: from }, data: { reputation: 0, helperSince: null } });
  await syncHelperLevel(tx, into, helperReputation);
  // The moved accounts get (or lose) the badge the merged member's level says.
  await addToOutbox(tx, { kind: "community.helper-badge", memberId: into });
}

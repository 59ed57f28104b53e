/**
 * Reputation is a ledger: every point a member holds is a ReputationEvent with a unique `sourceKey` (what earned it:
 * `accept:<question>`, `vote:answer:<answer>:by:<voter>`), and `Member.reputation` is always the sum of the member's
 * events, because both change together in one transaction. Awarding a key twice changes nothing; taking a key back
 * removes exactly what it gave. Crossing the helper level either way updates `Member.helperSince` and queues the
 * platform badge (a Discord role, a Telegram custom title) through the outbox, off the request's path.
 */
import { addToOutbox } from "../../access/outbox.js";
import type { Transaction } from "../../context.js";

export interface ReputationAward {
  memberId: number;
  points: number;
  /** A short machine word for the export and the logs: `accepted-answer`, `helpful-answer`, `helpful-review`. */
  reason: string;
  sourceKey: string;
  /** The helper level (CommunitySettings.helperReputation), checked after the change. */
  helperReputation: number;
  /** Domain time of the event (the vote flood window counts in it); absent: the database's now. */
  at?: Date;
}

/**
 * Records the event and adds its points, once per `sourceKey`. Returns whether anything changed.
 *
 * @example await awardReputation(tx, { memberId, points: 10, reason: "accepted-answer", sourceKey: `accept:${q}`, helperReputation: 50 })
 */
export async function awardReputation(tx: Transaction, award: ReputationAward): Promise<boolean> {
  // INSERT … ON CONFLICT DO NOTHING: a repeated or concurrent award of the same key inserts nothing.
  const inserted = await tx.reputationEvent.createMany({
    data: [
      {
        memberId: award.memberId,
        points: award.points,
        reason: award.reason,
        sourceKey: award.sourceKey,
        ...(award.at ? { createdAt: award.at } : {}),
      },
    ],
    skipDuplicates: true,
  });
  if (inserted.count === 0) return false;
  await tx.member.update({ where: { id: award.memberId }, data: { reputation: { increment: award.points } } });
  await syncHelperLevel(tx, award.memberId, award.helperReputation, award.at);
  return true;
}

/**
 * Takes back what `sourceKey` gave, if it gave anything. Returns whether anything changed.
 *
 * @example await revokeReputation(tx, { sourceKey: `accept:${questionId}`, helperReputation: 50 })
 */
export async function revokeReputation(
  tx: Transaction,
  options: { sourceKey: string; helperReputation: number },
): Promise<boolean> {
  const event = await tx.reputationEvent.findUnique({ where: { sourceKey: options.sourceKey } });
  if (!event) return false;
  // Conditional on the row still being there: of two concurrent reversals, one takes the points back.
  const deleted = await tx.reputationEvent.deleteMany({ where: { id: event.id } });
  if (deleted.count === 0) return false;
  await tx.member.update({ where: { id: event.memberId }, data: { reputation: { decrement: event.points } } });
  await syncHelperLevel(tx, event.memberId, options.helperReputation);
  return true;
}

/** Every event whose key starts with `prefix` taken back (a removed review's helpful votes). */
export async function revokeReputationByPrefix(
  tx: Transaction,
  options: { prefix: string; helperReputation: number },
): Promise<number> {
  const events = await tx.reputationEvent.findMany({
    where: { sourceKey: { startsWith: options.prefix } },
    select: { sourceKey: true },
  });
  let revoked = 0;
  for (const event of events) {
    if (await revokeReputation(tx, { sourceKey: event.sourceKey, helperReputation: options.helperReputation }))
      revoked += 1;
  }
  return revoked;
}

/**
 * Helper from `helperReputation` points on, not below it: `helperSince` follows the reputation, and each change
 * queues the badge. The outbox item carries no state: its handler applies whatever `helperSince` says when it runs,
 * so quick ups and downs end in the right badge whatever order they run in.
 */
export async function syncHelperLevel(
  tx: Transaction,
  memberId: number,
  helperReputation: number,
  at: Date = new Date(),
): Promise<void> {
  const member = await tx.member.findUnique({
    where: { id: memberId },
    select: { reputation: true, helperSince: true, erasedAt: true },
  });
  if (!member) return;
  const should = member.reputation >= helperReputation && member.erasedAt === null;
  if (should === (member.helperSince !== null)) return;
  const changed = await tx.member.updateMany({
    where: { id: memberId, helperSince: should ? null : { not: null } },
    data: { helperSince: should ? at : null },
  });
  if (changed.count > 0) await addToOutbox(tx, { kind: "community.helper-badge", memberId });
}

/**
 * One moderation path for questions, answers, comments and reviews: whatever flags or reports an item opens (or
 * reopens) its case here, and the `/moderation` queue lists the pending ones. The caller hides the item itself
 * (hiddenAt / flaggedReason on its own row) in the same transaction; a moderator's decision later shows or removes it.
 *
 * @example await openModerationCase(tx, { target: "REVIEW", targetId: review.id, reason: "banned word", authorId })
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { ModerationTarget } from "../../prisma/generated/enums.js";

export interface OpenModerationCase {
  target: ModerationTarget;
  targetId: number;
  /** A rule's or the provider's category (`link from a new member`, `harassment`), or `reported`. */
  reason: string;
  authorId: number | null;
}

/**
 * Opens the item's case, or puts a decided one back in the queue (an approved item flagged or reported again).
 * Returns the case id and whether it is newly pending (the caller tells the creator only then).
 */
export async function openModerationCase(
  db: Prisma.TransactionClient,
  options: OpenModerationCase,
): Promise<{ caseId: number; newlyPending: boolean }> {
  const key = { target: options.target, targetId: options.targetId };
  const existing = await db.moderationCase.findUnique({ where: { target_targetId: key } });
  if (!existing) {
    const created = await db.moderationCase.create({
      data: { ...key, reason: options.reason, authorId: options.authorId },
    });
    return { caseId: created.id, newlyPending: true };
  }
  if (existing.status === "PENDING") return { caseId: existing.id, newlyPending: false };
  // A removed item stays removed; an approved one flagged again goes back to the queue.
  if (existing.status === "REMOVED") return { caseId: existing.id, newlyPending: false };
  await db.moderationCase.update({
    where: { id: existing.id },
    data: { status: "PENDING", reason: options.reason, decidedById: null, decidedAt: null },
  });
  return { caseId: existing.id, newlyPending: true };
}

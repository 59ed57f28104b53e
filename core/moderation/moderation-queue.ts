/**
 * The `/moderation` queue: pending cases, oldest first, each with the item's text, its author, why it is here and how
 * many members reported it. Only the team (owner, creators, moderators) may read it.
 */
import type { ModerationTarget } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { readModerationItem } from "./moderation-items.js";
import { requireModerator } from "./moderation-roles.js";

export interface QueuedCase {
  id: number;
  target: ModerationTarget;
  targetId: number;
  reason: string;
  reports: number;
  createdAt: Date;
  author: string | null;
  /** Null: the item no longer exists. */
  text: string | null;
}

/** Cases shown at once (each with four buttons). */
export const QUEUE_PAGE = 8;

/**
 * @example const { cases, total } = await listModerationQueue(ctx, { moderatorId: member.id })
 */
export async function listModerationQueue(
  ctx: CoreContext,
  options: { moderatorId: number },
): Promise<{ cases: QueuedCase[]; total: number }> {
  await requireModerator(ctx, options.moderatorId);
  const where = { status: "PENDING" as const };
  const [total, rows] = await Promise.all([
    ctx.prisma.moderationCase.count({ where }),
    ctx.prisma.moderationCase.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: QUEUE_PAGE,
      include: { author: { select: { displayName: true } }, _count: { select: { reports: true } } },
    }),
  ]);
  const cases: QueuedCase[] = [];
  for (const row of rows) {
    const item = await readModerationItem(ctx.prisma, row.target, row.targetId);
    cases.push({
      id: row.id,
      target: row.target,
      targetId: row.targetId,
      reason: row.reason,
      reports: row._count.reports,
      createdAt: row.createdAt,
      author: row.author?.displayName ?? null,
      text: item?.text ?? null,
    });
  }
  return { cases, total };
}

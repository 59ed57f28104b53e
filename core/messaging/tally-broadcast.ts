/**
 * Where a broadcast stands: deliveries counted by outcome.
 */
import type { BroadcastStatus } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { OUTCOME_UNKNOWN } from "./send-deliveries.js";

export interface BroadcastTally {
  id: number;
  status: BroadcastStatus;
  total: number;
  pending: number;
  sent: number;
  failed: number;
  /** Of `failed`: the platform may have received them (no answer came back); not resent. */
  unknown: number;
  unreachable: number;
  skipped: number;
  canceled: number;
}

export async function tallyBroadcast(ctx: CoreContext, broadcastId: number): Promise<BroadcastTally | null> {
  const broadcast = await ctx.prisma.broadcast.findUnique({ where: { id: broadcastId }, select: { status: true } });
  if (!broadcast) return null;
  const groups = await ctx.prisma.delivery.groupBy({
    by: ["status"],
    where: { broadcastId },
    _count: { _all: true },
  });
  const count = (status: string) => groups.find((g) => g.status === status)?._count._all ?? 0;
  // By prefix: rows recorded by an older version carry an older wording of the same reason.
  const unknownPrefix = OUTCOME_UNKNOWN.slice(0, OUTCOME_UNKNOWN.indexOf(":"));
  const unknown = count("FAILED")
    ? await ctx.prisma.delivery.count({
        where: { broadcastId, status: "FAILED", lastError: { startsWith: unknownPrefix } },
      })
    : 0;
  return {
    id: broadcastId,
    status: broadcast.status,
    total: groups.reduce((sum, g) => sum + g._count._all, 0),
    pending: count("PENDING"),
    sent: count("SENT"),
    failed: count("FAILED"),
    unknown,
    unreachable: count("UNREACHABLE"),
    skipped: count("SKIPPED"),
    canceled: count("CANCELED"),
  };
}

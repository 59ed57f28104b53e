/**
 * Pauses a sending broadcast: senders stop taking its rows at their next message (the one in flight, if any, is
 * finished and recorded). Resume with `resumeBroadcast`.
 */
import type { BroadcastStatus } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export type BroadcastControlResult =
  | { ok: true }
  | { ok: false; reason: "NOT_FOUND" }
  | { ok: false; reason: "WRONG_STATE"; status: BroadcastStatus };

/** Moves a broadcast from one of `from` to `to`, conditionally; the shared step of pause, resume and cancel. */
export async function moveBroadcast(
  ctx: CoreContext,
  broadcastId: number,
  from: BroadcastStatus[],
  to: BroadcastStatus,
): Promise<BroadcastControlResult> {
  const moved = await ctx.prisma.broadcast.updateMany({
    where: { id: broadcastId, status: { in: from } },
    data: { status: to, ...(to === "CANCELED" ? { finishedAt: ctx.clock.now() } : {}) },
  });
  if (moved.count) return { ok: true };
  const current = await ctx.prisma.broadcast.findUnique({ where: { id: broadcastId }, select: { status: true } });
  return current ? { ok: false, reason: "WRONG_STATE", status: current.status } : { ok: false, reason: "NOT_FOUND" };
}

export async function pauseBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; broadcastId: number },
): Promise<BroadcastControlResult> {
  await requireStaff(ctx, options.staffMemberId);
  return moveBroadcast(ctx, options.broadcastId, ["SENDING", "QUEUED"], "PAUSED");
}

/**
 * Cancels a broadcast (or discards a draft): rows not yet sent become CANCELED and are never sent. A message already
 * handed to the platform when the cancel lands is recorded as sent (the truth wins over the request).
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { type BroadcastControlResult, moveBroadcast } from "./pause-broadcast.js";

export async function cancelBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; broadcastId: number },
): Promise<(BroadcastControlResult & { ok: false }) | { ok: true; canceled: number; wasDraft: boolean }> {
  await requireStaff(ctx, options.staffMemberId);
  const before = await ctx.prisma.broadcast.findUnique({
    where: { id: options.broadcastId },
    select: { status: true },
  });
  const result = await moveBroadcast(ctx, options.broadcastId, ["DRAFT", "QUEUED", "SENDING", "PAUSED"], "CANCELED");
  if (!result.ok) return result;
  // A row in flight right now is recorded SENT by its sender if the platform took it.
  const canceled = await ctx.prisma.delivery.updateMany({
    where: { broadcastId: options.broadcastId, status: "PENDING" },
    data: { status: "CANCELED" },
  });
  return { ok: true, canceled: canceled.count, wasDraft: before?.status === "DRAFT" };
}

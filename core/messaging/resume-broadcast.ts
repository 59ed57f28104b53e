/**
 * Resumes a paused broadcast where it stopped: rows already sent stay sent, the rest go out.
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { type BroadcastControlResult, moveBroadcast } from "./pause-broadcast.js";
import { kickSenders } from "./send-deliveries.js";

export async function resumeBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; broadcastId: number },
): Promise<BroadcastControlResult> {
  await requireStaff(ctx, options.staffMemberId);
  const result = await moveBroadcast(ctx, options.broadcastId, ["PAUSED"], "SENDING");
  if (result.ok) {
    const platforms = await ctx.prisma.platformAccount.findMany({
      where: { deliveries: { some: { broadcastId: options.broadcastId, status: "PENDING" } } },
      distinct: ["platform"],
      select: { platform: true },
    });
    await kickSenders(
      ctx,
      platforms.map((p) => p.platform),
    );
  }
  return result;
}

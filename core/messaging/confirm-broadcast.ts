/**
 * The creator confirms a draft: one delivery row per recipient account is written in the same transaction that moves
 * the broadcast to SENDING, so a double confirm, or two at once, queue it once; then each platform's sender is
 * kicked. Recipients are fixed at this moment (who opts out later is still skipped by nobody: opting out is for the
 * next announcement).
 */
import type { BroadcastStatus } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { recipientWhere, SegmentSchema } from "./segment.js";
import { kickSenders } from "./send-deliveries.js";

export type ConfirmBroadcastResult =
  | { ok: true; recipients: number }
  | { ok: false; reason: "NOT_FOUND" | "NO_RECIPIENTS" }
  | { ok: false; reason: "NOT_DRAFT"; status: BroadcastStatus };

const CHUNK = 5000;

export async function confirmBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; broadcastId: number },
): Promise<ConfirmBroadcastResult> {
  await requireStaff(ctx, options.staffMemberId);
  const broadcast = await ctx.prisma.broadcast.findUnique({ where: { id: options.broadcastId } });
  if (!broadcast) return { ok: false, reason: "NOT_FOUND" };
  if (broadcast.status !== "DRAFT") return { ok: false, reason: "NOT_DRAFT", status: broadcast.status };
  const now = ctx.clock.now();
  const recipients = await ctx.prisma.platformAccount.findMany({
    where: recipientWhere(ctx, SegmentSchema.parse(broadcast.segment), now),
    select: { id: true, memberId: true, platform: true },
    orderBy: { id: "asc" },
  });
  if (!recipients.length) return { ok: false, reason: "NO_RECIPIENTS" };

  const outcome = await ctx.prisma.$transaction(
    async (tx) => {
      const moved = await tx.broadcast.updateMany({
        where: { id: broadcast.id, status: "DRAFT" },
        data: { status: "SENDING", startedAt: now },
      });
      if (!moved.count) return null;
      for (let i = 0; i < recipients.length; i += CHUNK) {
        await tx.delivery.createMany({
          data: recipients.slice(i, i + CHUNK).map((r) => ({
            kind: "BROADCAST" as const,
            broadcastId: broadcast.id,
            memberId: r.memberId,
            accountId: r.id,
            dedupeKey: `broadcast:${broadcast.id}:${r.id}`,
            payload: { type: "broadcast" },
            notBefore: now,
          })),
          skipDuplicates: true,
        });
      }
      return recipients.length;
    },
    { timeout: 60_000 },
  );
  if (outcome === null) {
    const current = await ctx.prisma.broadcast.findUniqueOrThrow({ where: { id: broadcast.id } });
    return { ok: false, reason: "NOT_DRAFT", status: current.status };
  }
  ctx.log.info({ broadcastId: broadcast.id, recipients: outcome }, "broadcast confirmed");
  await kickSenders(
    ctx,
    recipients.map((r) => r.platform),
  );
  return { ok: true, recipients: outcome };
}

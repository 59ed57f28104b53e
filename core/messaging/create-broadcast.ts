/**
 * The creator writes an announcement: a draft for everyone, nothing sent yet. Preview and confirm come next.
 *
 * @example const draft = await createBroadcast(ctx, { staffMemberId: 1, text: "Live Q&A tonight at 8" })
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import type { Segment } from "./segment.js";

/** Telegram allows 4096 characters per message; leave room for the footer. */
export const BROADCAST_MAX_LENGTH = 3500;

export type CreateBroadcastResult =
  | { ok: true; broadcastId: number }
  | { ok: false; reason: "EMPTY" | "TOO_LONG"; max: number };

export async function createBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; text: string; urgent?: boolean; segment?: Segment },
): Promise<CreateBroadcastResult> {
  await requireStaff(ctx, options.staffMemberId);
  const text = options.text.trim();
  if (!text) return { ok: false, reason: "EMPTY", max: BROADCAST_MAX_LENGTH };
  if (text.length > BROADCAST_MAX_LENGTH) return { ok: false, reason: "TOO_LONG", max: BROADCAST_MAX_LENGTH };
  const broadcast = await ctx.prisma.broadcast.create({
    data: {
      createdById: options.staffMemberId,
      text,
      urgent: options.urgent ?? false,
      segment: options.segment ?? { kind: "everyone" },
    },
  });
  return { ok: true, broadcastId: broadcast.id };
}

/**
 * What the creator sees before confirming: the text, the audience and how many it reaches now. Choosing another
 * audience (`segment`) is allowed while the broadcast is a draft.
 */
import type { BroadcastStatus } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { countRecipients, type Segment, SegmentSchema } from "./segment.js";

export type PreviewBroadcastResult =
  | {
      ok: true;
      broadcast: { id: number; text: string; urgent: boolean; status: BroadcastStatus; segment: Segment };
      recipients: number;
      members: number;
      productTitle: { en: string; zh: string } | null;
    }
  | { ok: false; reason: "NOT_FOUND" }
  | { ok: false; reason: "NOT_DRAFT"; status: BroadcastStatus };

export async function previewBroadcast(
  ctx: CoreContext,
  options: { staffMemberId: number; broadcastId: number; segment?: Segment },
): Promise<PreviewBroadcastResult> {
  await requireStaff(ctx, options.staffMemberId);
  let broadcast = await ctx.prisma.broadcast.findUnique({ where: { id: options.broadcastId } });
  if (!broadcast) return { ok: false, reason: "NOT_FOUND" };
  if (options.segment) {
    const changed = await ctx.prisma.broadcast.updateMany({
      where: { id: broadcast.id, status: "DRAFT" },
      data: { segment: options.segment },
    });
    if (!changed.count) return { ok: false, reason: "NOT_DRAFT", status: broadcast.status };
    broadcast = { ...broadcast, segment: options.segment };
  }
  const segment = SegmentSchema.parse(broadcast.segment);
  const { accounts, members } = await countRecipients(ctx, segment, ctx.clock.now());
  const product =
    segment.kind === "product"
      ? await ctx.prisma.product.findUnique({
          where: { id: segment.productId },
          select: { titleEn: true, titleZh: true },
        })
      : null;
  return {
    ok: true,
    broadcast: { id: broadcast.id, text: broadcast.text, urgent: broadcast.urgent, status: broadcast.status, segment },
    recipients: accounts,
    members,
    productTitle: product ? { en: product.titleEn, zh: product.titleZh } : null,
  };
}

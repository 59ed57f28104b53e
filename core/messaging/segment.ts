/**
 * Who a broadcast goes to. A segment is stored as JSON on the broadcast; recipients are platform accounts (one
 * delivery each) that are reachable, on a platform this process can send to, of members who have not erased their
 * data nor opted out of announcements.
 */
import { z } from "zod";
import type { Prisma } from "../../prisma/generated/client.js";
import type { Platform } from "../../prisma/generated/enums.js";
import { activeEntitlementWhere, addDays } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";

export const SegmentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({ kind: z.literal("product"), productId: z.number().int().positive() }),
  z.object({ kind: z.literal("ending"), days: z.number().int().min(1).max(365) }),
  z.object({ kind: z.literal("language"), locale: z.enum(["en", "zh"]) }),
  z.object({ kind: z.literal("platform"), platform: z.enum(["TELEGRAM", "DISCORD", "CONSOLE"]) }),
]);

export type Segment = z.infer<typeof SegmentSchema>;

/** `everyone`, `product 3`, `ending 7`, `language zh`, `platform telegram`; null when the words name no segment. */
export function parseSegment(args: readonly string[]): Segment | null {
  const [kind, value] = [args[0]?.toLowerCase(), args[1]?.toLowerCase()];
  const number = value && /^#?\d{1,9}$/.test(value) ? Number(value.replace("#", "")) : null;
  let candidate: unknown = null;
  if (kind === "everyone" || kind === "all") candidate = { kind: "everyone" };
  else if (kind === "product" || kind === "owners") candidate = { kind: "product", productId: number };
  else if (kind === "ending" || kind === "expiring") candidate = { kind: "ending", days: number };
  else if (kind === "language" || kind === "lang")
    candidate = { kind: "language", locale: value === "cn" ? "zh" : value };
  else if (kind === "platform") candidate = { kind: "platform", platform: value?.toUpperCase() };
  const parsed = SegmentSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** The accounts a segment reaches now. */
export function recipientWhere(ctx: CoreContext, segment: Segment, now: Date): Prisma.PlatformAccountWhereInput {
  let platforms = Object.keys(ctx.gateways) as Platform[];
  const member: Prisma.MemberWhereInput = { erasedAt: null, announcementsOptOut: false };
  switch (segment.kind) {
    case "everyone":
      break;
    case "product":
      member.entitlements = { some: { productId: segment.productId, ...activeEntitlementWhere(now) } };
      break;
    case "ending":
      member.entitlements = {
        some: { revokedAt: null, startsAt: { lte: now }, endsAt: { gt: now, lte: addDays(now, segment.days) } },
      };
      break;
    case "language":
      member.locale = segment.locale;
      break;
    case "platform":
      platforms = platforms.filter((p) => p === segment.platform);
      break;
  }
  return { unreachableSince: null, platform: { in: platforms }, member };
}

export async function countRecipients(
  ctx: CoreContext,
  segment: Segment,
  now: Date,
): Promise<{ accounts: number; members: number }> {
  const where = recipientWhere(ctx, segment, now);
  const [accounts, members] = await Promise.all([
    ctx.prisma.platformAccount.count({ where }),
    ctx.prisma.platformAccount.groupBy({ by: ["memberId"], where }).then((rows) => rows.length),
  ]);
  return { accounts, members };
}

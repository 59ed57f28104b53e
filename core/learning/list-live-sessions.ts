/**
 * `/live`: the published live sessions still to come or running, soonest first, each with whether the member holds
 * it (an owner gets Join once it opens; anyone else the way to buy it).
 *
 * @example const sessions = await listLiveSessions(ctx, { memberId })
 */
import { holdsProductWhere } from "../access/holds-product.js";
import type { CoreContext } from "../context.js";
import {
  type LiveSessionPhase,
  type LiveSessionTimes,
  liveSessionPhase,
  liveSessionTimes,
} from "./live-session-phase.js";

export interface ListedLiveSession {
  id: number;
  titleEn: string;
  titleZh: string;
  times: LiveSessionTimes;
  phase: Exclude<LiveSessionPhase, "ENDED">;
  owned: boolean;
}

/** At most this many: a chat message, not an archive. */
const LIMIT = 10;
/** Sessions last hours, not days: those that started longer ago than this cannot still be running. */
const LONGEST_SESSION_DAYS = 2;

export async function listLiveSessions(ctx: CoreContext, options: { memberId: number }): Promise<ListedLiveSession[]> {
  const now = ctx.clock.now();
  const products = await ctx.prisma.product.findMany({
    where: {
      kind: "LIVE_SESSION",
      published: true,
      startsAt: { gt: new Date(now.getTime() - LONGEST_SESSION_DAYS * 86_400_000) },
    },
    select: { id: true, titleEn: true, titleZh: true, startsAt: true, durationMin: true },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
  });
  const listed: Omit<ListedLiveSession, "owned">[] = [];
  for (const product of products) {
    const times = liveSessionTimes(product);
    const phase = liveSessionPhase(product, now);
    if (!times || !phase || phase === "ENDED") continue;
    listed.push({ id: product.id, titleEn: product.titleEn, titleZh: product.titleZh, times, phase });
    if (listed.length === LIMIT) break;
  }
  if (!listed.length) return [];
  const held = await Promise.all(
    listed.map((s) =>
      ctx.prisma.entitlement.findFirst({
        where: { memberId: options.memberId, ...holdsProductWhere(s.id, now) },
        select: { id: true },
      }),
    ),
  );
  return listed.map((s, i) => ({ ...s, owned: held[i] !== null }));
}

/**
 * A member asks for a live session's join link (the Join button of the start notice or the course page, or
 * `/join <id>` typed). The link is handed out only here, only to a member who holds the session at this moment (or
 * to the team), only from 15 minutes before the start to the end; every hand-out is recorded as `live_joined`. A
 * non-owner, a refunded member or a tampered button learns nothing but that the session is for owners.
 *
 * @example const joined = await joinLiveSession(ctx, { member, productId: 4 }); if (joined.ok) reply(joined.joinUrl)
 */
import type { Role } from "../../prisma/generated/enums.js";
import { holdsProduct } from "../access/holds-product.js";
import type { CoreContext } from "../context.js";
import { isStaff } from "../identity/roles.js";
import { type LiveSessionTimes, liveSessionPhase, liveSessionTimes } from "./live-session-phase.js";
import { recordActivity } from "./record-activity.js";

export interface LiveSessionInfo {
  id: number;
  titleEn: string;
  titleZh: string;
  times: LiveSessionTimes;
}

export type JoinLiveSessionResult =
  | { ok: true; session: LiveSessionInfo; joinUrl: string }
  /** No such published live session (or one without a start yet). */
  | { ok: false; reason: "NOT_FOUND" }
  /** The member does not hold it now: what they may buy. */
  | { ok: false; reason: "NOT_OWNER"; session: LiveSessionInfo }
  | { ok: false; reason: "TOO_EARLY"; session: LiveSessionInfo }
  /** Over: the replay link, for an owner, when there is one. */
  | { ok: false; reason: "ENDED"; session: LiveSessionInfo; replayUrl: string | null }
  /** The creator has not set the link yet. */
  | { ok: false; reason: "NO_LINK"; session: LiveSessionInfo };

export async function joinLiveSession(
  ctx: CoreContext,
  options: { member: { id: number; role: Role }; productId: number },
): Promise<JoinLiveSessionResult> {
  const now = ctx.clock.now();
  const staff = isStaff(options.member.role);
  const product = await ctx.prisma.product.findUnique({
    where: { id: options.productId },
    select: {
      id: true,
      kind: true,
      published: true,
      titleEn: true,
      titleZh: true,
      startsAt: true,
      durationMin: true,
      joinUrl: true,
      replayUrl: true,
    },
  });
  const times = product && liveSessionTimes(product);
  if (!product || !times || product.kind !== "LIVE_SESSION" || (!product.published && !staff)) {
    return { ok: false, reason: "NOT_FOUND" };
  }
  const session: LiveSessionInfo = { id: product.id, titleEn: product.titleEn, titleZh: product.titleZh, times };
  // Ownership first: a non-owner learns neither the link nor whether one is set.
  if (!staff && !(await holdsProduct(ctx, { memberId: options.member.id, productId: product.id, now }))) {
    return { ok: false, reason: "NOT_OWNER", session };
  }
  const phase = liveSessionPhase(product, now);
  if (phase === "UPCOMING") return { ok: false, reason: "TOO_EARLY", session };
  if (phase === "ENDED") return { ok: false, reason: "ENDED", session, replayUrl: product.replayUrl };
  if (!product.joinUrl) return { ok: false, reason: "NO_LINK", session };
  recordActivity(ctx, { memberId: options.member.id, kind: "live_joined", productId: product.id, occurredAt: now });
  return { ok: true, session, joinUrl: product.joinUrl };
}

/**
 * Live sessions, told to their owners (an active entitlement to the session or to a bundle holding it) in their
 * language and time zone:
 * - DAY: from 24 hours before the start (until an hour before it): when it starts;
 * - SOON: from 15 minutes before the start, when Join opens: it starts soon, with a Join button;
 * - STARTED: from the start to the end: a Join button — the action `join <id>`, not the link itself, so the link is
 *   handed out by `join` (joinLiveSession) after checking the entitlement at the moment of pressing;
 * - REPLAY: after the end, when a replay link is set (within 14 days of the end): a Replay link.
 * Each once per member, stage and start time (the dedupe key holds all three, so a rescheduled session is reminded
 * again, and a sweep run twice or on two workers writes one row). The sweep runs every minute, so each stage is
 * queued within a minute of its moment; each row carries `ownersOf` (the sender drops it if the member no longer
 * holds the session) and, but for the replay, `expiresAt` (a reminder held back by quiet hours past its moment is
 * dropped rather than sent late).
 *
 * Service messages about something the member bought: announcement and offer opt-outs do not stop them; quiet
 * hours do (see announce-released-lessons.ts).
 *
 * @example await remindLiveSessions(ctx) // from the messaging sweep
 */
import { addDays } from "../access/entitlement-window.js";
import { holdsProductWhere } from "../access/holds-product.js";
import type { CoreContext } from "../context.js";
import type { DeliveryPayload } from "../messaging/delivery-payload.js";
import { type QueuedDelivery, queueDeliveries } from "../messaging/send-deliveries.js";
import { liveSessionTimes } from "./live-session-phase.js";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** The day-before reminder is not started later than this before the start: the 15-minute one follows soon. */
const DAY_REMINDER_LATEST_MS = HOUR_MS;
const SOON_MINUTES = 15;
/** A replay link set later than this after the end is not announced (it shows on the course page). */
const REPLAY_WITHIN_DAYS = 14;

type Stage = "DAY" | "SOON" | "STARTED" | "REPLAY";

export async function remindLiveSessions(ctx: CoreContext): Promise<number> {
  const now = ctx.clock.now();
  // Sessions with something due: starting within a day, running, or ended within the replay window.
  const sessions = await ctx.prisma.product.findMany({
    where: {
      kind: "LIVE_SESSION",
      published: true,
      startsAt: { lte: new Date(now.getTime() + 24 * HOUR_MS), gt: addDays(now, -(REPLAY_WITHIN_DAYS + 1)) },
    },
    select: {
      id: true,
      titleEn: true,
      titleZh: true,
      startsAt: true,
      durationMin: true,
      joinUrl: true,
      replayUrl: true,
    },
  });
  const rows: QueuedDelivery[] = [];
  for (const session of sessions) {
    const times = liveSessionTimes(session);
    if (!times) continue;
    const due = dueStage(session, times, now);
    if (!due) continue;
    const params = { title: session.titleEn, titleZh: session.titleZh, when: times.startsAt.toISOString() };
    const payload: DeliveryPayload = {
      type: "message",
      key: due.key,
      params,
      ownersOf: session.id,
      ...(due.expiresAt ? { expiresAt: due.expiresAt.toISOString() } : {}),
      // Join opens 15 minutes before the start: the SOON reminder carries the button too.
      ...(due.stage === "STARTED" || due.stage === "SOON"
        ? { buttons: [{ key: "buttonJoin", action: `join ${session.id}` }] }
        : {}),
      ...(due.stage === "REPLAY" && session.replayUrl
        ? { buttons: [{ key: "buttonReplay", url: session.replayUrl }] }
        : {}),
    };
    const owners = await ctx.prisma.entitlement.findMany({
      where: { ...holdsProductWhere(session.id, now), member: { erasedAt: null } },
      select: {
        memberId: true,
        member: {
          select: {
            accounts: {
              where: { unreachableSince: null },
              select: { id: true, platform: true },
              orderBy: { id: "asc" },
            },
          },
        },
      },
      distinct: ["memberId"],
    });
    for (const owner of owners) {
      const account = owner.member.accounts.find((a) => ctx.gateways[a.platform]);
      if (!account) continue;
      rows.push({
        kind: "REMINDER",
        memberId: owner.memberId,
        accountId: account.id,
        dedupeKey: `live:${session.id}:${due.stage}:${owner.memberId}:${times.startsAt.toISOString()}`,
        payload,
        notBefore: now,
        platform: account.platform,
      });
    }
  }
  return queueDeliveries(ctx, rows);
}

/** Which message is due now, if any: the latest stage whose moment has come and not passed. */
function dueStage(
  session: { joinUrl: string | null; replayUrl: string | null },
  times: NonNullable<ReturnType<typeof liveSessionTimes>>,
  now: Date,
): { stage: Stage; key: Extract<DeliveryPayload, { type: "message" }>["key"]; expiresAt: Date | null } | null {
  const start = times.startsAt.getTime();
  const t = now.getTime();
  if (t >= times.endsAt.getTime()) {
    if (!session.replayUrl || now > addDays(times.endsAt, REPLAY_WITHIN_DAYS)) return null;
    return { stage: "REPLAY", key: "liveReplay", expiresAt: null };
  }
  // No join link yet: nothing to join with; a link set during the session is announced at the next sweep.
  if (t >= start) return session.joinUrl ? { stage: "STARTED", key: "liveStarted", expiresAt: times.endsAt } : null;
  if (t >= start - SOON_MINUTES * MINUTE_MS) return { stage: "SOON", key: "liveSoon", expiresAt: times.startsAt };
  if (t >= start - 24 * HOUR_MS && t < start - DAY_REMINDER_LATEST_MS) {
    return { stage: "DAY", key: "liveReminder", expiresAt: new Date(start - SOON_MINUTES * MINUTE_MS) };
  }
  return null;
}

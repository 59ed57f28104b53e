/**
 * Drip notices: a member whose course releases its lessons over time is told when the next one opens for them, with
 * an "Open lesson" button. Only lessons released since the member's access began (never the ones open from day
 * one, nor free previews), only published lessons of published courses, only to members who hold the course now
 * (the sender checks again right before sending). Once per member and lesson: the dedupe key holds both, so a
 * sweep run twice, or on two workers at once, writes one row, and a member who buys again is not told twice.
 *
 * Drip notices are service messages about something the member bought, like renewal reminders: they ignore the
 * announcement and offer opt-outs (`/optout` stops broadcasts and recommendations, not the course itself) but wait
 * for the end of the member's quiet hours, like every personal message the sender delivers.
 *
 * @example await announceReleasedLessons(ctx) // from the messaging sweep, every minute
 */
import { addDays } from "../access/entitlement-window.js";
import { holdsProductWhere } from "../access/holds-product.js";
import type { CoreContext } from "../context.js";
import type { DeliveryPayload } from "../messaging/delivery-payload.js";
import { type QueuedDelivery, queueDeliveries } from "../messaging/send-deliveries.js";
import { lessonReleaseDate } from "./decide-lesson-access.js";

/** Lessons released longer ago than this are not announced: a first run (or a long outage) does not flood anyone. */
const DEFAULT_WITHIN_DAYS = 3;

export interface AnnounceReleasedLessonsOptions {
  /** Announce lessons released within this many days before now (default 3). */
  withinDays?: number;
}

export async function announceReleasedLessons(
  ctx: CoreContext,
  options: AnnounceReleasedLessonsOptions = {},
): Promise<number> {
  const now = ctx.clock.now();
  const within = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  const courses = await ctx.prisma.product.findMany({
    where: {
      published: true,
      OR: [{ dripDays: { gt: 0 } }, { lessons: { some: { published: true, releaseAfterDays: { gt: 0 } } } }],
    },
    select: {
      id: true,
      titleEn: true,
      titleZh: true,
      dripDays: true,
      lessons: {
        where: { published: true },
        select: { id: true, titleEn: true, titleZh: true, freePreview: true, releaseAfterDays: true },
        orderBy: { position: "asc" },
      },
    },
  });
  const rows: QueuedDelivery[] = [];
  for (const course of courses) {
    // Lessons as members count them (published ones, from 1) with the days after access start each opens.
    const dripped = course.lessons
      .map((lesson, index) => ({
        lesson,
        number: index + 1,
        days: lesson.releaseAfterDays ?? (course.dripDays ? index * course.dripDays : 0),
      }))
      .filter((l) => l.days > 0 && !l.lesson.freePreview);
    if (!dripped.length) continue;
    // Only a member whose access began recently enough can have a lesson released within the window.
    const longest = Math.max(...dripped.map((l) => l.days));
    const since = addDays(now, -(longest + within));
    for (const member of await recentOwners(ctx, course.id, now, since)) {
      const account = member.accounts.find((a) => ctx.gateways[a.platform]);
      if (!account) continue;
      for (const { lesson, number } of dripped) {
        const opensAt = lessonReleaseDate(member.accessStart, lesson, number, course.dripDays);
        if (opensAt > now || opensAt <= addDays(now, -within)) continue;
        const payload: DeliveryPayload = {
          type: "message",
          key: "lessonReleased",
          params: {
            number,
            course: course.titleEn,
            courseZh: course.titleZh,
            lesson: lesson.titleEn,
            lessonZh: lesson.titleZh,
          },
          buttons: [{ key: "buttonOpenLesson", action: `lesson ${course.id} ${number}` }],
          ownersOf: course.id,
        };
        rows.push({
          kind: "NOTIFICATION",
          memberId: member.id,
          accountId: account.id,
          dedupeKey: `drip:${member.id}:${lesson.id}`,
          payload,
          notBefore: now,
          platform: account.platform,
        });
      }
    }
  }
  return queueDeliveries(ctx, rows);
}

interface Owner {
  id: number;
  /** Drip counts from the earliest access open now, a bundle's included (as decideLessonAccess counts it). */
  accessStart: Date;
  accounts: { id: number; platform: QueuedDelivery["platform"] }[];
}

/** Members holding the course now whose earliest open access began after `since`. */
async function recentOwners(ctx: CoreContext, courseId: number, now: Date, since: Date): Promise<Owner[]> {
  const recent = await ctx.prisma.entitlement.findMany({
    where: { ...holdsProductWhere(courseId, now), startsAt: { gt: since }, member: { erasedAt: null } },
    select: { memberId: true },
    distinct: ["memberId"],
  });
  if (!recent.length) return [];
  const entitlements = await ctx.prisma.entitlement.findMany({
    where: { memberId: { in: recent.map((e) => e.memberId) }, ...holdsProductWhere(courseId, now) },
    select: {
      memberId: true,
      startsAt: true,
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
  });
  const owners = new Map<number, Owner>();
  for (const e of entitlements) {
    const owner = owners.get(e.memberId);
    if (!owner) owners.set(e.memberId, { id: e.memberId, accessStart: e.startsAt, accounts: e.member.accounts });
    else if (e.startsAt < owner.accessStart) owner.accessStart = e.startsAt;
  }
  return [...owners.values()].filter((o) => o.accessStart > since);
}

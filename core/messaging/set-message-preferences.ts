/**
 * A member's own choices about messages: announcements and offers on or off, quiet hours, time zone. Only the
 * member changes them (the command passes the caller's own id).
 */
import type { CoreContext } from "../context.js";
import { isValidTimeZone } from "./quiet-hours.js";

export interface MessagePreferences {
  announcementsOptOut?: boolean;
  marketingOptOut?: boolean;
  /** null turns quiet hours off. */
  quietHours?: { start: number; end: number } | null;
  timeZone?: string;
}

export type SetMessagePreferencesResult = { ok: true } | { ok: false; reason: "BAD_TIME_ZONE" | "BAD_HOURS" };

export async function setMessagePreferences(
  ctx: CoreContext,
  options: { memberId: number } & MessagePreferences,
): Promise<SetMessagePreferencesResult> {
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone))
    return { ok: false, reason: "BAD_TIME_ZONE" };
  const q = options.quietHours;
  const hour = (h: number) => Number.isInteger(h) && h >= 0 && h <= 23;
  if (q && (!hour(q.start) || !hour(q.end) || q.start === q.end)) return { ok: false, reason: "BAD_HOURS" };
  await ctx.prisma.member.update({
    where: { id: options.memberId },
    data: {
      announcementsOptOut: options.announcementsOptOut,
      marketingOptOut: options.marketingOptOut,
      timeZone: options.timeZone,
      ...(q === undefined ? {} : { quietHoursStart: q?.start ?? null, quietHoursEnd: q?.end ?? null }),
    },
  });
  return { ok: true };
}

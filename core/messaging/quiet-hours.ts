/**
 * Quiet hours in the member's time zone: non-urgent messages wait until they end. Pure rules.
 */

export interface QuietHours {
  timeZone: string;
  /** Hour of day 0-23 in `timeZone`; null: no quiet hours. */
  start: number | null;
  end: number | null;
}

import { isValidTimeZone } from "../i18n/dates.js";

export { isValidTimeZone };

function localHour(date: Date, timeZone: string): number {
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const hour = new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", hourCycle: "h23" }).format(date);
  return Number(hour) % 24;
}

function inWindow(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * When a non-urgent message may go out: `now` itself outside quiet hours, else the first whole hour at which the
 * quiet hours end. (Zones with half-hour offsets end on their own half hour: we step by 15 minutes.)
 */
export function quietHoursEnd(quiet: QuietHours, now: Date): Date {
  const { start, end } = quiet;
  if (start === null || end === null || !inWindow(localHour(now, quiet.timeZone), start, end)) return now;
  const step = 15 * 60_000;
  let t = Math.ceil(now.getTime() / step) * step;
  for (let i = 0; i < 4 * 25; i += 1, t += step) {
    if (!inWindow(localHour(new Date(t), quiet.timeZone), start, end)) return new Date(t);
  }
  return now;
}

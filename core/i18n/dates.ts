/**
 * Dates and times as a member reads them: in their language and in their own time zone (`Member.timeZone`), with
 * the time where it matters (a live session's start) and the zone named, so nobody east of UTC sees the wrong day.
 * Formatters are cached: building an `Intl.DateTimeFormat` costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tag: string, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${tag}|${timeZone}|${withTime}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(tag, {
      year: "numeric",
      month: "short",
      day: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } : {}),
      timeZone,
    });
    formatters.set(key, cached);
  }
  return cached;
}

/** Whether `timeZone` is an IANA zone this runtime knows (members type it in /timezone). */
/** Zones already checked: building a DateTimeFormat to find out costs more than the formatting it guards. */
const knownZones = new Map<string, boolean>();

export function isValidTimeZone(timeZone: string): boolean {
  let valid = knownZones.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
      valid = true;
    } catch {
      valid = false;
    }
    // Bounded: members type zones, and a flood of invalid ones must not grow memory without end.
    if (knownZones.size < 1000) knownZones.set(timeZone, valid);
  }
  return valid;
}

const zoneOrUtc = (timeZone: string | null | undefined) => (timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC");

/** The day, in the reader's zone: `Dec 3, 2026` / `2026年12月3日`. */
export function formatDay(tag: string, date: Date, timeZone?: string | null): string {
  return formatter(tag, zoneOrUtc(timeZone), false).format(date);
}

/** The day and time, in the reader's zone, zone named: `Dec 3, 2026, 21:00 GMT+8`. */
export function formatDayTime(tag: string, date: Date, timeZone?: string | null): string {
  return formatter(tag, zoneOrUtc(timeZone), true).format(date);
}

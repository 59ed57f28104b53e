/**
 * Where a live session stands at a moment: the pure rule behind the course page's Join and Replay buttons, `join`,
 * `/live` and the reminders, so they can never disagree about when the door opens.
 */

/** The join link is handed out from this many minutes before the start (people need a moment to get in). */
export const JOIN_OPENS_MINUTES_BEFORE = 15;
/** A session without a duration is taken to last an hour. */
export const DEFAULT_DURATION_MINUTES = 60;

const MINUTE_MS = 60_000;

export type LiveSessionPhase =
  /** More than JOIN_OPENS_MINUTES_BEFORE before the start. */
  | "UPCOMING"
  /** From JOIN_OPENS_MINUTES_BEFORE before the start to the end: Join. */
  | "OPEN"
  /** After the end: Replay, when there is one. */
  | "ENDED";

export interface LiveSessionTimes {
  startsAt: Date;
  endsAt: Date;
  /** When Join starts to work. */
  opensAt: Date;
}

/**
 * The times of a session, or null when it has no start (a live session still being planned).
 *
 * @example liveSessionTimes({ startsAt, durationMin: 90 })?.endsAt // startsAt + 90 min
 */
export function liveSessionTimes(session: {
  startsAt: Date | null;
  durationMin: number | null;
}): LiveSessionTimes | null {
  if (!session.startsAt) return null;
  const start = session.startsAt.getTime();
  const duration = session.durationMin && session.durationMin > 0 ? session.durationMin : DEFAULT_DURATION_MINUTES;
  return {
    startsAt: session.startsAt,
    endsAt: new Date(start + duration * MINUTE_MS),
    opensAt: new Date(start - JOIN_OPENS_MINUTES_BEFORE * MINUTE_MS),
  };
}

/**
 * @example liveSessionPhase({ startsAt, durationMin: 60 }, now) // "OPEN" from 15 min before to the end
 */
export function liveSessionPhase(
  session: { startsAt: Date | null; durationMin: number | null },
  now: Date,
): LiveSessionPhase | null {
  const times = liveSessionTimes(session);
  if (!times) return null;
  if (now < times.opensAt) return "UPCOMING";
  if (now < times.endsAt) return "OPEN";
  return "ENDED";
}

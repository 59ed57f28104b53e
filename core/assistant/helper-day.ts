/**
 * The helper's day for limits and the token budget: the UTC calendar day, the same for every member and the creator,
 * so "today" never depends on whose time zone is asked (and a budget resets once, at 00:00 UTC).
 */

/** Midnight UTC of the day `now` falls in. */
export function startOfHelperDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** `2026-12-02`: names the day in dedupe keys (the creator is told once a day). */
export function helperDayKey(now: Date): string {
  return startOfHelperDay(now).toISOString().slice(0, 10);
}

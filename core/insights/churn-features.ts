/**
 * Churn features of one member at an `as_of` moment, computed only from events at or before it (an event after
 * `as_of` is skipped, so adding future events never changes a feature: test/unit/churn-features.test.ts).
 *
 * The feature list is generic: event types come from the data (the model stores the vocabulary it was trained
 * with), windows are settings, and product facts (course progress, payment state, Q&A, end of access) are optional
 * extras that are NaN when a data source does not have them. Community-relative features (the member against
 * their community's mean) are added later by `addGroupFeatures`, because they need the population.
 */

export const DAY_MS = 86_400_000;

/** Product facts a data source may know about a member at `as_of`; every field is optional. */
export interface ChurnExtras {
  /** Share of the course's lessons completed, 0..1. */
  courseProgress?: number;
  /** The subscription is past due (1) or not (0). */
  paymentPastDue?: number;
  /** Failed renewal attempts in the last 30 days. */
  renewalsFailed?: number;
  /** Questions asked and answers given in the last 30 days. */
  questionsAsked?: number;
  answersGiven?: number;
  /** Whole days until paid access ends (negative: ended). */
  daysToAccessEnd?: number;
  /** Days since the member joined the community. */
  tenureDays?: number;
}

/** The extras in a fixed order (the model's feature vector depends on it). */
export const CHURN_EXTRAS: readonly (keyof ChurnExtras)[] = [
  "courseProgress",
  "paymentPastDue",
  "renewalsFailed",
  "questionsAsked",
  "answersGiven",
  "daysToAccessEnd",
  "tenureDays",
];

/** What the feature vector is made of; stored in the model so scoring builds exactly the same vector. */
export interface ChurnFeatureSchema {
  /** Event types with their own counts, in this order; other types count in the totals only. */
  eventTypes: string[];
  /** Window lengths in days, ascending, e.g. [1, 3, 7, 14, 30]. */
  windows: number[];
}

export const DEFAULT_WINDOWS = [1, 3, 7, 14, 30];

/** Each of the last days gets its own activity feature: the exact recent pattern matters more than older ones. */
const RECENT_DAYS = 7;

/**
 * One member's events in columnar form (no object per event: a million members must fit in memory and time).
 * `types[i]` is an index into the schema's `eventTypes`, or -1 for a type the schema does not know.
 */
export interface MemberEvents {
  types: ArrayLike<number>;
  /** Milliseconds since the epoch. */
  times: ArrayLike<number>;
  counts: ArrayLike<number>;
  start: number;
  end: number;
}

/** The names of the per-member features, in vector order. */
export function memberFeatureNames(schema: ChurnFeatureSchema): string[] {
  const names: string[] = [];
  const horizon = schema.windows[schema.windows.length - 1] ?? 30;
  for (const type of schema.eventTypes) for (const w of schema.windows) names.push(`count:${type}:${w}d`);
  for (const w of schema.windows) names.push(`count:all:${w}d`);
  for (const w of schema.windows) if (w > 1) names.push(`active_days:${w}d`);
  for (const type of schema.eventTypes) names.push(`days_since_last:${type}`);
  names.push("days_since_last", "days_since_first", "active_span_share");
  for (const w of schema.windows) if (2 * w <= horizon && w > 1) names.push(`trend:${w}d`);
  names.push("types_used:7d", `types_used:${horizon}d`, "mean_gap_days", "max_gap_days", "activity_age_days");
  names.push("recent_share:7d", "per_active_day");
  for (let day = 0; day < RECENT_DAYS; day += 1) names.push(`day:${day}`);
  for (const extra of CHURN_EXTRAS) names.push(`extra:${extra}`);
  return names;
}

/** Reused scratch space: one per caller, so scoring a million members allocates nothing per member. */
export interface FeatureScratch {
  dayTotals: Float64Array;
  typeLast: Float64Array;
  typeSeen: Uint8Array;
}

export function createFeatureScratch(schema: ChurnFeatureSchema): FeatureScratch {
  const horizon = schema.windows[schema.windows.length - 1] ?? 30;
  return {
    dayTotals: new Float64Array(horizon),
    typeLast: new Float64Array(schema.eventTypes.length),
    typeSeen: new Uint8Array(schema.eventTypes.length * 2),
  };
}

/**
 * Writes the member features into `out` (length `memberFeatureNames(schema).length`) and returns it.
 * Counts are log1p-compressed (heavy users should not dominate); a recency with no event is `horizon + 1`.
 *
 * @example computeMemberFeatures({ schema, asOf: Date.parse("2024-05-01T23:59:59Z"), events, out })
 */
export function computeMemberFeatures(options: {
  schema: ChurnFeatureSchema;
  asOf: number;
  events: MemberEvents;
  extras?: ChurnExtras;
  out: Float64Array;
  scratch?: FeatureScratch;
}): Float64Array {
  const { schema, asOf, events, out } = options;
  const windows = schema.windows;
  const types = schema.eventTypes.length;
  const horizon = windows[windows.length - 1] ?? 30;
  const scratch = options.scratch ?? createFeatureScratch(schema);
  const { dayTotals, typeLast, typeSeen } = scratch;
  dayTotals.fill(0);
  typeLast.fill(Number.POSITIVE_INFINITY);
  typeSeen.fill(0);
  out.fill(0);

  // --- Pass over the events: per-type window counts (stored raw first), daily totals, recencies.
  const perType = types * windows.length;
  let first = Number.NEGATIVE_INFINITY;
  let last = Number.POSITIVE_INFINITY;
  let weightedAge = 0;
  let totalAll = 0;
  for (let i = events.start; i < events.end; i += 1) {
    const time = events.times[i] as number;
    if (time > asOf) continue; // never look past as_of
    const count = events.counts[i] as number;
    if (!(count > 0)) continue;
    const age = (asOf - time) / DAY_MS;
    const day = Math.floor(age);
    const type = events.types[i] as number;
    if (age < last) last = age;
    if (age > first) first = age;
    if (type >= 0 && age < (typeLast[type] as number)) typeLast[type] = age;
    if (day >= horizon) continue;
    totalAll += count;
    weightedAge += count * age;
    dayTotals[day] = (dayTotals[day] as number) + count;
    if (type >= 0) {
      if (day < 7) typeSeen[type] = 1;
      typeSeen[types + type] = 1;
      for (let w = 0; w < windows.length; w += 1) {
        if (day < (windows[w] as number))
          out[type * windows.length + w] = (out[type * windows.length + w] as number) + count;
      }
    }
  }

  let k = 0;
  for (; k < perType; k += 1) out[k] = Math.log1p(out[k] as number);
  // Totals and active days per window, from the daily totals.
  const windowTotal = (from: number, to: number) => {
    let sum = 0;
    for (let d = from; d < to && d < horizon; d += 1) sum += dayTotals[d] as number;
    return sum;
  };
  const activeDays = (from: number, to: number) => {
    let days = 0;
    for (let d = from; d < to && d < horizon; d += 1) if ((dayTotals[d] as number) > 0) days += 1;
    return days;
  };
  for (const w of windows) out[k++] = Math.log1p(windowTotal(0, w));
  for (const w of windows) if (w > 1) out[k++] = activeDays(0, w);
  for (let t = 0; t < types; t += 1) out[k++] = Math.min(typeLast[t] as number, horizon + 1);
  const hasAny = Number.isFinite(last);
  out[k++] = hasAny ? last : horizon + 1;
  out[k++] = hasAny ? first : 0;
  const activeHorizon = activeDays(0, horizon);
  out[k++] = hasAny ? activeHorizon / (Math.min(first, horizon - 1) + 1) : 0;
  // Trend: the last window against the one before it, in log space (−1 ≈ activity fell to a third).
  for (const w of windows) {
    if (2 * w <= horizon && w > 1) out[k++] = Math.log1p(windowTotal(0, w)) - Math.log1p(windowTotal(w, 2 * w));
  }
  let used7 = 0;
  let usedAll = 0;
  for (let t = 0; t < types; t += 1) {
    used7 += typeSeen[t] as number;
    usedAll += typeSeen[types + t] as number;
  }
  out[k++] = used7;
  out[k++] = usedAll;
  // Gaps between active days: a member who comes every few days is not lost after a two-day silence.
  let previous = -1;
  let gaps = 0;
  let gapSum = 0;
  let maxGap = 0;
  for (let d = 0; d < horizon; d += 1) {
    if ((dayTotals[d] as number) <= 0) continue;
    if (previous >= 0) {
      const gap = d - previous;
      gaps += 1;
      gapSum += gap;
      if (gap > maxGap) maxGap = gap;
    }
    previous = d;
  }
  out[k++] = gaps ? gapSum / gaps : horizon;
  out[k++] = maxGap;
  out[k++] = totalAll > 0 ? weightedAge / totalAll : horizon;
  out[k++] = totalAll > 0 ? windowTotal(0, 7) / totalAll : 0;
  out[k++] = activeHorizon > 0 ? Math.log1p(totalAll / activeHorizon) : 0;
  for (let day = 0; day < RECENT_DAYS; day += 1) out[k++] = day < horizon ? Math.log1p(dayTotals[day] as number) : 0;
  for (const extra of CHURN_EXTRAS) {
    const value = options.extras?.[extra];
    out[k++] = value === undefined || value === null || Number.isNaN(value) ? Number.NaN : value;
  }
  return out;
}

/**
 * Columnar events from plain objects (tests, the daily job): type names are mapped to the schema's indices.
 *
 * @example memberEventsFrom(schema, [{ type: "lesson_opened", occurredAt: new Date(), count: 1 }])
 */
export function memberEventsFrom(
  schema: ChurnFeatureSchema,
  events: readonly { type: string; occurredAt: Date | number; count?: number }[],
): MemberEvents {
  const index = new Map(schema.eventTypes.map((type, i) => [type, i]));
  return {
    types: events.map((event) => index.get(event.type) ?? -1),
    times: events.map((event) =>
      typeof event.occurredAt === "number" ? event.occurredAt : event.occurredAt.getTime(),
    ),
    counts: events.map((event) => event.count ?? 1),
    start: 0,
    end: events.length,
  };
}

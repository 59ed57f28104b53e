import { describe, expect, it } from "vitest";
import {
  type ChurnFeatureSchema,
  computeMemberFeatures,
  memberEventsFrom,
  memberFeatureNames,
} from "../../core/insights/churn-features.js";

const schema: ChurnFeatureSchema = { eventTypes: ["lesson_opened", "question_asked"], windows: [1, 3, 7, 14, 30] };
const asOf = Date.parse("2024-06-30T23:59:59Z");
const day = (n: number) => asOf - n * 86_400_000 - 3_600_000; // n days before as_of
const history = [
  { type: "lesson_opened", occurredAt: day(0), count: 2 },
  { type: "lesson_opened", occurredAt: day(5), count: 1 },
  { type: "question_asked", occurredAt: day(12) },
  { type: "something_new", occurredAt: day(20), count: 4 },
];

function features(events: typeof history, extras = {}) {
  const names = memberFeatureNames(schema);
  const out = computeMemberFeatures({
    schema,
    asOf,
    events: memberEventsFrom(schema, events),
    extras,
    out: new Float64Array(names.length),
  });
  return Object.fromEntries(names.map((name, i) => [name, out[i] as number]));
}

describe("churn features", () => {
  it("are built from the member's own history before as_of", () => {
    const f = features(history, { renewalsFailed: 1 });
    expect(f["count:lesson_opened:1d"]).toBeCloseTo(Math.log1p(2));
    expect(f["count:lesson_opened:7d"]).toBeCloseTo(Math.log1p(3));
    expect(f["count:all:30d"]).toBeCloseTo(Math.log1p(8)); // the unknown type counts in the totals
    expect(f["active_days:7d"]).toBe(2);
    expect(f["active_days:30d"]).toBe(4);
    expect(Math.floor(f["days_since_last:question_asked"] as number)).toBe(12);
    expect(Math.floor(f.days_since_first as number)).toBe(20);
    expect(f["extra:renewalsFailed"]).toBe(1);
    expect(Number.isNaN(f["extra:courseProgress"])).toBe(true); // unknown facts stay missing, not zero
  });

  it.each([
    ["an hour after as_of", 1 / 24],
    ["the next day", 1],
    ["a month later", 31],
  ])("never change when events come %s", (_label, daysAfter) => {
    const before = features(history);
    const future = [
      { type: "lesson_opened", occurredAt: asOf + daysAfter * 86_400_000, count: 9 },
      { type: "question_asked", occurredAt: asOf + 1, count: 3 },
      { type: "something_new", occurredAt: asOf + daysAfter * 86_400_000 },
    ];
    expect(features([...history, ...future])).toEqual(before);
    expect(features([...future, ...history])).toEqual(before);
  });

  it("count an event exactly at as_of", () => {
    const f = features([...history, { type: "question_asked", occurredAt: asOf, count: 1 }]);
    expect(f["days_since_last:question_asked"]).toBe(0);
  });

  it("show a falling trend as a negative value", () => {
    const falling = features([
      { type: "lesson_opened", occurredAt: day(10), count: 20 },
      { type: "lesson_opened", occurredAt: day(1), count: 1 },
    ]);
    expect(falling["trend:7d"]).toBeLessThan(-1);
  });
});

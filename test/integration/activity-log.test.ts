/**
 * The activity log's batched write: what a member did reaches the database as recorded (ids, a missing product, the
 * JSON facts, the moment to the millisecond), in batches larger than one statement takes, and the events of a member
 * who no longer exists are dropped without losing the others'.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushActivity, recordActivity } from "../../core/learning/record-activity.js";
import { createHarness, type Harness } from "../support/harness.js";

describe("the activity log", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("writes every event as recorded, across several batches", async () => {
    await h.say("ada", "/start");
    await h.say("bob", "/start");
    const ada = await h.memberId("ada");
    const bob = await h.memberId("bob");
    const base = h.clock.now().getTime();
    const recorded = Array.from({ length: 1_234 }, (_, i) => ({
      memberId: i % 2 ? ada : bob,
      kind: i % 3 ? ("lesson_opened" as const) : ("course_viewed" as const),
      productId: i % 5 ? 1 + (i % 4) : null,
      data: i % 7 ? { lessonId: i, note: `引号 "quoted" \\ ${i}` } : {},
      occurredAt: new Date(base - i * 1_001),
    }));
    for (const event of recorded) recordActivity(h.ctx, event);
    await flushActivity(h.ctx);
    const rows = await h.db.prisma.activityEvent.findMany({
      where: { memberId: { in: [ada, bob] }, kind: { in: ["lesson_opened", "course_viewed"] } },
      orderBy: { occurredAt: "desc" },
    });
    expect(rows.length).toBe(recorded.length);
    rows.forEach((row, i) => {
      const event = recorded[i]!;
      expect({
        memberId: row.memberId,
        kind: row.kind,
        productId: row.productId,
        data: row.data,
        occurredAt: row.occurredAt.toISOString(),
      }).toEqual({ ...event, occurredAt: event.occurredAt.toISOString() });
    });
  });

  it("drops the events of a member who no longer exists and keeps the rest", async () => {
    await h.say("cy", "/start");
    const cy = await h.memberId("cy");
    const gone = 987_654;
    const before = await h.db.prisma.activityEvent.count({ where: { memberId: cy } });
    recordActivity(h.ctx, { memberId: cy, kind: "question_asked" });
    recordActivity(h.ctx, { memberId: gone, kind: "question_asked" });
    recordActivity(h.ctx, { memberId: cy, kind: "lesson_completed", productId: 1, data: { lessonId: 3 } });
    await flushActivity(h.ctx);
    const kinds = await h.db.prisma.activityEvent.findMany({
      where: { memberId: cy },
      orderBy: { id: "asc" },
      skip: before,
      select: { kind: true },
    });
    expect(kinds.map((k) => k.kind)).toEqual(["question_asked", "lesson_completed"]);
    expect(await h.db.prisma.activityEvent.count({ where: { memberId: gone } })).toBe(0);
  });
});

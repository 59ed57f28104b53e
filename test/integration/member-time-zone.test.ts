/**
 * Dates a member sees are in their own time zone: a live session's start with its time and zone, the end of access.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";

describe("dates in the member's time zone", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const clock = (date: Date, timeZone: string) =>
    new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);

  it("a live session shows its start time in the reader's zone, named", async () => {
    const live = await h.db.prisma.product.findFirstOrThrow({ where: { kind: "LIVE_SESSION" } });
    const startsAt = live.startsAt!;
    await h.say("lin", "/timezone Asia/Shanghai");
    const shanghai = await h.say("lin", `/course ${live.id}`);
    expect(shanghai).toContain(clock(startsAt, "Asia/Shanghai"));
    expect(shanghai).toContain("GMT+8");

    await h.say("sam", "/timezone America/New_York");
    const newYork = await h.say("sam", `/course ${live.id}`);
    expect(newYork).toContain(clock(startsAt, "America/New_York"));
    expect(newYork).toMatch(/E[SD]T|GMT-[45]/);
  });
});

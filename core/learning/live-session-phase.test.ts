import { describe, expect, it } from "vitest";
import { liveSessionPhase, liveSessionTimes } from "./live-session-phase.js";

const start = new Date("2026-12-09T10:00:00Z");
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

describe("liveSessionPhase", () => {
  it.each([
    ["a day before", -1440, 60, "UPCOMING"],
    ["16 minutes before", -16, 60, "UPCOMING"],
    ["15 minutes before: the door opens", -15, 60, "OPEN"],
    ["at the start", 0, 60, "OPEN"],
    ["one minute before the end", 89, 90, "OPEN"],
    ["at the end", 90, 90, "ENDED"],
    ["no duration: an hour", 60, null, "ENDED"],
    ["no duration, 59 min in", 59, null, "OPEN"],
  ] as const)("%s", (_name, minutes, durationMin, phase) => {
    expect(liveSessionPhase({ startsAt: start, durationMin }, at(minutes))).toBe(phase);
  });

  it("no start: no phase and no times", () => {
    expect(liveSessionPhase({ startsAt: null, durationMin: 60 }, start)).toBeNull();
    expect(liveSessionTimes({ startsAt: null, durationMin: 60 })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { addDays, isEntitlementActive } from "./entitlement-window.js";

const now = new Date("2026-06-15T12:00:00Z");
const base = { startsAt: addDays(now, -10), endsAt: null, graceUntil: null, revokedAt: null };

describe("isEntitlementActive", () => {
  it.each([
    ["lifetime", base, true],
    ["not started yet", { ...base, startsAt: addDays(now, 1) }, false],
    ["ends in the future", { ...base, endsAt: addDays(now, 1) }, true],
    ["ended, no grace", { ...base, endsAt: addDays(now, -1) }, false],
    ["ended, inside grace", { ...base, endsAt: addDays(now, -1), graceUntil: addDays(now, 2) }, true],
    ["ended, grace over", { ...base, endsAt: addDays(now, -5), graceUntil: addDays(now, -2) }, false],
    ["revoked", { ...base, revokedAt: addDays(now, -1) }, false],
    ["ends exactly now", { ...base, endsAt: now }, false],
  ])("%s", (_name, window, expected) => {
    expect(isEntitlementActive(window, now)).toBe(expected);
  });
});

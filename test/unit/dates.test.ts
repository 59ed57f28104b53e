import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "../../core/i18n/index.js";

// 20:30 on Dec 2 in UTC is already Dec 3 in Shanghai and still Dec 2 in Los Angeles.
const EVENING_UTC = new Date("2026-12-02T20:30:00Z");

describe("dates in the member's time zone", () => {
  it.each([
    ["en", "UTC", "Dec 2, 2026"],
    ["en", "Asia/Shanghai", "Dec 3, 2026"],
    ["en", "America/Los_Angeles", "Dec 2, 2026"],
    ["zh", "Asia/Shanghai", "2026年12月3日"],
    ["en", "Not/AZone", "Dec 2, 2026"],
    ["en", null, "Dec 2, 2026"],
  ] as const)("%s in %s → %s", (locale, zone, expected) => {
    expect(formatDate(locale, EVENING_UTC, zone)).toBe(expected);
  });

  it.each([
    ["en", "Asia/Shanghai", "Dec 3, 2026, 04:30 GMT+8"],
    ["en", "UTC", "Dec 2, 2026, 20:30 UTC"],
    ["zh", "Asia/Shanghai", "2026年12月3日 GMT+8 04:30"],
  ] as const)("with the time: %s in %s → %s", (locale, zone, expected) => {
    expect(formatDateTime(locale, EVENING_UTC, zone)).toBe(expected);
  });
});

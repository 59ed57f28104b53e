import { describe, expect, it } from "vitest";
import { addDays } from "../access/entitlement-window.js";
import { lessonReleaseDate } from "./decide-lesson-access.js";

const start = new Date("2026-06-15T12:00:00Z");

describe("lessonReleaseDate", () => {
  it.each([
    ["no drip: every lesson at once", null, 5, null, 0],
    ["drip 7: lesson 1 at once", null, 1, 7, 0],
    ["drip 7: lesson 3 after 14 days", null, 3, 7, 14],
    ["a lesson's own delay wins over the course's drip", 2, 3, 7, 2],
    ["a lesson's own delay without course drip", 10, 1, null, 10],
    ["an own delay of 0 opens at once even with drip", 0, 4, 7, 0],
    ["a negative delay never opens before access began", -3, 2, null, 0],
  ])("%s", (_name, releaseAfterDays, number, dripDays, days) => {
    expect(lessonReleaseDate(start, { releaseAfterDays }, number, dripDays)).toEqual(addDays(start, days));
  });
});

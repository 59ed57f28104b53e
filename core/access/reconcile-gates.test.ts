import { describe, expect, it } from "vitest";
import { decideGateAction } from "./reconcile-gates.js";

describe("decideGateAction", () => {
  it.each([
    // desired, recorded, actual (null: platform cannot tell) → action
    [true, null, null, "grant"],
    [true, "ABSENT", null, "grant"],
    [true, "PRESENT", null, "none"],
    [true, "PRESENT", false, "grant"], // kicked by hand: let back in
    [true, "ABSENT", true, "none"], // already inside: just record it
    [false, "PRESENT", null, "revoke"],
    [false, "ABSENT", null, "none"],
    [false, null, null, "none"],
    [false, "ABSENT", true, "revoke"], // got in through an old link
    [false, "PRESENT", false, "none"], // already gone
  ] as const)("desired %s, recorded %s, actual %s → %s", (desired, recorded, actual, expected) => {
    expect(decideGateAction(desired, recorded, actual)).toBe(expected);
  });
});

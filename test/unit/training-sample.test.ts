/**
 * The bound on snapshot rows: a share of (member, moment) pairs, by hash, near the asked share over weekly moments
 * and consecutive member ids (what a community has), the same pairs every time, and everything under the bound.
 */
import { describe, expect, it } from "vitest";
import { keepTrainingRow, trainingShare } from "../../core/insights/training-sample.js";

const DAY = 86_400_000;
const asOf = Date.parse("2026-11-30T09:00:00Z");

function keptPairs(share: number): string[] {
  const kept: string[] = [];
  for (let week = 0; week < 17; week += 1) {
    const at = asOf - (14 + 7 * week) * DAY;
    for (let member = 1; member <= 3_000; member += 1)
      if (keepTrainingRow(member, at, share)) kept.push(`${member}@${week}`);
  }
  return kept;
}

describe("training sample", () => {
  it("keeps everything under the bound", () => {
    expect(trainingShare(150_000)).toBe(1);
    expect(keptPairs(1)).toHaveLength(51_000);
  });

  it("keeps close to the share of 51,000 pairs, spread over moments and members, the same pairs every time", () => {
    const share = trainingShare(51_000, 10_000);
    expect(share).toBeCloseTo(10_000 / 51_000, 10);
    const kept = keptPairs(share);
    expect(kept.length).toBeGreaterThan(9_500);
    expect(kept.length).toBeLessThan(10_500);
    // Every moment contributes its part (no moment dropped or doubled by the hash).
    for (let week = 0; week < 17; week += 1) {
      const atWeek = kept.filter((pair) => pair.endsWith(`@${week}`)).length;
      expect(atWeek).toBeGreaterThan(480);
      expect(atWeek).toBeLessThan(700);
    }
    expect(keptPairs(share)).toEqual(kept);
  });
});

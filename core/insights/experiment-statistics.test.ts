import { describe, expect, it } from "vitest";
import { seededRandom as seeded } from "../seeded-random.js";
import {
  type ArmCounts,
  compareSequentially,
  fixedHorizonPValue,
  MIXTURE_SD,
  mixtureSdFor,
  normalQuantile,
  wilsonInterval,
} from "./experiment-statistics.js";

describe("normalQuantile", () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.001, -3.090232306167813],
    [0.5, 0],
  ])("Φ⁻¹(%f) = %f (scipy's values)", (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 8);
  });
});

describe("wilsonInterval", () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, method 3 (score).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("%i of %i → %f to %f", (successes, trials, low, high) => {
    const interval = wilsonInterval(successes, trials);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it("is the whole of [0, 1] with no trials", () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe("compareSequentially (mSPRT)", () => {
  it("matches the formula's values computed independently", () => {
    // Computed by hand (Python) from Λ = √(V/(V+τ²))·exp(τ²θ²/(2V(V+τ²))), τ = 0.02, α = 0.05.
    const result = compareSequentially({ exposures: 1000, conversions: 32 }, { exposures: 1000, conversions: 61 })!;
    expect(result.difference).toBeCloseTo(0.029, 10);
    expect(result.interval.low).toBeCloseTo(-0.000092, 6);
    expect(result.interval.high).toBeCloseTo(0.058092, 6);
    expect(result.likelihoodRatio).toBeCloseTo(19.5205, 3);
    // Just short of 1/α = 20: not conclusive, and the interval agrees (it still holds 0).
    expect(result.conclusive).toBe(false);
    // The one-look z-test calls the same counts significant; it may, once, but not when read every day.
    expect(fixedHorizonPValue({ exposures: 1000, conversions: 32 }, { exposures: 1000, conversions: 61 })).toBeLessThan(
      0.01,
    );
  });

  it("says conclusive exactly when its interval leaves out zero", () => {
    const random = seeded(7);
    for (let i = 0; i < 500; i += 1) {
      const n = 50 + Math.floor(random() * 3000);
      const a = { exposures: n, conversions: Math.floor(random() * n * 0.1) };
      const b = { exposures: n, conversions: Math.floor(random() * n * 0.1) };
      const result = compareSequentially(a, b)!;
      const excludesZero = result.interval.low > 0 || result.interval.high < 0;
      // Equal up to rounding at the boundary.
      if (Math.abs(result.likelihoodRatio - 20) > 1e-6) expect(result.conclusive).toBe(excludesZero);
    }
  });

  it("never shows an interval beyond what a difference of two rates can be", () => {
    // A few dozen members per arm: the always-valid interval is wider than ±100 points before it is cut.
    const small = compareSequentially({ exposures: 36, conversions: 14 }, { exposures: 21, conversions: 15 })!;
    expect(small.interval.low).toBe(-1);
    expect(small.interval.high).toBe(1);
    expect(small.conclusive).toBe(false);
    const large = compareSequentially({ exposures: 5000, conversions: 250 }, { exposures: 5000, conversions: 400 })!;
    expect(large.interval.low).toBeGreaterThan(0);
    expect(large.interval.high).toBeLessThan(0.1);
  });

  it("tunes its prior to the community's size, within 2 and 10 points", () => {
    expect(mixtureSdFor(150)).toBeCloseTo(Math.sqrt(0.5 / 150), 10);
    expect(mixtureSdFor(5000)).toBe(MIXTURE_SD);
    expect(mixtureSdFor(10)).toBe(0.1);
    expect(mixtureSdFor(0)).toBe(0.1);
    // A few hundred members: the community's prior gives a much narrower interval than the default, still valid.
    const a = { exposures: 150, conversions: 45 };
    const b = { exposures: 150, conversions: 68 };
    const width = (sd?: number) => {
      const { interval } = compareSequentially(a, b, { mixtureSd: sd })!;
      return interval.high - interval.low;
    };
    expect(width(mixtureSdFor(150))).toBeLessThan(0.7 * width());
  });

  it("has nothing to say before both arms have exposures", () => {
    expect(compareSequentially({ exposures: 0, conversions: 0 }, { exposures: 10, conversions: 1 })).toBeNull();
  });

  /** Daily looks at one simulated experiment: visitors per arm per day, true rates, days. */
  function simulate(
    random: () => number,
    options: { perDay: number; rateA: number; rateB: number; days: number },
    decide: (a: ArmCounts, b: ArmCounts) => boolean,
  ): boolean {
    const a = { exposures: 0, conversions: 0 };
    const b = { exposures: 0, conversions: 0 };
    for (let day = 0; day < options.days; day += 1) {
      for (let i = 0; i < options.perDay; i += 1) {
        a.exposures += 1;
        if (random() < options.rateA) a.conversions += 1;
        b.exposures += 1;
        if (random() < options.rateB) b.conversions += 1;
      }
      // The creator looks every evening and stops at the first "significant".
      if (decide(a, b)) return true;
    }
    return false;
  }

  it("keeps the false-positive rate below α on A/A tests looked at every day, where a z-test does not", () => {
    const random = seeded(2024);
    const runs = 1000;
    let sequential = 0;
    let naive = 0;
    for (let run = 0; run < runs; run += 1) {
      const options = { perDay: 40, rateA: 0.05, rateB: 0.05, days: 60 };
      const state = random() * 2 ** 32;
      // Both rules judge the very same data.
      if (simulate(seeded(state), options, (a, b) => compareSequentially(a, b)!.conclusive)) sequential += 1;
      if (simulate(seeded(state), options, (a, b) => fixedHorizonPValue(a, b) < 0.05)) naive += 1;
    }
    expect(sequential / runs).toBeLessThan(0.05);
    // Daily peeking at a one-look test: several times α. This is what the always-valid method prevents.
    expect(naive / runs).toBeGreaterThan(0.15);
  });

  it("still finds a real difference: 5 % against 8 % over 60 days of 40 members per arm", () => {
    const random = seeded(99);
    const runs = 300;
    let found = 0;
    for (let run = 0; run < runs; run += 1) {
      const options = { perDay: 40, rateA: 0.05, rateB: 0.08, days: 60 };
      if (simulate(random, options, (a, b) => compareSequentially(a, b)!.conclusive)) found += 1;
    }
    expect(found / runs).toBeGreaterThan(0.8);
  });

  it("covers the true difference at every daily look at once, in at least 95 % of experiments", () => {
    const random = seeded(5);
    const runs = 500;
    let missed = 0;
    for (let run = 0; run < runs; run += 1) {
      const options = { perDay: 40, rateA: 0.04, rateB: 0.06, days: 60 };
      const truth = options.rateB - options.rateA;
      const outside = (a: ArmCounts, b: ArmCounts) => {
        const { interval } = compareSequentially(a, b)!;
        return truth < interval.low || truth > interval.high;
      };
      if (simulate(random, options, outside)) missed += 1;
    }
    expect(missed / runs).toBeLessThan(0.05);
  });
});

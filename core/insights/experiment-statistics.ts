/**
 * The statistics behind experiment results: a Wilson interval per variant, and an always-valid comparison of each
 * variant with the control (a mixture sequential probability ratio test, mSPRT).
 *
 * Why always-valid: creators look at /experiments every day. A fixed-horizon test (a z-test, a 95 % interval) read
 * every day and acted on the first day it says "significant" is wrong far more often than 5 % of the time (the A/A
 * simulation in experiment-statistics.test.ts measures it). The mSPRT of Johari, Pekelis and Walsh ("Always valid
 * inference", 2017; the method behind Optimizely's stats engine) gives a likelihood ratio that is a martingale under
 * "no difference", so by Ville's inequality the chance that it *ever* crosses 1/α — however often, whenever one looks —
 * is at most α. Its interval (a confidence sequence) covers the true difference at all times at once; "conclusive"
 * means exactly that this interval excludes zero, so the words and the numbers never disagree. The price: the
 * interval is wider than a one-look interval (about 1.5× for a typical community's sample sizes). The other road, a
 * pre-registered sample size with results hidden until it is reached, would leave creators with nothing to look at
 * for weeks and breaks as soon as anyone stops early; this one needs no planning.
 *
 * Pure functions: no database, no clock.
 */

// --- Normal quantile

/**
 * The standard normal quantile (inverse CDF), by Acklam's rational approximation (relative error below 1.2e-9 over
 * (0, 1): far finer than any interval shown to a creator).
 *
 * @example normalQuantile(0.975) // 1.95996398…
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
    );
  }
  return -normalQuantile(1 - p);
}

/** The complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

// --- One proportion

export interface Interval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval for a proportion: sensible at 0 and n successes and for small n, where the textbook
 * p ± z·√(p(1−p)/n) collapses to a point or leaves [0, 1].
 *
 * @example wilsonInterval(81, 263) // { low: 0.2553…, high: 0.3662… } (Newcombe 1998)
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

// --- Two proportions, always valid

export interface ArmCounts {
  /** Members exposed. */
  exposures: number;
  /** Of them, members who converted. */
  conversions: number;
}

/**
 * The mixing prior's standard deviation for the difference of two conversion rates when an experiment has none of its
 * own: the size of effect the test is tuned to find fastest. Validity does not depend on it; power does: 2 points
 * suits thousands of members per arm (rates of a few percent), and finds nothing in a community of a few hundred.
 */
export const MIXTURE_SD = 0.02;

/**
 * The prior for an experiment that can reach at most `membersPerArm` members per arm, fixed when it starts (from the
 * community's size, never from its outcomes, so the test stays valid): the standard error the difference would have
 * with every member exposed at a 50 % rate, √(0.5 / n), between 2 and 10 points. Simulated 60 days of daily looks: 2
 * members a day per arm, 30 % against 45 %, found 35 % of the time with 10 points and never with 2; with 40 a day,
 * 5 % against 8 %, the 2 points a community of that size gets find it 97 % of the time.
 *
 * @example mixtureSdFor(150) // 0.058
 */
export function mixtureSdFor(membersPerArm: number): number {
  if (!(membersPerArm > 0)) return 0.1;
  return Math.min(0.1, Math.max(MIXTURE_SD, Math.sqrt(0.5 / membersPerArm)));
}

export interface SequentialComparison {
  /** Treatment rate minus control rate. */
  difference: number;
  /** The always-valid (1 − α) interval for the difference: covers the truth at every look at once. */
  interval: Interval;
  /** The mixture likelihood ratio; ≥ 1/α means conclusive. */
  likelihoodRatio: number;
  /** The always-valid p-value for "no difference" at this look: min(1, 1/likelihood ratio). */
  pValue: number;
  /** The interval excludes zero (the same as pValue ≤ α). */
  conclusive: boolean;
}

/**
 * The mSPRT comparison of a treatment with a control, from the counts so far. The difference is approximately normal
 * with variance V = pA(1−pA)/nA + pB(1−pB)/nB; with a N(0, τ²) mixture over the true difference the likelihood ratio is
 *   Λ = √(V/(V+τ²)) · exp(τ² θ̂² / (2V(V+τ²)))
 * and {θ : Λ(θ̂ − θ) < 1/α} is the confidence sequence. Rates in V are shrunk toward ½ by one success and one failure
 * (Agresti–Caffo), so an arm with no conversions yet does not claim zero variance.
 *
 * @example compareSequentially({ exposures: 1000, conversions: 32 }, { exposures: 1000, conversions: 61 }).conclusive
 */
export function compareSequentially(
  control: ArmCounts,
  treatment: ArmCounts,
  options: { alpha?: number; mixtureSd?: number } = {},
): SequentialComparison | null {
  if (control.exposures <= 0 || treatment.exposures <= 0) return null;
  const alpha = options.alpha ?? 0.05;
  const tau2 = (options.mixtureSd ?? MIXTURE_SD) ** 2;
  const difference = treatment.conversions / treatment.exposures - control.conversions / control.exposures;
  const variance = armVariance(control) + armVariance(treatment);
  const likelihoodRatio =
    Math.sqrt(variance / (variance + tau2)) *
    Math.exp((tau2 * difference * difference) / (2 * variance * (variance + tau2)));
  const half = Math.sqrt(
    ((variance * (variance + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance)),
  );
  const pValue = Math.min(1, 1 / likelihoodRatio);
  return {
    difference,
    // A difference of two rates lies in [−1, 1]: cut there, the interval still covers the truth, and a creator with a
    // few dozen members per arm is not shown "−175 to +240 points".
    interval: { low: Math.max(-1, difference - half), high: Math.min(1, difference + half) },
    likelihoodRatio,
    pValue,
    conclusive: pValue <= alpha,
  };
}

function armVariance(arm: ArmCounts): number {
  const p = (arm.conversions + 1) / (arm.exposures + 2);
  return (p * (1 - p)) / arm.exposures;
}

/**
 * The classic one-look two-proportion z-test p-value (pooled variance). Not used for decisions: it is here so tests
 * can show what daily peeking does to it.
 */
export function fixedHorizonPValue(control: ArmCounts, treatment: ArmCounts): number {
  const n1 = control.exposures;
  const n2 = treatment.exposures;
  if (n1 <= 0 || n2 <= 0) return 1;
  const pooled = (control.conversions + treatment.conversions) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = Math.abs(treatment.conversions / n2 - control.conversions / n1) / se;
  return erfc(z / Math.SQRT2);
}

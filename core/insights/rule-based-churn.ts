/**
 * The rule-based churn scorer, used automatically while a community has too little labelled history to learn
 * from (fewer than `MIN_LABELLED_MEMBERS` members with a known outcome, or fewer than `MIN_PER_CLASS` of either
 * outcome). Each rule that fires adds points to the member's log-odds; the thresholds are settings:
 *
 * | rule | default | points |
 * | --- | --- | --- |
 * | no activity for at least `inactiveDays` days | 14 | +2 (+1 more at twice that) |
 * | activity of the last 7 days at most `fallingRatio` of the 7 before | 0.5 | +1 |
 * | active on at most `fewActiveDays` of the last 14 days | 2 | +1 |
 * | payment past due, or a renewal failed | — | +2 |
 * | paid access ends within `accessEndingDays` days | 7 | +1 |
 *
 * The start is −2 (a member with none of these is unlikely to leave); days since the last activity break ties.
 */

export const MIN_LABELLED_MEMBERS = 200;
export const MIN_PER_CLASS = 20;

export interface ChurnRuleSettings {
  inactiveDays: number;
  fallingRatio: number;
  fewActiveDays: number;
  accessEndingDays: number;
}

export const DEFAULT_CHURN_RULES: ChurnRuleSettings = {
  inactiveDays: 14,
  fallingRatio: 0.5,
  fewActiveDays: 2,
  accessEndingDays: 7,
};

const BASE = -2;

/** Adds each fired rule's points to the feature it reads; returns the total log-odds. */
export function ruleContributions(
  rules: ChurnRuleSettings,
  names: readonly string[],
  vector: ArrayLike<number>,
  out?: Float64Array,
): number {
  const value = (name: string) => {
    const i = names.indexOf(name);
    return i < 0 ? Number.NaN : (vector[i] as number);
  };
  const add = (name: string, points: number) => {
    const i = names.indexOf(name);
    if (out && i >= 0) out[i] = (out[i] as number) + points;
    return points;
  };
  let score = BASE;
  const idle = value("days_since_last");
  if (idle >= rules.inactiveDays) score += add("days_since_last", idle >= 2 * rules.inactiveDays ? 3 : 2);
  score += add("days_since_last", Math.min(Number.isNaN(idle) ? 0 : idle, 60) / 60); // ties: longer silence first
  // trend:7d is log1p(last 7) − log1p(previous 7); "falling" when the previous week had activity at all.
  const trend = value("trend:7d");
  if (trend <= Math.log(rules.fallingRatio) && idle < rules.inactiveDays) score += add("trend:7d", 1);
  if (value("active_days:14d") <= rules.fewActiveDays) score += add("active_days:14d", 1);
  if (value("extra:paymentPastDue") > 0) score += add("extra:paymentPastDue", 2);
  else if (value("extra:renewalsFailed") > 0) score += add("extra:renewalsFailed", 2);
  const accessLeft = value("extra:daysToAccessEnd");
  if (accessLeft <= rules.accessEndingDays) score += add("extra:daysToAccessEnd", 1);
  return score;
}

/** The rules' log-odds for a full feature vector. */
export function ruleScore(rules: ChurnRuleSettings, names: readonly string[], vector: ArrayLike<number>): number {
  return ruleContributions(rules, names, vector);
}

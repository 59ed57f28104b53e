/**
 * The top reasons behind a member's churn score, in words a creator acts on ("no lesson opened for 12 days",
 * "activity down 60 % on the week before", "renewal failed"), in the creator's language.
 *
 * Per-feature contributions to the log-odds (tree path attribution and the logistic terms, or the rules that
 * fired) are summed per kind of reason; the kinds pushing most towards churn become reasons, each stated with the
 * member's own values, and only when the value supports the words (a trend is a reason only if activity fell).
 * Community-level features are not reasons about the member and are left out.
 */
import { type LocaleCode, messages } from "../i18n/index.js";
import { type ChurnModel, churnContributions } from "./churn-model.js";

export type ChurnReason =
  | { code: "noActivityFor"; days: number }
  | { code: "noEventFor"; eventType: string; days: number }
  | { code: "activityDown"; percent: number; days: number }
  | { code: "fewActiveDays"; active: number; days: number }
  | { code: "belowCommunity" }
  | { code: "paymentPastDue" }
  | { code: "renewalFailed" }
  | { code: "accessEnding"; days: number }
  | { code: "accessEnded" }
  | { code: "lowProgress"; percent: number }
  | { code: "noQuestions" }
  | { code: "newMember"; days: number };

/** The most reasons shown per member. */
const MAX_REASONS = 3;
/** A kind of reason must add at least this much to the log-odds to be named. */
const MIN_WEIGHT = 0.02;

/**
 * The top reasons for one full feature vector, strongest first.
 *
 * @example explainChurnRisk({ model, vector }) // [{ code: "noEventFor", eventType: "lesson_opened", days: 12 }, …]
 */
export function explainChurnRisk(options: { model: ChurnModel; vector: ArrayLike<number> }): ChurnReason[] {
  const { model, vector } = options;
  const contributions = churnContributions(model, vector);
  const names = model.featureNames;
  const value = (name: string) => {
    const i = names.indexOf(name);
    return i < 0 ? Number.NaN : (vector[i] as number);
  };
  const weights = new Map<string, number>();
  names.forEach((name, i) => {
    const kind = reasonKind(name);
    if (kind) weights.set(kind, (weights.get(kind) ?? 0) + (contributions[i] as number));
  });
  const horizon = model.schema.windows[model.schema.windows.length - 1] ?? 30;
  const reasons: ChurnReason[] = [];
  for (const [kind, weight] of [...weights.entries()].sort((a, b) => b[1] - a[1])) {
    if (weight < MIN_WEIGHT || reasons.length >= MAX_REASONS) break;
    const reason = describe(kind, value, horizon);
    if (reason && !reasons.some((r) => JSON.stringify(r) === JSON.stringify(reason))) reasons.push(reason);
  }
  return reasons;
}

/** Which reason a feature speaks for (undefined: not a reason about the member). */
function reasonKind(name: string): string | undefined {
  if (name.startsWith("group:")) return undefined;
  if (name.startsWith("days_since_last:")) return `type:${name.slice("days_since_last:".length)}`;
  if (name.startsWith("trend:")) return "trend";
  if (name.startsWith("active_days:") || name === "active_span_share" || name.endsWith("_gap_days"))
    return "activeDays";
  if (name.startsWith("relative:") || name.startsWith("count:all:") || name === "per_active_day") return "community";
  if (name.startsWith("count:")) return `type:${name.split(":")[1]}`;
  if (name.startsWith("extra:")) return name;
  return "recency"; // days_since_last, day:N, recent_share, activity_age_days, types_used, days_since_first
}

function describe(kind: string, value: (name: string) => number, horizon: number): ChurnReason | undefined {
  const idle = Math.floor(value("days_since_last"));
  if (kind === "recency") return idle >= 2 && idle <= horizon ? { code: "noActivityFor", days: idle } : undefined;
  if (kind.startsWith("type:")) {
    const eventType = kind.slice(5);
    const days = Math.floor(value(`days_since_last:${eventType}`));
    if (days > horizon) return idle >= 2 && idle <= horizon ? { code: "noActivityFor", days: idle } : undefined;
    return days >= 2 ? { code: "noEventFor", eventType, days } : undefined;
  }
  if (kind === "trend") {
    const trend = value("trend:7d");
    // trend = log1p(last week) − log1p(week before): the share left, approximately.
    const percent = Math.round((1 - Math.exp(trend)) * 100);
    return percent >= 10 ? { code: "activityDown", percent, days: 7 } : undefined;
  }
  if (kind === "activeDays") {
    const active = value("active_days:14d");
    // No active day in two weeks says less than how long the member has been away, when that is known.
    if (active === 0 && idle >= 14 && idle <= horizon) return { code: "noActivityFor", days: idle };
    return active <= 4 ? { code: "fewActiveDays", active, days: 14 } : undefined;
  }
  if (kind === "community") return value("relative:total") < 0 ? { code: "belowCommunity" } : undefined;
  if (kind === "extra:paymentPastDue")
    return value("extra:paymentPastDue") > 0 ? { code: "paymentPastDue" } : undefined;
  if (kind === "extra:renewalsFailed") return value("extra:renewalsFailed") > 0 ? { code: "renewalFailed" } : undefined;
  if (kind === "extra:daysToAccessEnd") {
    const left = value("extra:daysToAccessEnd");
    if (Number.isNaN(left) || left > 14) return undefined;
    return left < 0 ? { code: "accessEnded" } : { code: "accessEnding", days: Math.floor(left) };
  }
  if (kind === "extra:courseProgress") {
    const progress = value("extra:courseProgress");
    return progress < 0.5 ? { code: "lowProgress", percent: Math.round(progress * 100) } : undefined;
  }
  if (kind === "extra:questionsAsked" || kind === "extra:answersGiven") {
    return value("extra:questionsAsked") === 0 && !(value("extra:answersGiven") > 0)
      ? { code: "noQuestions" }
      : undefined;
  }
  if (kind === "extra:tenureDays") {
    const tenure = value("extra:tenureDays");
    return tenure <= 14 ? { code: "newMember", days: Math.floor(tenure) } : undefined;
  }
  return undefined;
}

/**
 * One reason as a sentence in the creator's language.
 *
 * @example describeChurnReason("en", { code: "noEventFor", eventType: "lesson_opened", days: 12 })
 * // "no lesson opened for 12 days"
 */
export function describeChurnReason(locale: LocaleCode, reason: ChurnReason): string {
  const text = messages(locale).insights;
  switch (reason.code) {
    case "noEventFor":
      return text.noEventFor({ event: text.eventTypes[reason.eventType] ?? reason.eventType, days: reason.days });
    case "noActivityFor":
      return text.noActivityFor({ days: reason.days });
    case "activityDown":
      return text.activityDown({ percent: reason.percent, days: reason.days });
    case "fewActiveDays":
      return text.fewActiveDays({ active: reason.active, days: reason.days });
    case "accessEnding":
      return text.accessEnding({ days: reason.days });
    case "lowProgress":
      return text.lowProgress({ percent: reason.percent });
    case "newMember":
      return text.newMember({ days: reason.days });
    default:
      return text[reason.code];
  }
}

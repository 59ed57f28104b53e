/**
 * The settings of recommendations and nudges in the product: how many recommendations a member keeps, when an item
 * may be shown again, and the daily messages' frequency cap, holdout, conversion window, optional coupon, the risk
 * above which a member counts as at risk, and who gets a first-purchase offer with what discount. Defaults below; the app overrides them from the environment
 * (RECOMMENDATIONS_PER_MEMBER, NUDGE_CAP_DAYS, …).
 */

export interface RecommendationSettings {
  /** Recommendations stored (and shown by /foryou) per member. */
  perMember: number;
  /** An item messaged to a member is not recommended to them again within this many days. */
  repeatAfterDays: number;
  /** Stored recommendations older than this are recomputed when /foryou is asked (the daily job keeps them fresh). */
  staleHours: number;
  /** At most one nudge (retention or recommendation message) per member within this many days. */
  capDays: number;
  /** Share of each campaign's audience held out (gets nothing, measured against the rest), in percent. */
  holdoutPercent: number;
  /** A purchase (or, for a retention nudge, a return to the lessons) within this many days is a conversion. */
  conversionDays: number;
  /** A retention nudge that recommends a course carries a one-member coupon of this many percent; 0: none. */
  couponPercent: number;
  /** Days the nudge's coupon stays valid. */
  couponDays: number;
  /** Churn risk (0–1) from which a member gets a retention nudge instead of a recommendation. */
  riskThreshold: number;
  /** First-purchase propensity (0–1) from which a member who has never bought gets a first-purchase offer. */
  firstPurchaseProbability: number;
  /** The first-purchase offer's one-member coupon, in percent; 0: the offer names the course without a discount. */
  firstPurchaseCouponPercent: number;
}

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = {
  perMember: 5,
  repeatAfterDays: 14,
  staleHours: 36,
  capDays: 7,
  holdoutPercent: 10,
  conversionDays: 7,
  couponPercent: 0,
  couponDays: 7,
  riskThreshold: 0.5,
  firstPurchaseProbability: 0.2,
  firstPurchaseCouponPercent: 0,
};

/** The context's recommendation settings over the defaults. */
export function recommendationSettings(
  // By shape, not by type: core/context.ts imports this file's types (a type import back would be a cycle).
  ctx: { recommendations?: Partial<RecommendationSettings> },
  overrides?: Partial<RecommendationSettings>,
): RecommendationSettings {
  return { ...DEFAULT_RECOMMENDATION_SETTINGS, ...ctx.recommendations, ...overrides };
}

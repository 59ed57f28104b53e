/**
 * Community-relative churn features: a member's activity against the mean of their community (a course, a paid
 * group), and the community's own churn rate among the training members. The same absolute activity means
 * different things in a busy course and a quiet one; these features let one model serve many communities without
 * a per-community constant.
 *
 * Statistics are computed on the training population and stored in the model; a community the model has not seen
 * gets statistics from the population being scored (no labels needed) and the global churn rate.
 */

/** Statistics of one community (or of everyone, for `global`). */
export interface GroupStats {
  members: number;
  meanTotal: number;
  meanActiveDays: number;
  meanRecency: number;
  /** Share of members active in the last 7 days. */
  activeShare7d: number;
  /** Smoothed churn rate among labelled training members (NaN when unknown). */
  churnRate: number;
}

export const GROUP_FEATURE_NAMES = [
  "group:mean_total",
  "group:mean_active_days",
  "group:mean_recency",
  "group:active_share_7d",
  "group:churn_rate",
  "relative:total",
  "relative:active_days",
  "relative:recency",
];

/** Where in the member feature vector the inputs of the group features are. */
export interface GroupInputIndex {
  total: number;
  activeDays: number;
  recency: number;
  activeDays7: number;
}

/** Prior strength of the churn-rate smoothing: a community of 20 labelled members moves halfway from the global. */
const CHURN_RATE_PRIOR = 20;

/** Accumulates the statistics of several communities from member feature vectors. */
export class GroupStatsBuilder {
  private readonly sums = new Map<string, Float64Array>();

  constructor(private readonly index: GroupInputIndex) {}

  add(group: string, features: Float64Array, label?: number): void {
    for (const key of [group, "*"]) {
      let sum = this.sums.get(key);
      if (!sum) {
        sum = new Float64Array(7);
        this.sums.set(key, sum);
      }
      sum[0] = (sum[0] as number) + 1;
      sum[1] = (sum[1] as number) + (features[this.index.total] as number);
      sum[2] = (sum[2] as number) + (features[this.index.activeDays] as number);
      sum[3] = (sum[3] as number) + (features[this.index.recency] as number);
      sum[4] = (sum[4] as number) + ((features[this.index.activeDays7] as number) > 0 ? 1 : 0);
      if (label !== undefined) {
        sum[5] = (sum[5] as number) + 1;
        sum[6] = (sum[6] as number) + label;
      }
    }
  }

  /** The statistics per community and `*` for everyone. */
  build(): Record<string, GroupStats> {
    const global = this.sums.get("*");
    const globalRate = global && (global[5] as number) > 0 ? (global[6] as number) / (global[5] as number) : Number.NaN;
    const result: Record<string, GroupStats> = {};
    for (const [key, sum] of this.sums) {
      const n = sum[0] as number;
      const labelled = sum[5] as number;
      result[key] = {
        members: n,
        meanTotal: (sum[1] as number) / n,
        meanActiveDays: (sum[2] as number) / n,
        meanRecency: (sum[3] as number) / n,
        activeShare7d: (sum[4] as number) / n,
        churnRate: Number.isNaN(globalRate)
          ? Number.NaN
          : ((sum[6] as number) + CHURN_RATE_PRIOR * globalRate) / (labelled + CHURN_RATE_PRIOR),
      };
    }
    return result;
  }
}

/** Writes the group features for one member into `out` from `offset`. */
export function writeGroupFeatures(
  index: GroupInputIndex,
  features: Float64Array,
  stats: GroupStats,
  out: Float64Array,
  offset: number,
): void {
  out[offset] = stats.meanTotal;
  out[offset + 1] = stats.meanActiveDays;
  out[offset + 2] = stats.meanRecency;
  out[offset + 3] = stats.activeShare7d;
  out[offset + 4] = stats.churnRate;
  out[offset + 5] = (features[index.total] as number) - stats.meanTotal;
  out[offset + 6] = (features[index.activeDays] as number) - stats.meanActiveDays;
  out[offset + 7] = (features[index.recency] as number) - stats.meanRecency;
}

/** The positions of the group inputs among the member feature names. */
export function groupInputIndex(memberNames: readonly string[], horizon: number): GroupInputIndex {
  const at = (name: string) => {
    const i = memberNames.indexOf(name);
    if (i < 0) throw new Error(`feature ${name} missing`);
    return i;
  };
  return {
    total: at(`count:all:${horizon}d`),
    activeDays: at(`active_days:${horizon}d`),
    recency: at("days_since_last"),
    activeDays7: at("active_days:7d"),
  };
}

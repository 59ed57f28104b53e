/**
 * The settings of churn risk in the product: what "churned" means for this community and how much history the
 * daily scoring learns from. Defaults below; the app overrides them from the environment (CHURN_IDLE_DAYS, …).
 */
export interface ChurnSettings {
  /**
   * H: a member with no activity for this many days has churned; a paying member whose paid access ends and is not
   * renewed within this many days has churned too. Also the rule scorer's "inactive" threshold.
   */
  idleDays: number;
  /** How far back the labelled snapshots go (days before the scoring moment). */
  lookbackDays: number;
  /** Days between two labelled snapshots. */
  snapshotEveryDays: number;
  /** Most trees the learned model may grow (early stopping picks fewer). */
  maxTrees: number;
  /** Where the daily model is kept between runs (JSON); null keeps it in memory only. */
  modelFile: string | null;
}

export const DEFAULT_CHURN_SETTINGS: ChurnSettings = {
  idleDays: 14,
  lookbackDays: 120,
  snapshotEveryDays: 7,
  maxTrees: 400,
  modelFile: null,
};

/** The context's churn settings over the defaults. */
// The context is taken by shape, not by type: core/context.ts imports this file's types.
export function churnSettings(
  ctx: { churn?: Partial<ChurnSettings> },
  overrides?: Partial<ChurnSettings>,
): ChurnSettings {
  return { ...DEFAULT_CHURN_SETTINGS, ...ctx.churn, ...overrides };
}

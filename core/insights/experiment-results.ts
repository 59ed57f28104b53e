/**
 * Where each experiment stands: per variant the members exposed, those who converted and the rate with its Wilson
 * interval; per non-control variant the difference to the control with its always-valid interval (see
 * experiment-statistics.ts for why always-valid: creators look every day).
 */
import type { CoreContext } from "../context.js";
import { type ExperimentKind, experimentKind } from "./experiment-keys.js";
import {
  compareSequentially,
  type Interval,
  type SequentialComparison,
  wilsonInterval,
} from "./experiment-statistics.js";
import { controlVariant, parseVariants } from "./experiment-variants.js";

/** The false-positive rate the whole experiment may have, however often it is looked at. */
export const EXPERIMENT_ALPHA = 0.05;

export interface VariantResult {
  key: string;
  weight: number;
  offerId?: number;
  exposures: number;
  conversions: number;
  /** Conversions per exposure; 0 with no exposures. */
  rate: number;
  /** 95 % Wilson interval of the rate. */
  interval: Interval;
}

export interface ExperimentResult {
  key: string;
  kind: ExperimentKind;
  active: boolean;
  createdAt: Date;
  control: VariantResult;
  variants: VariantResult[];
  /** Each other variant against the control; null until both have exposures. */
  comparisons: { variant: VariantResult; comparison: SequentialComparison | null }[];
  /** α per comparison: EXPERIMENT_ALPHA split over the comparisons (Bonferroni), so three variants stay honest too. */
  alpha: number;
  method: "msprt";
}

/**
 * The results of the latest experiments, running ones first.
 *
 * @example const [latest] = await experimentResults(ctx, { limit: 1 })
 */
export async function experimentResults(
  ctx: CoreContext,
  options: { keys?: string[]; limit?: number } = {},
): Promise<ExperimentResult[]> {
  const experiments = await ctx.prisma.experiment.findMany({
    where: options.keys ? { key: { in: options.keys } } : {},
    orderBy: [{ active: "desc" }, { id: "desc" }],
    take: options.limit ?? 10,
  });
  if (experiments.length === 0) return [];
  const counts = await ctx.prisma.experimentAssignment.groupBy({
    by: ["experimentId", "variant"],
    where: { experimentId: { in: experiments.map((e) => e.id) } },
    _count: { _all: true, convertedAt: true },
  });
  return experiments.map((experiment) => {
    const variants = parseVariants(experiment.variants);
    const control = controlVariant(variants);
    const results = variants.map((variant): VariantResult => {
      const row = counts.find((c) => c.experimentId === experiment.id && c.variant === variant.key);
      const exposures = row?._count._all ?? 0;
      const conversions = row?._count.convertedAt ?? 0;
      return {
        key: variant.key,
        weight: variant.weight,
        offerId: variant.offerId,
        exposures,
        conversions,
        rate: exposures ? conversions / exposures : 0,
        interval: wilsonInterval(conversions, exposures),
      };
    });
    const controlResult = results.find((r) => r.key === control.key)!;
    const others = results.filter((r) => r !== controlResult);
    const alpha = EXPERIMENT_ALPHA / Math.max(1, others.length);
    return {
      key: experiment.key,
      kind: experimentKind(experiment.key),
      active: experiment.active,
      createdAt: experiment.createdAt,
      control: controlResult,
      variants: results,
      comparisons: others.map((variant) => ({
        variant,
        comparison: compareSequentially(controlResult, variant, {
          alpha,
          mixtureSd: experiment.mixtureSd ?? undefined,
        }),
      })),
      alpha,
      method: "msprt",
    };
  });
}

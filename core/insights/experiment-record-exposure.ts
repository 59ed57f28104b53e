/**
 * A member is shown an experiment's variant: the assignment row is written at this first exposure, once, and from
 * then on the row (not the hash) says the variant.
 *
 * Idempotent under concurrency without a lock: the row's primary key is (experimentId, memberId), the insert skips a
 * duplicate, and whoever loses the race reads the winner's row. Both computed the same variant from the hash anyway,
 * unless the weights changed in between — then the stored row still wins, for both.
 */
import type { CoreContext } from "../context.js";
import { type ExperimentVariant, parseVariants, pickVariant } from "./experiment-variants.js";

/** An active experiment, its variants parsed. */
export interface ActiveExperiment {
  id: number;
  key: string;
  variants: ExperimentVariant[];
}

/** The active experiment with this key, or null (none, or stopped). */
export async function findActiveExperiment(ctx: CoreContext, key: string): Promise<ActiveExperiment | null> {
  const row = await ctx.prisma.experiment.findUnique({ where: { key } });
  if (!row?.active) return null;
  return { id: row.id, key: row.key, variants: parseVariants(row.variants) };
}

/** The stored key as a variant; a variant since removed from the list keeps its members (weight 0, nothing else). */
function variantNamed(experiment: ActiveExperiment, key: string): ExperimentVariant {
  return experiment.variants.find((v) => v.key === key) ?? { key, weight: 0 };
}

/**
 * The member's variant without writing anything: the stored row when there is one, else the hash. For a list that
 * shows a price in passing (/courses), where showing is not yet an exposure worth counting.
 */
export async function peekVariant(
  ctx: CoreContext,
  experiment: ActiveExperiment,
  memberId: number,
): Promise<ExperimentVariant> {
  const row = await ctx.prisma.experimentAssignment.findUnique({
    where: { experimentId_memberId: { experimentId: experiment.id, memberId } },
    select: { variant: true },
  });
  return row ? variantNamed(experiment, row.variant) : pickVariant(experiment.key, memberId, experiment.variants);
}

/**
 * Records that the member saw the experiment (the first time only) and returns their variant.
 *
 * @example const variant = await exposeMember(ctx, experiment, member.id)
 */
export async function exposeMember(
  ctx: CoreContext,
  experiment: ActiveExperiment,
  memberId: number,
): Promise<ExperimentVariant> {
  const where = { experimentId_memberId: { experimentId: experiment.id, memberId } };
  const stored = await ctx.prisma.experimentAssignment.findUnique({ where, select: { variant: true } });
  if (stored) return variantNamed(experiment, stored.variant);
  const chosen = pickVariant(experiment.key, memberId, experiment.variants);
  const written = await ctx.prisma.experimentAssignment.createMany({
    data: [{ experimentId: experiment.id, memberId, variant: chosen.key, assignedAt: ctx.clock.now() }],
    skipDuplicates: true,
  });
  if (written.count === 1) return chosen;
  // Another process exposed the member between our read and our insert: its row is the one that counts.
  const winner = await ctx.prisma.experimentAssignment.findUniqueOrThrow({ where, select: { variant: true } });
  return variantNamed(experiment, winner.variant);
}

/**
 * Records an exposure to the active experiment `key` and returns the member's variant; null when no such experiment
 * runs (the caller shows its default).
 *
 * @example const variant = await recordExposure(ctx, { key: "msg:welcome", memberId }); const text = variant?.text ?? defaultText
 */
export async function recordExposure(
  ctx: CoreContext,
  options: { key: string; memberId: number },
): Promise<ExperimentVariant | null> {
  const experiment = await findActiveExperiment(ctx, options.key);
  return experiment ? exposeMember(ctx, experiment, options.memberId) : null;
}

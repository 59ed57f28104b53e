/**
 * Campaign holdouts: a random share of a campaign's audience (10 % by default) gets nothing, so the creator sees what
 * the campaign changed against members it did not reach. Deterministic per member like every experiment; the first
 * time a campaign asks, its holdout experiment is created.
 */
import type { CoreContext } from "../context.js";
import { holdoutExperimentKey } from "./experiment-keys.js";
import { exposeMember } from "./experiment-record-exposure.js";
import { parseVariants } from "./experiment-variants.js";

/** The holdout share when the campaign does not say. */
export const DEFAULT_HOLDOUT_PERCENT = 10;

/**
 * Whether the member is in the campaign's holdout (send them nothing). Every member asked about is recorded as exposed
 * — the held-out and the reached alike — so conversions can be compared between the two; a conversion is then
 * `recordConversion(ctx, { key: holdoutExperimentKey(campaignKey), memberId })`. A stopped holdout holds nobody out.
 *
 * @example if (await isHeldOut(ctx, "winback-2025-06", member.id)) continue;
 */
export async function isHeldOut(
  ctx: CoreContext,
  campaignKey: string,
  memberId: number,
  options: { holdoutPercent?: number } = {},
): Promise<boolean> {
  const key = holdoutExperimentKey(campaignKey);
  const percent = Math.min(100, Math.max(0, options.holdoutPercent ?? DEFAULT_HOLDOUT_PERCENT));
  // Created once by whichever process asks first; later calls read it (weights set at creation stay).
  await ctx.prisma.experiment.createMany({
    data: [
      {
        key,
        createdAt: ctx.clock.now(),
        variants: [
          { key: "holdout", weight: percent, control: true },
          { key: "treatment", weight: 100 - percent },
        ],
      },
    ],
    skipDuplicates: true,
  });
  const row = await ctx.prisma.experiment.findUniqueOrThrow({ where: { key } });
  if (!row.active) return false;
  const variant = await exposeMember(ctx, { id: row.id, key, variants: parseVariants(row.variants) }, memberId);
  return variant.key === "holdout";
}

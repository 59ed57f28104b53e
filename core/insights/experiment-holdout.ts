/**
 * Campaign holdouts: a random share of a campaign's audience (10 % by default) gets nothing, so the creator sees what
 * the campaign changed against members it did not reach. Deterministic per member like every experiment; the first
 * time a campaign asks, its holdout experiment is created.
 */
import type { CoreContext } from "../context.js";
import { holdoutExperimentKey } from "./experiment-keys.js";
import { exposeMember } from "./experiment-record-exposure.js";
import { mixtureSdFor } from "./experiment-statistics.js";
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
  // Created once by whichever process asks first; later calls read it (weights and prior set at creation stay).
  let row = await ctx.prisma.experiment.findUnique({ where: { key } });
  if (!row) {
    // The sequential test's prior, from the most the smaller arm could hold (experiment-statistics.ts, mixtureSdFor).
    const members = await ctx.prisma.member.count({ where: { role: "MEMBER" } });
    await ctx.prisma.experiment.createMany({
      data: [
        {
          key,
          createdAt: ctx.clock.now(),
          mixtureSd: mixtureSdFor((members * Math.min(percent, 100 - percent)) / 100),
          variants: [
            { key: "holdout", weight: percent, control: true },
            { key: "treatment", weight: 100 - percent },
          ],
        },
      ],
      skipDuplicates: true,
    });
    row = await ctx.prisma.experiment.findUniqueOrThrow({ where: { key } });
  }
  if (!row.active) return false;
  const variant = await exposeMember(ctx, { id: row.id, key, variants: parseVariants(row.variants) }, memberId);
  return variant.key === "holdout";
}

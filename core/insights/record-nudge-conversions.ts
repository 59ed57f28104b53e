/**
 * Conversions of the daily nudge campaigns, for their holdout experiments (`/experiments` shows the effect): a
 * member converts when, within `conversionDays` after the nudge (or, for a held-out member, after the nudge they
 * would have got), they buy the product it named; for a retention nudge, coming back to that course's lessons counts
 * too. Held-out and reached members are judged by the same rule, so the difference between the arms is what the
 * messages changed.
 *
 * Safe to run as often as wanted: `recordConversion` counts a member once per experiment. Run by the daily job and
 * the messaging sweep, so a purchase shows up within about a minute.
 *
 * @example await recordNudgeConversions(ctx) // how many conversions were new
 */
import type { CoreContext } from "../context.js";
import { holdoutExperimentKey } from "./experiment-keys.js";
import { recordConversion } from "./experiment-record-conversion.js";
import { NUDGE_CAMPAIGNS } from "./plan-nudge.js";
import { recommendationSettings } from "./recommendation-settings.js";

const DAY_MS = 86_400_000;

export async function recordNudgeConversions(ctx: CoreContext): Promise<number> {
  const { conversionDays } = recommendationSettings(ctx);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - (conversionDays + 1) * DAY_MS);
  const window = `${conversionDays} days`;
  // The first qualifying moment per member and campaign, among nudges whose window may still be open.
  const rows = await ctx.prisma.$queryRaw<{ memberId: number; campaign: string; at: Date }[]>`
    SELECT r."memberId", split_part(r."variant", ':', 1) AS "campaign", min(hit."at") AS "at"
    FROM "Recommendation" r
    CROSS JOIN LATERAL (
      SELECT o."paidAt" AS "at" FROM "Order" o
      WHERE o."memberId" = r."memberId" AND o."productId" = r."productId" AND o."status" = 'PAID'
        AND o."paidAt" >= r."createdAt" AND o."paidAt" < r."createdAt" + ${window}::interval
        AND o."paidAt" <= ${now}
      UNION ALL
      SELECT e."occurredAt" FROM "ActivityEvent" e
      WHERE r."variant" LIKE ${`${NUDGE_CAMPAIGNS.retention}:%`}
        AND e."memberId" = r."memberId" AND e."productId" = r."productId"
        AND e."kind" IN ('lesson_opened', 'lesson_completed')
        AND e."occurredAt" >= r."createdAt" AND e."occurredAt" < r."createdAt" + ${window}::interval
        AND e."occurredAt" <= ${now}
    ) hit
    WHERE r."variant" LIKE 'nudge-%' AND r."createdAt" >= ${since}
    GROUP BY 1, 2`;
  let counted = 0;
  for (const row of rows) {
    const at = new Date(row.at);
    if (await recordConversion(ctx, { key: holdoutExperimentKey(row.campaign), memberId: row.memberId, at }))
      counted += 1;
  }
  return counted;
}

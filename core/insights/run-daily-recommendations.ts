/**
 * The daily recommendations job's work, in order: recommendations refreshed (an unchanged set is only re-dated), then
 * the daily nudges (one per member and day at most, within the frequency cap), then the campaigns' conversions.
 * Scheduled more often than daily (RECOMMENDATIONS_JOB_MINUTES) so a restart never skips a day: later runs the
 * same day find every member handled or capped, and a recommendation that appeared since still reaches its member.
 *
 * @example await runDailyRecommendations(ctx) // { nudges: { queued: 3, … }, conversions: 0 }
 */
import type { CoreContext } from "../context.js";
import { recordNudgeConversions } from "./record-nudge-conversions.js";
import { refreshRecommendations } from "./refresh-recommendations.js";
import { type DailyNudgesReport, sendDailyNudges } from "./send-daily-nudges.js";

export interface DailyRecommendationsReport {
  nudges: DailyNudgesReport | null;
  conversions: number;
}

export async function runDailyRecommendations(
  ctx: CoreContext,
  options: { signal?: AbortSignal } = {},
): Promise<DailyRecommendationsReport> {
  await refreshRecommendations(ctx);
  if (options.signal?.aborted) return { nudges: null, conversions: 0 };
  const nudges = await sendDailyNudges(ctx, { signal: options.signal });
  const conversions = await recordNudgeConversions(ctx);
  return { nudges, conversions };
}

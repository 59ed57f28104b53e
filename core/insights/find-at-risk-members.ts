/**
 * Who counts as at risk of leaving for the daily nudges: the members whose latest churn score (the daily scoring's
 * ChurnScore rows of the last two days) reaches the risk threshold. When no member has a recent score at all (a
 * fresh install, the scoring job not run yet), the daily scoring is run first; it falls back to the rule-based
 * scorer by itself while the community has too little history to learn from.
 *
 * @example const atRisk = await findAtRiskMembers(ctx, { threshold: 0.5 }) // Map { memberId → score }
 */
import type { CoreContext } from "../context.js";
import { scoreChurnDaily } from "./score-churn-daily.js";

/** Scores older than this are not trusted for today's messages (the scoring runs daily). */
const RECENT_MS = 2 * 86_400_000;

export async function findAtRiskMembers(
  ctx: CoreContext,
  options: { threshold: number },
): Promise<Map<number, number>> {
  const since = new Date(ctx.clock.now().getTime() - RECENT_MS);
  const latest = () =>
    ctx.prisma.churnScore.findMany({
      where: { computedAt: { gte: since } },
      orderBy: [{ memberId: "asc" }, { computedAt: "desc" }],
      distinct: ["memberId"],
      select: { memberId: true, score: true },
    });
  let rows = await latest();
  if (!rows.length) {
    await scoreChurnDaily(ctx);
    rows = await latest();
  }
  return new Map(rows.filter((row) => row.score >= options.threshold).map((row) => [row.memberId, row.score]));
}

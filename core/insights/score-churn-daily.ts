/**
 * The daily churn scoring: every current member gets one ChurnScore row per (UTC) day with the probability of
 * churning within H days and the top reasons as codes and numbers, which /atrisk and the messages job render in
 * the reader's language later.
 *
 * Safe to run as often as wanted and on several workers at once: members scored today are skipped up front (a
 * re-run after everyone is scored reads and writes nearly nothing), and the rows are written inside one
 * transaction holding an advisory lock, after checking again who got a row today meanwhile, so two concurrent runs
 * never write two rows for a member on one day (ChurnScore has no unique key on the day to rely on).
 *
 * @example const report = await scoreChurnDaily(ctx) // { scored: 120, skipped: 0, modelVersion: "learned-…" }
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";
import { CURRENT_ACTIVITY_DAYS, loadChurnHistory, scoreHistory } from "./assess-churn-risk.js";
import { type ChurnSettings, churnSettings } from "./churn-settings.js";
import { dailyChurnModel } from "./daily-churn-model.js";
import type { ChurnReason } from "./explain-churn-risk.js";
import { currentAt } from "./load-member-history.js";

/** The advisory lock every scoring run takes to write (an arbitrary constant, unique to this use). */
const SCORING_LOCK = 7_310_024_601;

/** What ChurnScore.features holds (readers: /atrisk, the messages job). */
export interface ChurnScoreFeatures {
  /** Top reasons, strongest first; render with `describeChurnReason(locale, reason)`. */
  reasons: ChurnReason[];
  /** The H the score is about ("churns within H days"). */
  idleDays: number;
  kind: "learned" | "rules";
}

export interface ChurnScoringReport {
  scored: number;
  /** Members who already had today's row. */
  skipped: number;
  modelVersion: string | null;
}

/** Midnight UTC of the day of `date`. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

async function scoredSince(prisma: Pick<CoreContext["prisma"], "churnScore">, since: Date): Promise<Set<number>> {
  const rows = await prisma.churnScore.findMany({
    where: { computedAt: { gte: since } },
    select: { memberId: true },
    distinct: ["memberId"],
  });
  return new Set(rows.map((r) => r.memberId));
}

export async function scoreChurnDaily(
  ctx: CoreContext,
  options: { settings?: Partial<ChurnSettings>; signal?: AbortSignal } = {},
): Promise<ChurnScoringReport> {
  const now = ctx.clock.now();
  const dayStart = startOfUtcDay(now);
  const settings = churnSettings(ctx, options.settings);
  const history = await loadChurnHistory(ctx, now, settings);
  const done = await scoredSince(ctx.prisma, dayStart);
  const at = now.getTime();
  const current = history.members.filter((m) => currentAt(m, at, CURRENT_ACTIVITY_DAYS));
  if (current.every((m) => done.has(m.id))) return { scored: 0, skipped: done.size, modelVersion: null };
  const daily = await dailyChurnModel(ctx, { history, asOf: now, settings });
  if (options.signal?.aborted) return { scored: 0, skipped: done.size, modelVersion: daily.version };
  const assessments = scoreHistory(history, daily.model, at).filter((a) => !done.has(a.memberId));
  const written = await ctx.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SCORING_LOCK}::bigint)`;
      // Another run may have written while we computed: only what is still missing today.
      const meanwhile = await scoredSince(tx, dayStart);
      const rows = assessments
        .filter((a) => !meanwhile.has(a.memberId))
        .map((a) => ({
          memberId: a.memberId,
          score: a.score,
          features: {
            reasons: a.reasons,
            idleDays: settings.idleDays,
            kind: daily.model.kind,
          } satisfies ChurnScoreFeatures as unknown as Prisma.InputJsonObject,
          modelVersion: daily.version,
          computedAt: now,
        }));
      if (rows.length) await tx.churnScore.createMany({ data: rows });
      return rows.length;
    },
    { timeout: 60_000 },
  );
  ctx.log.info({ scored: written, skipped: done.size, modelVersion: daily.version }, "churn scores written");
  return { scored: written, skipped: done.size + (assessments.length - written), modelVersion: daily.version };
}

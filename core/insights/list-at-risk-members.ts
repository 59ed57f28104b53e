/**
 * What /atrisk shows: the members with the highest churn risk in the latest daily scoring, each with their score
 * and top reasons (codes and numbers from ChurnScore.features; rendered in the reader's language by the caller).
 * Staff only, checked here too.
 *
 * @example const { members } = await listAtRiskMembers(ctx, { staffMemberId: creator.id, limit: 10 })
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import type { ChurnReason } from "./explain-churn-risk.js";
import { type ChurnScoreFeatures, startOfUtcDay } from "./score-churn-daily.js";

export interface AtRiskMember {
  memberId: number;
  name: string;
  score: number;
  reasons: ChurnReason[];
  optedOut: boolean;
}

export interface AtRiskList {
  /** When the listed scores were computed (null: never). */
  computedAt: Date | null;
  /** H of the scores ("churns within H days"). */
  idleDays: number;
  members: AtRiskMember[];
}

export async function listAtRiskMembers(
  ctx: CoreContext,
  options: { staffMemberId: number; limit?: number },
): Promise<AtRiskList> {
  await requireStaff(ctx, options.staffMemberId);
  const latest = await ctx.prisma.churnScore.findFirst({
    orderBy: { computedAt: "desc" },
    select: { computedAt: true },
  });
  if (!latest) return { computedAt: null, idleDays: 0, members: [] };
  // The latest day's scores only: a member no longer current (long gone, or erased) is not listed from an old row.
  const rows = await ctx.prisma.churnScore.findMany({
    where: {
      computedAt: { gte: startOfUtcDay(latest.computedAt) },
      member: { erasedAt: null, role: "MEMBER" },
    },
    orderBy: [{ score: "desc" }, { memberId: "asc" }],
    distinct: ["memberId"],
    take: options.limit ?? 10,
    select: {
      memberId: true,
      score: true,
      features: true,
      member: { select: { displayName: true, marketingOptOut: true } },
    },
  });
  let idleDays = 0;
  const members = rows.map((row) => {
    const features = (row.features ?? {}) as Partial<ChurnScoreFeatures>;
    idleDays ||= features.idleDays ?? 0;
    return {
      memberId: row.memberId,
      name: row.member.displayName,
      score: row.score,
      reasons: Array.isArray(features.reasons) ? features.reasons : [],
      optedOut: row.member.marketingOptOut,
    };
  });
  return { computedAt: latest.computedAt, idleDays, members };
}

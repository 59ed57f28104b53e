/**
 * `/top`: the members with the most reputation (erased and banned members left out; nobody with zero points), and
 * where the asking member stands — their rank counts everyone above them by the same rules, ties sharing a rank.
 *
 * @example const { top, me } = await listLeaderboard(ctx, { memberId, limit: 10 })
 */
import type { CoreContext } from "../../context.js";

export interface LeaderboardEntry {
  rank: number;
  memberId: number;
  name: string;
  reputation: number;
  helper: boolean;
}

export async function listLeaderboard(
  ctx: CoreContext,
  options: { memberId: number; limit: number },
): Promise<{ top: LeaderboardEntry[]; me: { rank: number | null; reputation: number } }> {
  const ranked = { erasedAt: null, bannedAt: null, reputation: { gt: 0 } };
  const [rows, self] = await Promise.all([
    ctx.prisma.member.findMany({
      where: ranked,
      orderBy: [{ reputation: "desc" }, { id: "asc" }],
      take: options.limit,
      select: { id: true, displayName: true, reputation: true, helperSince: true },
    }),
    ctx.prisma.member.findUniqueOrThrow({
      where: { id: options.memberId },
      select: { reputation: true, erasedAt: true, bannedAt: true },
    }),
  ]);
  // Competition ranking (1, 2, 2, 4): equal points, equal rank.
  const top: LeaderboardEntry[] = [];
  for (const [index, row] of rows.entries()) {
    const previous = top[index - 1];
    const rank = previous && previous.reputation === row.reputation ? previous.rank : index + 1;
    top.push({
      rank,
      memberId: row.id,
      name: row.displayName,
      reputation: row.reputation,
      helper: row.helperSince !== null,
    });
  }
  const rankable = self.reputation > 0 && !self.erasedAt && !self.bannedAt;
  const above = rankable
    ? await ctx.prisma.member.count({ where: { ...ranked, reputation: { gt: self.reputation } } })
    : null;
  return { top, me: { rank: above === null ? null : above + 1, reputation: self.reputation } };
}

/**
 * What /invite shows a member: how many joined through their link, how many of those paid, and their referral
 * earnings pending and paid, per currency.
 */
import type { CoreContext } from "../../context.js";

export interface InviteSummary {
  invited: number;
  paying: number;
  pending: { currency: string; amount: number }[];
  paid: { currency: string; amount: number }[];
}

export async function inviteSummary(ctx: CoreContext, options: { memberId: number }): Promise<InviteSummary> {
  const [invited, paying, sums] = await Promise.all([
    ctx.prisma.member.count({ where: { referredById: options.memberId } }),
    ctx.prisma.member.count({
      where: { referredById: options.memberId, orders: { some: { paidAt: { not: null }, amount: { gt: 0 } } } },
    }),
    ctx.prisma.referralReward.groupBy({
      by: ["status", "currency"],
      where: { inviterId: options.memberId, status: { in: ["PENDING", "PAID"] } },
      _sum: { amount: true },
      orderBy: { currency: "asc" },
    }),
  ]);
  const pick = (status: "PENDING" | "PAID") =>
    sums.filter((s) => s.status === status).map((s) => ({ currency: s.currency, amount: s._sum.amount ?? 0 }));
  return { invited, paying, pending: pick("PENDING"), paid: pick("PAID") };
}

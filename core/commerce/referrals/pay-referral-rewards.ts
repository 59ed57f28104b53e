/**
 * The referral sweep: pays every PENDING reward whose refund window has passed into the inviter's wallet (a
 * REFERRAL_CREDIT entry, one idempotency key per reward) and tells the inviter; voids a reward whose order was
 * refunded or disputed, or whose inviter became the invitee (linked accounts) or erased their data. A reward whose
 * order has a refund request still being decided waits for the decision. Each reward is settled in its own
 * transaction with a conditional status change, so two sweeps at once pay it once.
 */
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import type { CoreContext } from "../../context.js";
import { formatMoney } from "../pricing.js";
import { postWalletEntry } from "../wallet/post-wallet-entry.js";

export interface ReferralSweepReport {
  paid: number;
  voided: number;
}

const BATCH = 200;

/** @example const { paid, voided } = await payReferralRewards(ctx) */
export async function payReferralRewards(ctx: CoreContext): Promise<ReferralSweepReport> {
  const now = ctx.clock.now();
  const report: ReferralSweepReport = { paid: 0, voided: 0 };
  const due = await ctx.prisma.referralReward.findMany({
    where: {
      status: "PENDING",
      OR: [{ clearsAt: { lte: now } }, { order: { status: { in: ["REFUNDED", "DISPUTED"] } } }],
    },
    orderBy: { id: "asc" },
    take: BATCH,
  });
  for (const reward of due) {
    const outcome = await ctx.prisma.$transaction(async (tx) => {
      const current = await tx.referralReward.findUnique({
        where: { id: reward.id },
        include: {
          order: { select: { status: true, refunds: { select: { status: true } } } },
          inviter: { select: { erasedAt: true } },
        },
      });
      if (current?.status !== "PENDING") return "skipped" as const;
      const lost = current.order.status === "REFUNDED" || current.order.status === "DISPUTED";
      const ineligible = current.inviterId === current.inviteeId || current.inviter.erasedAt !== null;
      if (lost || ineligible) {
        const voided = await tx.referralReward.updateMany({
          where: { id: current.id, status: "PENDING" },
          data: { status: "VOID" },
        });
        return voided.count ? ("voided" as const) : ("skipped" as const);
      }
      if (current.clearsAt > now) return "skipped" as const;
      if (current.order.refunds.some((r) => r.status === "REQUESTED" || r.status === "APPROVED")) {
        return "skipped" as const;
      }
      const claimed = await tx.referralReward.updateMany({
        where: { id: current.id, status: "PENDING" },
        data: { status: "PAID", paidAt: now },
      });
      if (!claimed.count) return "skipped" as const;
      const posted = await postWalletEntry(tx, {
        memberId: current.inviterId,
        currency: current.currency,
        amount: current.amount,
        kind: "REFERRAL_CREDIT",
        idempotencyKey: `referral:${current.id}`,
        orderId: current.orderId,
      });
      if (!posted.ok) throw new Error("a credit cannot fail");
      const money = (locale: "en" | "zh", amount: number) => formatMoney(amount, current.currency, locale);
      await addToOutbox(
        tx,
        {
          kind: "notify.member",
          memberId: current.inviterId,
          notice: {
            key: "referralCredited",
            params: {
              amount: money("en", current.amount),
              amountZh: money("zh", current.amount),
              balance: money("en", posted.entry.balanceAfter),
              balanceZh: money("zh", posted.entry.balanceAfter),
            },
          },
        },
        `referral:${current.id}`,
      );
      return "paid" as const;
    });
    if (outcome === "paid") report.paid += 1;
    if (outcome === "voided") report.voided += 1;
  }
  if (report.paid) await kickOutbox(ctx);
  return report;
}

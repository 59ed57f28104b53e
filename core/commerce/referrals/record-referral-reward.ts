/**
 * An invitee's first payment earns their inviter a credit, once it clears: this writes the PENDING reward, in the
 * transaction that marks the order paid (mark-order-paid callers and apply-checkout-state.ts). Nothing is written for
 * an order paid from the wallet, a free order, a member with no inviter, an invitee who had paid before (so a referral
 * recorded after the first payment earns nothing), an inviter who is the invitee (linked accounts end up as one
 * member) or an erased inviter; `inviteeId` is unique, so an invitee earns their inviter one reward ever.
 */
import type { Transaction } from "../../context.js";
import type { WalletSettings } from "../wallet/wallet-settings.js";

export async function recordReferralReward(
  tx: Transaction,
  settings: WalletSettings,
  options: { orderId: number; paidAt: Date },
): Promise<boolean> {
  if (settings.referralCredit <= 0) return false;
  const order = await tx.order.findUnique({
    where: { id: options.orderId },
    select: {
      id: true,
      amount: true,
      provider: true,
      status: true,
      member: { select: { id: true, referredById: true, referredBy: { select: { erasedAt: true } } } },
    },
  });
  if (order?.status !== "PAID" || order.amount <= 0 || order.provider === "WALLET") return false;
  const invitee = order.member;
  if (!invitee.referredById || invitee.referredById === invitee.id || invitee.referredBy?.erasedAt) return false;
  // The first payment only: any earlier order of theirs that took money rules this one out.
  const earlier = await tx.order.count({
    where: {
      memberId: invitee.id,
      id: { not: order.id },
      paidAt: { not: null },
      amount: { gt: 0 },
      provider: { not: "WALLET" },
    },
  });
  if (earlier > 0) return false;
  const created = await tx.referralReward.createMany({
    data: [
      {
        inviterId: invitee.referredById,
        inviteeId: invitee.id,
        orderId: order.id,
        amount: settings.referralCredit,
        currency: settings.referralCreditCurrency.toLowerCase(),
        clearsAt: new Date(options.paidAt.getTime() + settings.refundWindowDays * 86_400_000),
      },
    ],
    skipDuplicates: true,
  });
  return created.count > 0;
}

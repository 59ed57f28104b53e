/**
 * Linking accounts across platforms: `/link` on one platform gives a one-time code (10 minutes, single use);
 * `/link <code>` on another platform makes both accounts one member, with everything each had (orders, entitlements,
 * questions…). Access then follows on both platforms.
 */
import { randomInt } from "node:crypto";
import type { Platform, Role } from "../../prisma/generated/enums.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { AppError } from "../app-error.js";
import { communitySettings } from "../community/community-settings.js";
import { mergeReputation } from "../community/reputation/merge-reputation.js";
import type { CoreContext, Transaction } from "../context.js";
import { flushActivity } from "../learning/record-activity.js";
import { mergeModeration } from "../moderation/merge-moderation.js";

export const LINK_CODE_MINUTES = 10;
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: codes are typed by hand

export async function createLinkCode(
  ctx: CoreContext,
  options: { memberId: number; platform: Platform },
): Promise<{ code: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * 60_000);
  await ctx.prisma.$transaction([
    // Only the newest code works.
    ctx.prisma.linkCode.updateMany({ where: { memberId: options.memberId, usedAt: null }, data: { expiresAt: now } }),
    ctx.prisma.linkCode.create({ data: { code, memberId: options.memberId, platform: options.platform, expiresAt } }),
  ]);
  return { code, expiresAt };
}

export type RedeemResult = { outcome: "linked"; memberId: number } | { outcome: "already-linked"; memberId: number };

const ROLE_RANK: Record<Role, number> = { OWNER: 3, CREATOR: 2, MODERATOR: 1, MEMBER: 0 };

export async function redeemLinkCode(
  ctx: CoreContext,
  options: { memberId: number; platform: Platform; code: string },
): Promise<RedeemResult> {
  const now = ctx.clock.now();
  const code = options.code.trim().toUpperCase();
  // Activity still waiting in memory is written first, so the merge below moves it with the rest.
  await flushActivity(ctx);
  const result = await ctx.prisma.$transaction(async (tx): Promise<RedeemResult> => {
    const row = /^[A-Z0-9]{8}$/.test(code) ? await tx.linkCode.findUnique({ where: { code } }) : null;
    if (!row || row.usedAt || row.expiresAt <= now) throw new AppError("LINK_CODE_INVALID");
    if (row.memberId === options.memberId) return { outcome: "already-linked", memberId: row.memberId };
    if (row.platform === options.platform) throw new AppError("LINK_CODE_SAME_PLATFORM");
    const used = await tx.linkCode.updateMany({ where: { code, usedAt: null }, data: { usedAt: now } });
    if (used.count === 0) throw new AppError("LINK_CODE_INVALID");
    const { helperReputation } = communitySettings(ctx);
    await mergeMembers(tx, { into: row.memberId, from: options.memberId, helperReputation });
    await addToOutbox(tx, { kind: "access.sync", memberId: row.memberId });
    return { outcome: "linked", memberId: row.memberId };
  });
  await kickOutbox(ctx);
  return result;
}

/** Moves everything of member `from` to member `into`, then deletes `from`. Rows unique per member keep one copy. */
async function mergeMembers(
  tx: Transaction,
  ids: { into: number; from: number; helperReputation: number },
): Promise<void> {
  const { into, from } = ids;
  const [target, source] = await Promise.all([
    tx.member.findUniqueOrThrow({ where: { id: into } }),
    tx.member.findUniqueOrThrow({ where: { id: from } }),
  ]);
  const moveTo = { memberId: into };
  await tx.platformAccount.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.order.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.subscription.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.entitlement.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.entitlement.updateMany({ where: { grantedById: from }, data: { grantedById: into } });
  await tx.refund.updateMany({ where: { requestedById: from }, data: { requestedById: into } });
  await tx.refund.updateMany({ where: { decidedById: from }, data: { decidedById: into } });
  await tx.payment.updateMany({ where: { confirmedById: from }, data: { confirmedById: into } });
  await tx.question.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.answer.updateMany({ where: { authorId: from }, data: { authorId: into } });
  await tx.activityEvent.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.churnScore.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.recommendation.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.delivery.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.broadcast.updateMany({ where: { createdById: from }, data: { createdById: into } });
  await tx.product.updateMany({ where: { creatorId: from }, data: { creatorId: into } });
  await tx.linkCode.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.member.updateMany({ where: { referredById: from, id: { not: into } }, data: { referredById: into } });
  // Reviews (the newer of two on one product stays), review votes and reputation events; the reputation is then the
  // sum of the moved events, without the points the two accounts gave each other.
  await mergeReputation(tx, { into, from, helperReputation: ids.helperReputation });
  // Lesson comments, reports and moderation cases; a ban or mute on either account stays.
  await mergeModeration(tx, { into, from });
  // Unique per member: keep the target's copy.
  const coupons = (await tx.couponRedemption.findMany({ where: { memberId: into }, select: { couponId: true } })).map(
    (c) => c.couponId,
  );
  await tx.couponRedemption.deleteMany({ where: { memberId: from, couponId: { in: coupons } } });
  await tx.couponRedemption.updateMany({ where: { memberId: from }, data: moveTo });
  // One vote per member and answer: where both voted on the same answer, the target's vote stands.
  const voted = (await tx.answerVote.findMany({ where: { memberId: into }, select: { answerId: true } })).map(
    (v) => v.answerId,
  );
  await tx.answerVote.deleteMany({ where: { memberId: from, answerId: { in: voted } } });
  await tx.answerVote.updateMany({ where: { memberId: from }, data: moveTo });
  // Lesson progress is one row per member and lesson: where both read a lesson, the target keeps one row with the
  // earliest opening, the latest visit and the earliest completion.
  const sourceProgress = await tx.lessonProgress.findMany({ where: { memberId: from } });
  for (const row of sourceProgress) {
    const key = { memberId_lessonId: { memberId: into, lessonId: row.lessonId } };
    const mine = await tx.lessonProgress.findUnique({ where: key });
    if (!mine) {
      await tx.lessonProgress.create({ data: { ...row, memberId: into } });
      continue;
    }
    const earliest = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));
    await tx.lessonProgress.update({
      where: key,
      data: {
        firstOpenedAt: earliest(mine.firstOpenedAt, row.firstOpenedAt)!,
        lastOpenedAt: new Date(Math.max(mine.lastOpenedAt.getTime(), row.lastOpenedAt.getTime())),
        completedAt: earliest(mine.completedAt, row.completedAt),
      },
    });
  }
  const experiments = (
    await tx.experimentAssignment.findMany({ where: { memberId: into }, select: { experimentId: true } })
  ).map((e) => e.experimentId);
  await tx.experimentAssignment.deleteMany({ where: { memberId: from, experimentId: { in: experiments } } });
  await tx.experimentAssignment.updateMany({ where: { memberId: from }, data: moveTo });
  await tx.coupon.updateMany({ where: { memberId: from }, data: moveTo });
  // One trial per person and product: a product both accounts tried keeps the target's trial.
  const tried = (await tx.trial.findMany({ where: { memberId: into }, select: { productId: true } })).map(
    (t) => t.productId,
  );
  await tx.trial.deleteMany({ where: { memberId: from, productId: { in: tried } } });
  await tx.trial.updateMany({ where: { memberId: from }, data: moveTo });
  // One wallet per currency: the source's entries join the target's wallet of the same currency (the balance stays
  // the sum of the entries), or the source's wallet changes hands when the target has none in that currency.
  const [targetWallets, sourceWallets] = await Promise.all([
    tx.wallet.findMany({ where: { memberId: into } }),
    tx.wallet.findMany({ where: { memberId: from } }),
  ]);
  for (const sourceWallet of sourceWallets) {
    const targetWallet = targetWallets.find((w) => w.currency === sourceWallet.currency);
    if (!targetWallet) {
      await tx.wallet.update({ where: { id: sourceWallet.id }, data: moveTo });
      continue;
    }
    await tx.walletTransaction.updateMany({
      where: { walletId: sourceWallet.id },
      data: { walletId: targetWallet.id },
    });
    await tx.wallet.update({ where: { id: targetWallet.id }, data: { balance: { increment: sourceWallet.balance } } });
    await tx.wallet.delete({ where: { id: sourceWallet.id } });
  }
  // Referral rewards: the source's as inviter follow it; as invitee (one reward per invitee, ever) the target's stands
  // when both have one. A pending reward that now names one member on both sides is void: nobody invites themselves.
  await tx.referralReward.updateMany({ where: { inviterId: from }, data: { inviterId: into } });
  if (await tx.referralReward.count({ where: { inviteeId: into } })) {
    await tx.referralReward.deleteMany({ where: { inviteeId: from } });
  } else {
    await tx.referralReward.updateMany({ where: { inviteeId: from }, data: { inviteeId: into } });
  }
  await tx.referralReward.updateMany({
    where: { inviterId: into, inviteeId: into, status: "PENDING" },
    data: { status: "VOID" },
  });
  const role = ROLE_RANK[source.role] > ROLE_RANK[target.role] ? source.role : target.role;
  await tx.member.update({
    where: { id: into },
    data: {
      role,
      referredById: target.referredById ?? (source.referredById === into ? null : source.referredById),
      announcementsOptOut: target.announcementsOptOut || source.announcementsOptOut,
      marketingOptOut: target.marketingOptOut || source.marketingOptOut,
    },
  });
  await tx.member.delete({ where: { id: from } });
}

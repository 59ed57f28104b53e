/**
 * Everything kept about one member, for their own eyes (/mydata): the member row, their platform accounts, money
 * (orders, payments, refunds, subscriptions, wallet), access, learning, activity, Q&A, reviews, message deliveries'
 * metadata, churn scores, recommendations and experiment assignments.
 *
 * Only rows that are theirs are read, every query filtered by their member id. Fields that name other people (who
 * confirmed a payment, who decided a refund, who granted access, who invited them) and secrets (one-time link codes,
 * the text of messages sent to many) are left out.
 */
import type { CoreContext } from "../context.js";

/** Version of the export's shape, so a reader can tell what it holds. */
export const MEMBER_EXPORT_FORMAT = 1;

export type MemberExport = Awaited<ReturnType<typeof exportMemberData>>;

/** @example const data = await exportMemberData(ctx, { memberId: 12 }); JSON.stringify(data) */
export async function exportMemberData(ctx: CoreContext, options: { memberId: number }) {
  const { prisma } = ctx;
  const memberId = options.memberId;
  const member = await prisma.member.findUniqueOrThrow({
    where: { id: memberId },
    select: {
      id: true,
      displayName: true,
      locale: true,
      role: true,
      referralCode: true,
      announcementsOptOut: true,
      marketingOptOut: true,
      timeZone: true,
      quietHoursStart: true,
      quietHoursEnd: true,
      reputation: true,
      helperSince: true,
      createdAt: true,
      lastSeenAt: true,
      stripeCustomerId: true,
      referredById: true,
    },
  });
  const { referredById, ...memberFields } = member;
  // Independent reads: one round trip each, run together.
  const [
    accounts,
    orders,
    subscriptions,
    entitlements,
    wallets,
    couponUses,
    lessonProgress,
    activity,
    questions,
    answers,
    votes,
    reviews,
    deliveries,
    churnScores,
    recommendations,
    assignments,
  ] = await Promise.all([
    prisma.platformAccount.findMany({
      where: { memberId },
      select: {
        platform: true,
        externalId: true,
        username: true,
        chatId: true,
        createdAt: true,
        unreachableSince: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.order.findMany({
      where: { memberId },
      select: {
        id: true,
        product: { select: { id: true, titleEn: true, titleZh: true } },
        offerId: true,
        status: true,
        provider: true,
        listAmount: true,
        amount: true,
        currency: true,
        coupon: { select: { code: true } },
        createdAt: true,
        paidAt: true,
        canceledAt: true,
        payments: {
          select: {
            provider: true,
            providerPaymentId: true,
            amount: true,
            currency: true,
            status: true,
            refundedAmount: true,
            periodEnd: true,
            disputeStatus: true,
            createdAt: true,
          },
          orderBy: { id: "asc" },
        },
        refunds: {
          select: { amount: true, currency: true, status: true, reason: true, createdAt: true, decidedAt: true },
          orderBy: { id: "asc" },
        },
      },
      orderBy: { id: "asc" },
    }),
    prisma.subscription.findMany({
      where: { memberId },
      select: {
        offerId: true,
        provider: true,
        providerSubscriptionId: true,
        status: true,
        currentPeriodEnd: true,
        cancelAtPeriodEnd: true,
        createdAt: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.entitlement.findMany({
      where: { memberId },
      select: {
        productId: true,
        source: true,
        orderId: true,
        startsAt: true,
        endsAt: true,
        graceUntil: true,
        revokedAt: true,
        revokeReason: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.wallet.findMany({
      where: { memberId },
      select: {
        balance: true,
        currency: true,
        transactions: {
          select: { kind: true, amount: true, balanceAfter: true, orderId: true, note: true, createdAt: true },
          orderBy: { id: "asc" },
        },
      },
      orderBy: { currency: "asc" },
    }),
    prisma.couponRedemption.findMany({
      where: { memberId },
      select: { coupon: { select: { code: true } }, orderId: true, createdAt: true },
    }),
    prisma.lessonProgress.findMany({
      where: { memberId },
      select: {
        lessonId: true,
        lesson: { select: { productId: true, position: true } },
        firstOpenedAt: true,
        lastOpenedAt: true,
        completedAt: true,
      },
      orderBy: [{ lastOpenedAt: "asc" }],
    }),
    prisma.activityEvent.findMany({
      where: { memberId },
      select: { kind: true, productId: true, data: true, occurredAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.question.findMany({
      where: { memberId },
      select: { id: true, productId: true, platform: true, title: true, body: true, status: true, createdAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.answer.findMany({
      where: { authorId: memberId },
      select: { id: true, questionId: true, body: true, state: true, createdAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.answerVote.findMany({
      where: { memberId },
      select: { answerId: true, helpful: true, createdAt: true, updatedAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.review.findMany({
      where: { memberId },
      select: {
        id: true,
        productId: true,
        rating: true,
        body: true,
        reply: true,
        repliedAt: true,
        hiddenAt: true,
        helpfulCount: true,
        createdAt: true,
        updatedAt: true,
      },
      orderBy: { id: "asc" },
    }),
    // Metadata only: a broadcast's text was written for everyone, not kept about this member.
    prisma.delivery.findMany({
      where: { memberId },
      select: { kind: true, status: true, attempts: true, createdAt: true, sentAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.churnScore.findMany({
      where: { memberId },
      select: { score: true, features: true, modelVersion: true, computedAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.recommendation.findMany({
      where: { memberId },
      select: {
        productId: true,
        score: true,
        reason: true,
        variant: true,
        createdAt: true,
        sentAt: true,
        clickedAt: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.experimentAssignment.findMany({
      where: { memberId },
      select: { experiment: { select: { key: true } }, variant: true, assignedAt: true, convertedAt: true },
    }),
  ]);
  // Referral credit: what they earned by inviting (the invitees, other people, left out) and what their own first
  // payment earned the member who invited them (that member left out).
  const referralSelect = { orderId: true, amount: true, currency: true, status: true, clearsAt: true, paidAt: true };
  const [referralRewardsEarned, referralOfFirstPayment] = await Promise.all([
    prisma.referralReward.findMany({
      where: { inviterId: memberId },
      select: { ...referralSelect, orderId: false, createdAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.referralReward.findUnique({ where: { inviteeId: memberId }, select: referralSelect }),
  ]);
  // Community standing: their helpful votes on reviews and every reputation event (its sum is their reputation).
  const [reviewVotes, reputationEvents] = await Promise.all([
    prisma.reviewVote.findMany({ where: { memberId }, select: { reviewId: true, createdAt: true } }),
    prisma.reputationEvent.findMany({
      where: { memberId },
      select: { points: true, reason: true, createdAt: true },
      orderBy: { id: "asc" },
    }),
  ]);
  // Lesson discussion: their comments (hidden ones too, with why) and the reports they made.
  const [lessonComments, moderationReports] = await Promise.all([
    prisma.lessonComment.findMany({
      where: { memberId },
      select: {
        id: true,
        lessonId: true,
        parentId: true,
        body: true,
        platform: true,
        hiddenAt: true,
        flaggedReason: true,
        createdAt: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.moderationReport.findMany({
      where: { reporterId: memberId },
      select: { case: { select: { target: true, targetId: true } }, reason: true, createdAt: true },
      orderBy: { id: "asc" },
    }),
  ]);
  // Free trials taken and coupons made for them alone (retention offers).
  const [trials, personalCoupons] = await Promise.all([
    prisma.trial.findMany({
      where: { memberId },
      select: { productId: true, provider: true, startedAt: true, endsAt: true, convertedAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.coupon.findMany({
      where: { memberId },
      select: { code: true, percentOff: true, productId: true, expiresAt: true, redemptions: true },
      orderBy: { id: "asc" },
    }),
  ]);
  return {
    format: MEMBER_EXPORT_FORMAT,
    exportedAt: ctx.clock.now(),
    member: { ...memberFields, invitedByAnotherMember: referredById !== null },
    accounts,
    orders: orders.map(({ coupon, ...order }) => ({ ...order, coupon: coupon?.code ?? null })),
    subscriptions,
    entitlements,
    wallets,
    referralRewardsEarned,
    referralOfFirstPayment,
    trials,
    personalCoupons,
    couponUses: couponUses.map((use) => ({ coupon: use.coupon.code, orderId: use.orderId, createdAt: use.createdAt })),
    lessonProgress,
    activity,
    questions,
    answers,
    answerVotes: votes,
    reviews,
    reviewVotes,
    reputationEvents,
    lessonComments,
    moderationReports: moderationReports.map((r) => ({ ...r.case, reason: r.reason, createdAt: r.createdAt })),
    deliveries,
    churnScores,
    recommendations,
    experimentAssignments: assignments.map((a) => ({
      experiment: a.experiment.key,
      variant: a.variant,
      assignedAt: a.assignedAt,
      convertedAt: a.convertedAt,
    })),
  };
}

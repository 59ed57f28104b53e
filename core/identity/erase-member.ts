/**
 * A member erases what is kept about them (/erase, after two confirmations). What goes: their name, usernames and
 * platform ids (every linked account, so the same Telegram or Discord user writing again is a new member), the text
 * of their questions, answers and refund reasons (replaced by "[erased]", so other people's answers keep their
 * thread), their progress, activity, reviews, votes, deliveries, churn scores, recommendations and experiment
 * assignments. What stays, anonymised: orders, payments, refunds, subscriptions and the wallet ledger with their
 * amounts and dates, which accounting and tax law require; the member row stays as their owner ("erased member",
 * `erasedAt` set).
 *
 * Running subscriptions are stopped at the provider first: if that fails nothing is erased (an erased member must
 * not be charged again, and could not be reached to be told). Access is revoked through the usual path and the gates
 * are brought in line while the accounts still exist, so a paid channel or role is left before the ids are gone.
 *
 * Only the member themself can ask for it: the use case takes the id of whoever asked, and no command names another
 * member.
 */

import { kickOutbox } from "../access/outbox.js";
import { reconcileMember } from "../access/reconcile-gates.js";
import { revokeEntitlements } from "../access/revoke-entitlements.js";
import type { CoreContext } from "../context.js";
import { flushActivity } from "../learning/record-activity.js";
import { isStaff } from "./roles.js";

/** What erased text is replaced with: the row stays for the people who answered it. */
export const ERASED_TEXT = "[erased]";
/** The anonymised member's name, shown wherever an old order or answer names its owner. */
export const ERASED_NAME = "erased member";

export type EraseMemberResult =
  | { ok: true }
  /** Staff hold the catalog and the community: an owner or creator steps down (/role) before erasing. */
  | { ok: false; reason: "STAFF" | "ALREADY_ERASED" | "PROVIDER_UNAVAILABLE" };

/** @example const result = await eraseMember(ctx, { memberId: session.member.id }) */
export async function eraseMember(ctx: CoreContext, options: { memberId: number }): Promise<EraseMemberResult> {
  const memberId = options.memberId;
  const member = await ctx.prisma.member.findUniqueOrThrow({ where: { id: memberId } });
  if (member.erasedAt) return { ok: false, reason: "ALREADY_ERASED" };
  if (isStaff(member.role)) return { ok: false, reason: "STAFF" };
  if (!(await stopSubscriptions(ctx, memberId))) return { ok: false, reason: "PROVIDER_UNAVAILABLE" };

  const now = ctx.clock.now();
  // Buffered activity is written first, so it cannot arrive after the erasure and bring some of it back.
  await flushActivity(ctx);
  await ctx.prisma.$transaction(async (tx) => {
    await revokeEntitlements(tx, { memberId }, "ERASED", now);
    await tx.subscription.updateMany({
      where: { memberId, status: { not: "CANCELED" } },
      data: { status: "CANCELED", cancelAtPeriodEnd: false },
    });
  });
  // Out of every gate while the platform ids are still known (a failure is logged and left for the creator).
  const report = await reconcileMember(ctx, memberId);
  if (report.failed) ctx.log.warn({ memberId, failed: report.failed }, "erased member not removed from every gate");

  await ctx.prisma.$transaction(
    async (tx) => {
      const answers = await tx.answer.findMany({ where: { authorId: memberId }, select: { id: true } });
      const answerIds = answers.map((a) => a.id);
      // An accepted answer was indexed for the answer helper: its passages go with its text.
      await tx.knowledgeChunk.deleteMany({ where: { answerId: { in: answerIds } } });
      await tx.answer.updateMany({
        where: { id: { in: answerIds } },
        data: { body: ERASED_TEXT, messageRef: null },
      });
      await tx.question.updateMany({
        where: { memberId },
        data: { title: ERASED_TEXT, body: ERASED_TEXT, textKey: null, messageRef: null },
      });
      await tx.refund.updateMany({
        where: { requestedById: memberId, NOT: { reason: "" } },
        data: { reason: ERASED_TEXT },
      });
      // Lesson comments keep their place (others replied to them); their text and platform copies' handles go.
      await tx.lessonComment.updateMany({ where: { memberId }, data: { body: ERASED_TEXT, messageRef: null } });
      await tx.moderationReport.updateMany({ where: { reporterId: memberId }, data: { reason: "" } });
      const where = { memberId };
      await tx.lessonProgress.deleteMany({ where });
      await tx.activityEvent.deleteMany({ where });
      await tx.churnScore.deleteMany({ where });
      await tx.recommendation.deleteMany({ where });
      await tx.answerVote.deleteMany({ where });
      await tx.review.deleteMany({ where });
      // Their helpful votes on others' reviews go (the points they gave stay with those authors); their own points go.
      await tx.reviewVote.deleteMany({ where });
      await tx.reputationEvent.deleteMany({ where });
      await tx.delivery.deleteMany({ where });
      await tx.experimentAssignment.deleteMany({ where });
      await tx.linkCode.deleteMany({ where });
      // Trials tell what they tried; a personal coupon not used yet is worth nothing to an anonymised member.
      await tx.trial.deleteMany({ where });
      await tx.coupon.updateMany({ where: { memberId, redemptions: 0 }, data: { active: false } });
      // Messages still waiting for them could only fail now; staff notices about their orders stay.
      await tx.$executeRaw`
        DELETE FROM "OutboxItem"
        WHERE "status" = 'PENDING' AND "kind" = 'notify.member' AND ("payload"->>'memberId') = ${String(memberId)}`;
      // Conversation states, gate memberships and intrusions go with the accounts (cascades).
      await tx.platformAccount.deleteMany({ where });
      await tx.member.update({
        where: { id: memberId },
        data: {
          displayName: ERASED_NAME,
          referralCode: `ERASED-${memberId}`,
          referredById: null,
          role: "MEMBER",
          reputation: 0,
          helperSince: null,
          announcementsOptOut: true,
          marketingOptOut: true,
          timeZone: "UTC",
          quietHoursStart: null,
          quietHoursEnd: null,
          stripeCustomerId: null,
          erasedAt: now,
        },
      });
    },
    { timeout: 30_000 },
  );
  await kickOutbox(ctx);
  ctx.log.info({ memberId }, "member erased");
  return { ok: true };
}

/** Stops every running subscription at its provider now; false when a provider could not be told. */
async function stopSubscriptions(ctx: CoreContext, memberId: number): Promise<boolean> {
  const running = await ctx.prisma.subscription.findMany({
    where: { memberId, status: { not: "CANCELED" } },
  });
  for (const subscription of running) {
    try {
      if (subscription.provider === "STRIPE") {
        const stripe = ctx.payments.stripe;
        if (!stripe) return false;
        await stripe.cancelSubscription(subscription.providerSubscriptionId, { atPeriodEnd: false });
      } else if (subscription.provider === "TELEGRAM_STARS") {
        const stars = ctx.payments.stars;
        const payer = await ctx.prisma.platformAccount.findFirst({ where: { memberId, platform: "TELEGRAM" } });
        if (!stars || !payer) return false;
        await stars.setStarSubscriptionCanceled(payer.externalId, subscription.providerSubscriptionId, true);
      }
    } catch (error) {
      ctx.log.error(
        { memberId, subscriptionId: subscription.id, err: error instanceof Error ? error.message : String(error) },
        "subscription not stopped before erasure",
      );
      return false;
    }
  }
  return true;
}

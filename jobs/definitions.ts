/**
 * The jobs: a name, a zod schema of the payload, a retry policy, and a thin handler that calls core. The same
 * definitions run in process (the single-machine default) and on BullMQ workers (REDIS_URL).
 */
import { z } from "zod";
import { expireEntitlements } from "../core/access/expire-entitlements.js";
import { drainOutbox, kickOutbox, OUTBOX_DRAIN_JOB } from "../core/access/outbox.js";
import { reconcileAllGates } from "../core/access/reconcile-gates.js";
import { answerThreadQuestion } from "../core/assistant/answer-thread-question.js";
import { MODERATE_ANSWER_JOB, moderateAnswer } from "../core/assistant/moderate-answer.js";
import { refreshKnowledge } from "../core/assistant/refresh-knowledge.js";
import { HELPER_ANSWER_JOB } from "../core/assistant/request-helper-answer.js";
import { KNOWLEDGE_INDEX_JOB } from "../core/assistant/request-knowledge-index.js";
import { HELPER_SWEEP_JOB, sweepUnansweredQuestions } from "../core/assistant/sweep-unanswered-questions.js";
import { reconcilePayments } from "../core/commerce/reconcile-payments.js";
import { payReferralRewards } from "../core/commerce/referrals/pay-referral-rewards.js";
import type { CoreContext } from "../core/context.js";
import { recordNudgeConversions } from "../core/insights/record-nudge-conversions.js";
import { runDailyRecommendations } from "../core/insights/run-daily-recommendations.js";
import { scoreChurnDaily } from "../core/insights/score-churn-daily.js";
import { announceReleasedLessons } from "../core/learning/announce-released-lessons.js";
import { remindLiveSessions } from "../core/learning/remind-live-sessions.js";
import { SEND_MESSAGES_JOB } from "../core/messaging/delivery-payload.js";
import { finishBroadcasts } from "../core/messaging/finish-broadcasts.js";
import { remindRenewals } from "../core/messaging/remind-renewals.js";
import { runOutboxMessage } from "../core/messaging/run-outbox-message.js";
import { kickSenders, platformsWithDueDeliveries, sendDueDeliveries } from "../core/messaging/send-deliveries.js";
import { sendWinBacks } from "../core/messaging/send-win-backs.js";
import { pacerFor } from "./pacers.js";

export interface JobRun {
  /** Aborts when the worker shuts down: stop between two units of work, leave the rest for the next run. */
  signal: AbortSignal;
  attempt: number;
}

/**
 * A job. `handle` only calls core; throwing retries with backoff (`attempts` in all, first retry after `backoffMs`,
 * doubling), throwing `UnrecoverableJobError` stops at once.
 *
 * @example await ctx.jobs.enqueue(ACCESS_SWEEP_JOB, {})
 */
export interface JobDefinition<T> {
  name: string;
  schema: z.ZodType<T>;
  attempts: number;
  backoffMs: number;
  handle(ctx: CoreContext, payload: T, run: JobRun): Promise<void>;
}

export const ACCESS_SWEEP_JOB = "access.sweep";
export const MESSAGING_SWEEP_JOB = "messaging.sweep";
export const PAYMENTS_RECONCILE_JOB = "payments.reconcile";
export const CHURN_SCORE_JOB = "insights.churn-score";
export const RECOMMENDATIONS_JOB = "insights.recommendations";
export const REFERRALS_SWEEP_JOB = "referrals.sweep";

const empty = z.object({}).strict() as z.ZodType<Record<string, never>>;
/** Outbox items one drain job runs before it hands over to the next one (other jobs get their turn between). */
const OUTBOX_DRAIN_LIMIT = 500;

export const drainOutboxJob: JobDefinition<Record<string, never>> = {
  name: OUTBOX_DRAIN_JOB,
  schema: empty,
  attempts: 5,
  backoffMs: 1000,
  async handle(ctx, _payload, run) {
    const processed = await drainOutbox(ctx, runOutboxMessage, OUTBOX_DRAIN_LIMIT, run.signal);
    // Stopped at the limit (a burst): the rest gets its own drain now rather than at the next sweep.
    if (processed >= OUTBOX_DRAIN_LIMIT && !run.signal.aborted) await kickOutbox(ctx);
  },
};

/** Expiry and the reconciler sweep: revokes what has ended, then repairs every gate against the platform. */
export const accessSweepJob: JobDefinition<Record<string, never>> = {
  name: ACCESS_SWEEP_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 5000,
  async handle(ctx, _payload, run) {
    // Each step is safe to stop after (the next sweep repeats them): a worker shutting down skips the rest.
    await expireEntitlements(ctx);
    if (run.signal.aborted) return;
    await drainOutbox(ctx, runOutboxMessage, undefined, run.signal);
    if (run.signal.aborted) return;
    await reconcileAllGates(ctx);
  },
};

/**
 * Compares recent orders, subscriptions, refunds and disputes with the payment provider and repairs what differs
 * (a webhook lost or delayed for hours); the same as the creator's /reconcile.
 */
export const paymentsReconcileJob: JobDefinition<Record<string, never>> = {
  name: PAYMENTS_RECONCILE_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 60_000,
  async handle(ctx) {
    await reconcilePayments(ctx);
  },
};

const SendMessagesSchema = z.object({ platform: z.enum(["TELEGRAM", "DISCORD", "CONSOLE"]) }).strict();

/**
 * One platform's sender: sends due deliveries at the platform's pace for a slice of time, then hands back (a
 * follow-up is queued when work is left). Coalesced per platform, so one sender per platform runs at a time.
 */
export const sendMessagesJob: JobDefinition<z.infer<typeof SendMessagesSchema>> = {
  name: SEND_MESSAGES_JOB,
  schema: SendMessagesSchema,
  attempts: 5,
  backoffMs: 1000,
  async handle(ctx, { platform }, run) {
    const report = await sendDueDeliveries(ctx, { platform, pacer: pacerFor(platform), signal: run.signal });
    await finishBroadcasts(ctx);
    // Interrupted (time slice over, or this worker shutting down): the follow-up runs here or on another worker.
    if (report.interrupted) await kickSenders(ctx, [platform]);
  },
};

const MessagingSweepSchema = z.object({ reminderDays: z.number().int().min(1).max(60).optional() }).strict();

/**
 * Reminders before renewal or end, win-back after expiry, drip notices (a lesson opened), live-session reminders,
 * join notices and replays, finished broadcasts, and a kick for every platform with due deliveries (quiet hours
 * ending, a crashed sender's leftovers). Idempotent: every row it writes has a unique dedupe key. Runs every minute
 * by default (MESSAGING_SWEEP_SECONDS), which is what times the 15-minute live reminder.
 */
export const messagingSweepJob: JobDefinition<z.infer<typeof MessagingSweepSchema>> = {
  name: MESSAGING_SWEEP_JOB,
  schema: MessagingSweepSchema,
  attempts: 3,
  backoffMs: 5000,
  async handle(ctx, payload) {
    await remindRenewals(ctx, { daysBefore: payload.reminderDays ?? 3 });
    await sendWinBacks(ctx);
    await announceReleasedLessons(ctx);
    await remindLiveSessions(ctx);
    // A purchase after a nudge shows in /experiments within a sweep, not a day.
    await recordNudgeConversions(ctx);
    await finishBroadcasts(ctx);
    await kickSenders(ctx, await platformsWithDueDeliveries(ctx));
  },
};

const HelperAnswerSchema = z.object({ questionId: z.number().int().positive() }).strict();

/**
 * The answer helper's work on one new thread question (moderation, limits, reuse, budget, the answer; posted or
 * drafted through the outbox), off the chat update's path so a slow model holds up nothing else. Keyed per question.
 */
export const helperAnswerJob: JobDefinition<z.infer<typeof HelperAnswerSchema>> = {
  name: HELPER_ANSWER_JOB,
  schema: HelperAnswerSchema,
  attempts: 3,
  backoffMs: 2000,
  async handle(ctx, { questionId }) {
    await answerThreadQuestion(ctx, { questionId });
  },
};

const ModerateAnswerSchema = z.object({ answerId: z.number().int().positive() }).strict();

/** A person's answer in a Q&A thread, moderated; flagged: hidden where possible, the creator told. */
export const moderateAnswerJob: JobDefinition<z.infer<typeof ModerateAnswerSchema>> = {
  name: MODERATE_ANSWER_JOB,
  schema: ModerateAnswerSchema,
  attempts: 3,
  backoffMs: 2000,
  async handle(ctx, { answerId }) {
    await moderateAnswer(ctx, { answerId });
  },
};

/** Questions nobody answered in HELPER_UNANSWERED_MINUTES reach the creator, once each. */
export const helperSweepJob: JobDefinition<Record<string, never>> = {
  name: HELPER_SWEEP_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 5000,
  async handle(ctx) {
    await sweepUnansweredQuestions(ctx);
  },
};

/**
 * The knowledge index brought up to date (unchanged sources skipped by hash; new chunks embedded when an endpoint is
 * configured): at start, every KNOWLEDGE_INDEX_MINUTES, and after every change to the material.
 */
export const knowledgeIndexJob: JobDefinition<Record<string, never>> = {
  name: KNOWLEDGE_INDEX_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 5000,
  async handle(ctx) {
    await refreshKnowledge(ctx);
  },
};

/**
 * The daily churn scoring (core/insights/score-churn-daily.ts): scheduled more often than daily (CHURN_SCORE_MINUTES)
 * so a restart never skips a day; a run finds who has no row today and scores only them, so the extra runs cost a
 * read and two workers running it at once still write one row per member per day.
 */
export const churnScoreJob: JobDefinition<Record<string, never>> = {
  name: CHURN_SCORE_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 60_000,
  async handle(ctx, _payload, run) {
    await scoreChurnDaily(ctx, { signal: run.signal });
  },
};

/**
 * Recommendations refreshed for every member, then the daily nudges (retention for members at risk, a new
 * recommendation for the others; holdout, frequency cap, opt-out) and the campaigns' conversions. Scheduled every
 * RECOMMENDATIONS_JOB_MINUTES so a restart never skips a day; one message per member and day at most, however many
 * runs or workers.
 */
export const recommendationsJob: JobDefinition<Record<string, never>> = {
  name: RECOMMENDATIONS_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 60_000,
  async handle(ctx, _payload, run) {
    await runDailyRecommendations(ctx, { signal: run.signal });
  },
};

/**
 * Referral credit: rewards whose refund window passed are paid into the inviter's wallet, refunded or disputed ones
 * voided (core/commerce/referrals/pay-referral-rewards.ts). Each reward settles once, however many runs or workers.
 */
export const referralsSweepJob: JobDefinition<Record<string, never>> = {
  name: REFERRALS_SWEEP_JOB,
  schema: empty,
  attempts: 3,
  backoffMs: 5000,
  async handle(ctx) {
    await payReferralRewards(ctx);
  },
};

export const JOBS: readonly JobDefinition<never>[] = [
  drainOutboxJob,
  accessSweepJob,
  sendMessagesJob,
  messagingSweepJob,
  paymentsReconcileJob,
  churnScoreJob,
  recommendationsJob,
  helperAnswerJob,
  moderateAnswerJob,
  helperSweepJob,
  knowledgeIndexJob,
  referralsSweepJob,
] as unknown as JobDefinition<never>[];

/**
 * Wires the product from configuration: database (embedded or PostgreSQL), jobs, payment providers, chat gateways
 * and the HTTP server. Entry points (bots/main.ts) and end-to-end tests build the same thing through here.
 */
import path from "node:path";
import { refreshKnowledge } from "../core/assistant/refresh-knowledge.js";
import { KNOWLEDGE_INDEX_JOB, requestKnowledgeIndex } from "../core/assistant/request-knowledge-index.js";
import { HELPER_SWEEP_JOB } from "../core/assistant/sweep-unanswered-questions.js";
import type { CoreConfig, CoreContext } from "../core/context.js";
import { flushActivity } from "../core/learning/record-activity.js";
import { kickSenders, platformsWithDueDeliveries } from "../core/messaging/send-deliveries.js";
import { type ChatGateway, type Clock, type StarsPayments, systemClock } from "../core/ports.js";
import {
  ACCESS_SWEEP_JOB,
  CHURN_SCORE_JOB,
  MESSAGING_SWEEP_JOB,
  PAYMENTS_RECONCILE_JOB,
  RECOMMENDATIONS_JOB,
  REFERRALS_SWEEP_JOB,
} from "../jobs/definitions.js";
import { type JobDriver, withinDeadline } from "../jobs/driver.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import { openDatabase } from "../prisma/database.js";
import { seedDemoCatalog } from "../prisma/seed.js";
import type { AppConfig } from "./config.js";
import { setQueueDepthSource, startMetricsListener } from "./http/metrics.js";
import { Readiness, type ReadinessCheck } from "./http/readiness.js";
import { buildHttpServer } from "./http/server.js";
import { createLogger } from "./logger.js";
import { openAiEmbeddingsFromEnv } from "./openai-embeddings.js";
import { openAiLanguageModelFromEnv } from "./openai-language-model.js";
import { openAiModerationFromEnv } from "./openai-moderation.js";
import { sentenceEncoderFromEnv } from "./sentence-encoder.js";
import { retryTransient } from "./startup/retry.js";
import { isTransientDatabaseError, StartupError } from "./startup/startup-error.js";

export interface App {
  ctx: CoreContext;
  /** In process by default; BullMQ when REDIS_URL is set. */
  jobs: JobDriver;
  http: ReturnType<typeof buildHttpServer>;
  /** Address the HTTP server listens on, when it started. */
  httpAddress: string | null;
  /** What `/readyz` checks (the database, Redis when configured, and what was passed in `readinessChecks`). */
  readiness: Readiness;
  /**
   * Stops in order: the HTTP server takes no new requests (those in flight finish), the jobs stop (each running one
   * finishes its current unit of work or hands it back, within `deadlineMs`), `afterJobs` runs, the database closes.
   * Waiting jobs are not run: their state is in the database and the next start picks it up. `true` when every
   * running job returned in time.
   */
  close(options?: CloseOptions): Promise<boolean>;
}

export interface CloseOptions {
  /** How long HTTP and the running jobs get, together (default: as long as they take). */
  deadlineMs?: number;
  /** Runs after the jobs stopped, before the database closes: adapters whose clients the jobs send through. */
  afterJobs?: () => Promise<void>;
}

export interface CreateAppOptions {
  config: AppConfig;
  gateways?: ChatGateway[];
  clock?: Clock;
  /** Default: warn in the console (keep the chat clean), info otherwise. */
  logLevel?: string;
  /** Start listening for HTTP (default true). */
  listen?: boolean;
  /** Process jobs here (default: JOB_WORKERS); false for a front end that only enqueues (BullMQ only). */
  jobWorkers?: boolean;
  /** Telegram Stars (the Telegram gateway), for refunds and subscription cancellation. */
  stars?: StarsPayments;
  /** Runs once the context exists and before the HTTP server listens: adapters mount their webhook routes here. */
  beforeListen?: (http: ReturnType<typeof buildHttpServer>, ctx: CoreContext) => Promise<void>;
  /** More parts for `/readyz` (each chat platform's last known state). */
  readinessChecks?: Record<string, ReadinessCheck>;
  /**
   * What cannot work without the HTTP server (e.g. "Stripe webhooks"): when set, failing to listen ends the start
   * (StartupError httpListenFailed) instead of a warning.
   */
  httpNeededBy?: string[];
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config } = options;
  const logger = createLogger(config.LOG_LEVEL ?? options.logLevel ?? "info");
  // A database that is still starting (or briefly unreachable) is waited for; wrong credentials and a failed
  // migration end the start at once (classified in bots/startup/startup-error.ts).
  const db = await retryTransient(
    () => openDatabase({ url: config.DATABASE_URL, dataDir: path.join(config.LYCEUM_DATA_DIR, "pglite") }),
    { what: "database connection", log: logger, isTransient: isTransientDatabaseError },
  );
  if (db.retried.length) logger.warn({ migrations: db.retried }, "applying again migrations that failed before");
  if (db.applied.length) logger.info({ migrations: db.applied }, "database migrated");
  // The demo catalog (one count on a catalog that has products) runs while the rest starts; the app is returned, and
  // answers, only once it is done, so a first /courses never sees a half-seeded catalog.
  const seeded =
    config.LYCEUM_SEED === "true"
      ? seedDemoCatalog(db.prisma).then((added) => {
          if (added) logger.info("demo catalog added");
        })
      : Promise.resolve();
  seeded.catch(() => {}); // awaited below; a failure must not surface earlier as an unhandled rejection

  const coreConfig: CoreConfig = {
    gracePeriodDays: config.GRACE_PERIOD_DAYS,
    publicUrl: config.publicUrl,
    manualPaymentInstructions: config.MANUAL_PAYMENT_INSTRUCTIONS ?? null,
    ownerAccounts: config.ownerAccounts,
    pendingOrderReuseMinutes: 60 * 24,
    stripeWithStars: config.STRIPE_WITH_STARS === "true",
    subscriptionRefund: config.STRIPE_REFUND_SUBSCRIPTION,
    reconcileDays: config.STRIPE_RECONCILE_DAYS,
    paySupportText: { en: config.PAY_SUPPORT_TEXT, zh: config.PAY_SUPPORT_TEXT_ZH },
    termsText: { en: config.TERMS_TEXT, zh: config.TERMS_TEXT_ZH },
    reportHideThreshold: config.REPORT_HIDE_THRESHOLD,
  };
  // BullMQ (with ioredis) and Stripe's SDK are loaded only when configured.
  const jobs: JobDriver = config.REDIS_URL
    ? new (await import("../jobs/bullmq-runner.js")).BullMqJobRunner({
        redisUrl: config.REDIS_URL,
        prefix: config.JOB_PREFIX,
        workers: options.jobWorkers ?? config.JOB_WORKERS === "true",
        concurrency: config.JOB_CONCURRENCY,
        lockDurationMs: config.JOB_LOCK_SECONDS * 1000,
      })
    : new InProcessJobRunner();
  const sentenceEncoder = sentenceEncoderFromEnv(config);
  const stripe =
    config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET
      ? (await import("./stripe/stripe-provider.js")).createStripeProvider({
          secretKey: config.STRIPE_SECRET_KEY,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET,
          apiBase: config.STRIPE_API_BASE,
          paymentMethods:
            config.STRIPE_PAYMENT_METHODS === "dynamic"
              ? "dynamic"
              : config.STRIPE_PAYMENT_METHODS?.split(",").map((s) => s.trim()),
        })
      : undefined;
  const ctx: CoreContext = {
    prisma: db.prisma,
    sql: db.sql,
    clock: options.clock ?? systemClock,
    config: coreConfig,
    log: logger,
    jobs,
    payments: { stripe, stars: options.stars },
    gateways: Object.fromEntries((options.gateways ?? []).map((g) => [g.platform, g])),
    // The answer helper: retrieval alone without these settings, a model and dense retrieval with them.
    assistant: {
      languageModel: openAiLanguageModelFromEnv(config),
      embeddings: openAiEmbeddingsFromEnv(config),
      sentenceEncoder,
      modelTimeoutMs: config.OPENAI_TIMEOUT_SECONDS * 1000,
      moderation: openAiModerationFromEnv(config),
      defaultMode: config.HELPER_MODE,
      dailyQuestionLimit: config.HELPER_DAILY_QUESTIONS,
      dailyTokenBudget: config.HELPER_DAILY_TOKENS,
      unansweredMinutes: config.HELPER_UNANSWERED_MINUTES,
      newMemberDays: config.MODERATION_NEW_MEMBER_DAYS,
      bannedWords: (config.MODERATION_BANNED_WORDS ?? "")
        .split(/[,，]/)
        .map((word) => word.trim())
        .filter(Boolean),
      floodQuestions: config.MODERATION_FLOOD_QUESTIONS,
      floodMinutes: config.MODERATION_FLOOD_MINUTES,
    },
    // The day's churn model is kept beside the embedded database, so a restart the same day does not train again.
    churn: { idleDays: config.CHURN_IDLE_DAYS, modelFile: path.join(config.LYCEUM_DATA_DIR, "churn-model.json") },
    community: {
      reviewMinLessons: config.REVIEW_MIN_LESSONS,
      helperReputation: config.HELPER_REPUTATION,
      dailyVotePoints: config.REPUTATION_DAILY_VOTE_POINTS,
    },
    recommendations: {
      perMember: config.RECOMMENDATIONS_PER_MEMBER,
      repeatAfterDays: config.RECOMMENDATIONS_REPEAT_DAYS,
      capDays: config.NUDGE_CAP_DAYS,
      holdoutPercent: config.NUDGE_HOLDOUT_PERCENT,
      conversionDays: config.NUDGE_CONVERSION_DAYS,
      couponPercent: config.NUDGE_COUPON_PERCENT,
      riskThreshold: config.NUDGE_RISK_THRESHOLD,
      firstPurchaseProbability: config.FIRST_PURCHASE_MIN_PROBABILITY,
      firstPurchaseCouponPercent: config.FIRST_PURCHASE_COUPON_PERCENT,
    },
    wallet: {
      currency: config.WALLET_CURRENCY.toLowerCase(),
      topUpPresets: config.WALLET_TOP_UP_PRESETS.split(",").map((amount) => Number(amount.trim())),
      referralCredit: config.REFERRAL_CREDIT,
      referralCreditCurrency: config.REFERRAL_CREDIT_CURRENCY.toLowerCase(),
      refundWindowDays: config.REFUND_WINDOW_DAYS,
    },
  };
  await jobs.start(ctx);
  setQueueDepthSource(() => jobs.depth());
  await jobs.every(ACCESS_SWEEP_JOB, config.SWEEP_INTERVAL_MINUTES * 60_000);
  if (stripe) await jobs.every(PAYMENTS_RECONCILE_JOB, config.STRIPE_RECONCILE_MINUTES * 60_000);
  await jobs.every(MESSAGING_SWEEP_JOB, config.MESSAGING_SWEEP_SECONDS * 1000, { reminderDays: config.REMINDER_DAYS });
  // The answer helper: questions nobody answered reach the creator on the messaging sweep's beat; the knowledge
  // index is refreshed on a schedule and at start (below, once the demo catalog, if any, is in).
  await jobs.every(HELPER_SWEEP_JOB, config.MESSAGING_SWEEP_SECONDS * 1000);
  await jobs.every(KNOWLEDGE_INDEX_JOB, config.KNOWLEDGE_INDEX_MINUTES * 60_000);
  await jobs.every(CHURN_SCORE_JOB, config.CHURN_SCORE_MINUTES * 60_000);
  await jobs.every(RECOMMENDATIONS_JOB, config.RECOMMENDATIONS_JOB_MINUTES * 60_000);
  await jobs.every(REFERRALS_SWEEP_JOB, config.REFERRALS_SWEEP_MINUTES * 60_000);
  // Deliveries the last stop left pending (a broadcast cut short) go on now, not at the first messaging sweep.
  await kickSenders(ctx, await platformsWithDueDeliveries(ctx));

  const readiness = new Readiness();
  readiness.add("database", async () => {
    await db.prisma.$queryRaw`SELECT 1`;
    return { up: true };
  });
  // Redis: a job count answers only when Redis does (the client queues commands while it reconnects: time-limited).
  if (config.REDIS_URL) {
    readiness.add("redis", async () => {
      await jobs.depth();
      return { up: true };
    });
  }
  for (const [name, check] of Object.entries(options.readinessChecks ?? {})) readiness.add(name, check);

  const http = buildHttpServer(ctx, logger, { metricsToken: config.METRICS_TOKEN, readiness });
  let metricsHttp: Awaited<ReturnType<typeof startMetricsListener>> = null;
  let httpAddress: string | null = null;
  try {
    await options.beforeListen?.(http, ctx);
    if (options.listen !== false) {
      httpAddress = await listenPublic(http, config, options.httpNeededBy ?? [], logger);
      if (config.METRICS_PORT) {
        metricsHttp = await startMetricsListener(ctx, {
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
          token: config.METRICS_TOKEN,
        });
      }
    }
    await seeded;
    // An empty index (the first start, or material imported before it) is built before the app answers, so the first
    // question finds it; its vectors, and any later refresh, come from the job in the background. A failure here
    // only delays the index (the schedule retries it): it never stops the start.
    if ((await db.prisma.knowledgeChunk.count()) === 0) {
      await refreshKnowledge(ctx, { vectors: false }).catch((error: unknown) =>
        logger.warn({ err: error }, "knowledge index not built"),
      );
    }
    await requestKnowledgeIndex(ctx);
  } catch (error) {
    // The start ends here: close what is open, so the process exits with the database shut down properly.
    await jobs.close({ deadlineMs: 5_000 }).catch(() => false);
    await http.close().catch(() => {});
    await db.close().catch(() => {});
    await sentenceEncoder?.close();
    throw error;
  }
  return {
    ctx,
    jobs,
    http,
    httpAddress,
    readiness,
    async close(options = {}) {
      const started = Date.now();
      const left = () => (options.deadlineMs === undefined ? undefined : options.deadlineMs - (Date.now() - started));
      await withinDeadline(http.close(), left());
      await metricsHttp?.close();
      // A paced sender stops between two messages; in process, what waits is dropped (the rows keep it), on BullMQ
      // it stays in Redis for the other workers.
      const stopped = await jobs.close({ deadlineMs: left() });
      if (!stopped) logger.warn({ deadlineMs: options.deadlineMs }, "jobs still running at the shutdown deadline");
      await options.afterJobs?.();
      // Activity events wait in memory for a batch write: written now, while the database is still open.
      await flushActivity(ctx);
      await sentenceEncoder?.close();
      await db.close();
      return stopped;
    },
  };
}

/**
 * Listens on HTTP_HOST:HTTP_PORT. When something needs the server (Stripe or Telegram webhooks), failing to listen
 * ends the start; otherwise the product runs without it and says so.
 */
async function listenPublic(
  http: ReturnType<typeof buildHttpServer>,
  config: AppConfig,
  neededBy: string[],
  logger: ReturnType<typeof createLogger>,
): Promise<string | null> {
  try {
    return await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  } catch (error) {
    if (neededBy.length) {
      throw new StartupError(
        "httpListenFailed",
        {
          address: `${config.HTTP_HOST}:${config.HTTP_PORT}`,
          reason: (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error)),
          needs: neededBy.join(", "),
        },
        { cause: error },
      );
    }
    logger.warn({ err: error }, "HTTP server not started (nothing configured needs it)");
    return null;
  }
}

/**
 * Wires the product from configuration: database (embedded or PostgreSQL), jobs, payment providers, chat gateways
 * and the HTTP server. Entry points (bots/main.ts) and end-to-end tests build the same thing through here.
 */
import path from "node:path";
import type { CoreConfig, CoreContext } from "../core/context.js";
import { type ChatGateway, type Clock, type StarsPayments, systemClock } from "../core/ports.js";
import { BullMqJobRunner } from "../jobs/bullmq-runner.js";
import { ACCESS_SWEEP_JOB, MESSAGING_SWEEP_JOB, PAYMENTS_RECONCILE_JOB } from "../jobs/definitions.js";
import type { JobDriver } from "../jobs/driver.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import { openDatabase } from "../prisma/database.js";
import { seedDemoCatalog } from "../prisma/seed.js";
import type { AppConfig } from "./config.js";
import { setQueueDepthSource } from "./http/metrics.js";
import { buildHttpServer } from "./http/server.js";
import { createLogger } from "./logger.js";
import { createStripeProvider } from "./stripe/stripe-provider.js";

export interface App {
  ctx: CoreContext;
  /** In process by default; BullMQ when REDIS_URL is set. */
  jobs: JobDriver;
  http: ReturnType<typeof buildHttpServer>;
  /** Address the HTTP server listens on, when it started. */
  httpAddress: string | null;
  close(): Promise<void>;
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
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config } = options;
  const logger = createLogger(config.LOG_LEVEL ?? options.logLevel ?? "info");
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: path.join(config.LYCEUM_DATA_DIR, "pglite") });
  if (db.applied.length) logger.info({ migrations: db.applied }, "database migrated");
  if (config.LYCEUM_SEED === "true" && (await seedDemoCatalog(db.prisma))) logger.info("demo catalog added");

  const coreConfig: CoreConfig = {
    gracePeriodDays: config.GRACE_PERIOD_DAYS,
    publicUrl: config.publicUrl,
    manualPaymentInstructions: config.MANUAL_PAYMENT_INSTRUCTIONS ?? null,
    ownerAccounts: config.ownerAccounts,
    pendingOrderReuseMinutes: 60 * 24,
    stripeWithStars: config.STRIPE_WITH_STARS === "true",
    subscriptionRefund: config.STRIPE_REFUND_SUBSCRIPTION,
    reconcileDays: config.STRIPE_RECONCILE_DAYS,
  };
  const jobs: JobDriver = config.REDIS_URL
    ? new BullMqJobRunner({
        redisUrl: config.REDIS_URL,
        prefix: config.JOB_PREFIX,
        workers: options.jobWorkers ?? config.JOB_WORKERS === "true",
        concurrency: config.JOB_CONCURRENCY,
        lockDurationMs: config.JOB_LOCK_SECONDS * 1000,
      })
    : new InProcessJobRunner();
  const stripe =
    config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET
      ? createStripeProvider({
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
    clock: options.clock ?? systemClock,
    config: coreConfig,
    log: logger,
    jobs,
    payments: { stripe, stars: options.stars },
    gateways: Object.fromEntries((options.gateways ?? []).map((g) => [g.platform, g])),
  };
  await jobs.start(ctx);
  setQueueDepthSource(() => jobs.depth());
  await jobs.every(ACCESS_SWEEP_JOB, config.SWEEP_INTERVAL_MINUTES * 60_000);
  if (stripe) await jobs.every(PAYMENTS_RECONCILE_JOB, config.STRIPE_RECONCILE_MINUTES * 60_000);
  await jobs.every(MESSAGING_SWEEP_JOB, config.MESSAGING_SWEEP_SECONDS * 1000, { reminderDays: config.REMINDER_DAYS });

  const http = buildHttpServer(ctx, logger);
  await options.beforeListen?.(http, ctx);
  let httpAddress: string | null = null;
  if (options.listen !== false) {
    try {
      httpAddress = await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "HTTP server not started (webhooks unavailable)",
      );
    }
  }
  return {
    ctx,
    jobs,
    http,
    httpAddress,
    async close() {
      // In process, finish what is queued; a BullMQ worker leaves it in Redis for the others.
      if (jobs instanceof InProcessJobRunner) await jobs.idle();
      await jobs.close();
      await http.close();
      await db.close();
    },
  };
}

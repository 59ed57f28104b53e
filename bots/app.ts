/**
 * Wires the product from configuration: database (embedded or PostgreSQL), jobs, payment providers, chat gateways
 * and the HTTP server. Entry points (bots/main.ts) and end-to-end tests build the same thing through here.
 */
import path from "node:path";
import type { CoreConfig, CoreContext } from "../core/context.js";
import { type ChatGateway, type Clock, systemClock } from "../core/ports.js";
import { ACCESS_SWEEP_JOB } from "../jobs/definitions.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import { openDatabase } from "../prisma/database.js";
import { seedDemoCatalog } from "../prisma/seed.js";
import type { AppConfig } from "./config.js";
import { buildHttpServer } from "./http/server.js";
import { createLogger } from "./logger.js";
import { createStripeProvider } from "./stripe/stripe-provider.js";

export interface App {
  ctx: CoreContext;
  jobs: InProcessJobRunner;
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
  };
  const jobs = new InProcessJobRunner();
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
    payments: { stripe },
    gateways: Object.fromEntries((options.gateways ?? []).map((g) => [g.platform, g])),
  };
  jobs.start(ctx);
  jobs.every(ACCESS_SWEEP_JOB, config.SWEEP_INTERVAL_MINUTES * 60_000);

  const http = buildHttpServer(ctx, logger);
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
      await jobs.idle();
      await jobs.close();
      await http.close();
      await db.close();
    },
  };
}

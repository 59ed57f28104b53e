/**
 * Everything a use case needs, passed in explicitly: the database, the clock, the configured ports.
 * Built once by the entry point (bots/main.ts) or by a test.
 */
import type { Platform, PrismaClient } from "../prisma/generated/client.js";
import type { AssistantSettings } from "./assistant/assistant-settings.js";
import type { WalletSettings } from "./commerce/wallet/wallet-settings.js";
import type { CommunitySettings } from "./community/community-settings.js";
import type { ChurnSettings } from "./insights/churn-settings.js";
import type { RecommendationSettings } from "./insights/recommendation-settings.js";
import type { ChatGateway, Clock, JobScheduler, PaymentProvider, StarsPayments } from "./ports.js";

export type Database = PrismaClient;
/** The client inside `$transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Minimal structured logger (pino satisfies it). Never pass secrets. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface CoreConfig {
  /** Days a failed renewal keeps access while the provider retries. */
  gracePeriodDays: number;
  /** Base URL where the HTTP server is reachable (checkout return pages). */
  publicUrl: string;
  /** What members are told to do to pay manually (bank transfer details, …). */
  manualPaymentInstructions: string | null;
  /** Accounts that become OWNER on first contact, as `platform:externalId` (e.g. `telegram:12345`). */
  ownerAccounts: string[];
  /** How long a pending order is reused for the same offer (double clicks buy once). */
  pendingOrderReuseMinutes: number;
  /** Offer Stripe Checkout next to Stars invoices on platforms that sell in Stars (the creator's choice). */
  stripeWithStars: boolean;
  /** A subscription refunded from chat: cancelled at once, or left to end with the period already paid. */
  subscriptionRefund: "cancel-now" | "period-end";
  /** How many days back the payment reconciler looks for activity at the provider. */
  reconcileDays: number;
  /** /paysupport's answer per language (Telegram requires one from Stars sellers); absent: the built-in text. */
  paySupportText?: Partial<Record<"en" | "zh", string>>;
  /** /terms' answer per language (Telegram requires one from Stars sellers); absent: the built-in text. */
  termsText?: Partial<Record<"en" | "zh", string>>;
  /** Reports by different members that hide a comment, answer or review pending review (REPORT_HIDE_THRESHOLD); 3. */
  reportHideThreshold?: number;
}

export const defaultCoreConfig: CoreConfig = {
  gracePeriodDays: 3,
  publicUrl: "http://127.0.0.1:3000",
  manualPaymentInstructions: null,
  ownerAccounts: ["console:creator"],
  pendingOrderReuseMinutes: 60 * 24,
  stripeWithStars: false,
  subscriptionRefund: "cancel-now",
  reconcileDays: 3,
};

/**
 * Parameterised statements (`$1`, `$2` …) straight to the driver, for the few every update runs (reads, and the batched
 * activity write): Prisma's client costs more CPU per statement than the statement itself there (issue 10's profile).
 * Rows come back as the driver parses them — pg and PGlite differ on timestamps and 64-bit integers — so callers
 * select `to_jsonb(…)`, text or epoch milliseconds and convert. Everything else uses Prisma.
 *
 * @example const rows = await ctx.sql.query<{ version: string }>('SELECT "version"::text FROM "CatalogVersion"')
 */
export interface SqlReader {
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface CoreContext {
  prisma: Database;
  sql: SqlReader;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  jobs: JobScheduler;
  /** Stripe (when keys are configured), Telegram Stars (when the Telegram bot runs). Manual payment needs none. */
  payments: { stripe?: PaymentProvider; stars?: StarsPayments };
  gateways: Partial<Record<Platform, ChatGateway>>;
  /** The answer helper's model, embeddings and limits; absent: retrieval-only answers with the defaults. */
  assistant?: Partial<AssistantSettings>;
  /** Churn risk: the idle days that define churn, the history learned from, where the model is kept. */
  churn?: Partial<ChurnSettings>;
  /** Recommendations and the daily nudges: how many, how often, the holdout; absent: the defaults. */
  recommendations?: Partial<RecommendationSettings>;
  /** Reviews and reputation: lessons before a review, the helper level, the daily vote cap; absent: the defaults. */
  community?: Partial<CommunitySettings>;
  /** Top-up currency and buttons, referral credit and its refund window; absent: the defaults. */
  wallet?: Partial<WalletSettings>;
}

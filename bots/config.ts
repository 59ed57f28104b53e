/**
 * Configuration from the environment, checked once at start. Every variable is listed in the README.
 */
import { z } from "zod";
import { ConfigError, crossFieldProblems, problemsFromIssues } from "./config-problems.js";

export { ConfigError } from "./config-problems.js";

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const ConfigSchema = z.object({
  DATABASE_URL: optional,
  LYCEUM_DATA_DIR: z.string().default(".data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  HTTP_HOST: z.string().default("127.0.0.1"),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optional,
  STRIPE_SECRET_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  STRIPE_API_BASE: optional,
  STRIPE_PAYMENT_METHODS: optional,
  STRIPE_WITH_STARS: z.enum(["true", "false"]).default("false"),
  STRIPE_REFUND_SUBSCRIPTION: z.enum(["cancel-now", "period-end"]).default("cancel-now"),
  STRIPE_RECONCILE_MINUTES: z.coerce.number().positive().default(60),
  STRIPE_RECONCILE_DAYS: z.coerce.number().int().min(1).max(90).default(3),
  MANUAL_PAYMENT_INSTRUCTIONS: optional,
  PAY_SUPPORT_TEXT: optional,
  PAY_SUPPORT_TEXT_ZH: optional,
  TERMS_TEXT: optional,
  TERMS_TEXT_ZH: optional,
  GRACE_PERIOD_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  OWNER_ACCOUNTS: z.string().default("console:creator"),
  LYCEUM_SEED: z.enum(["true", "false"]).default("true"),
  SWEEP_INTERVAL_MINUTES: z.coerce.number().positive().default(15),
  CONSOLE_USER: z
    .string()
    .regex(/^[\w.-]{1,32}$/)
    .default("member"),
  LYCEUM_CHAT: z.enum(["console", "none"]).optional(),
  REDIS_URL: optional,
  JOB_WORKERS: z.enum(["true", "false"]).default("true"),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_LOCK_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  JOB_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .default("lyceum"),
  REMINDER_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  MESSAGING_SWEEP_SECONDS: z.coerce.number().positive().default(60),
  // Churn risk: H, the days without activity (or without renewed paid access) that count as churned; how often the
  // scoring job looks for members without today's score.
  CHURN_IDLE_DAYS: z.coerce.number().int().min(1).max(180).default(14),
  CHURN_SCORE_MINUTES: z.coerce.number().positive().default(60),
  // Recommendations (/foryou) and the daily nudges: how many, how often, the cap, the holdout, an optional coupon.
  RECOMMENDATIONS_PER_MEMBER: z.coerce.number().int().min(1).max(20).default(5),
  RECOMMENDATIONS_REPEAT_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  RECOMMENDATIONS_JOB_MINUTES: z.coerce.number().positive().default(60),
  NUDGE_CAP_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  NUDGE_HOLDOUT_PERCENT: z.coerce.number().min(0).max(50).default(10),
  NUDGE_CONVERSION_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  NUDGE_COUPON_PERCENT: z.coerce.number().int().min(0).max(90).default(0),
  NUDGE_RISK_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  FIRST_PURCHASE_MIN_PROBABILITY: z.coerce.number().min(0).max(1).default(0.2),
  FIRST_PURCHASE_COUPON_PERCENT: z.coerce.number().int().min(0).max(90).default(0),
  // SIGTERM/SIGINT: how long running jobs get to finish or hand back their work before the process leaves anyway.
  SHUTDOWN_SECONDS: z.coerce.number().positive().max(600).default(10),
  // The wallet (/wallet): the top-up currency and buttons; referral credit (/invite) and the window that clears it.
  WALLET_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .default("usd"),
  WALLET_TOP_UP_PRESETS: z
    .string()
    .regex(/^\s*\d{1,5}(\s*,\s*\d{1,5}){0,4}\s*$/, { message: "up to 5 whole amounts, like 10,20,50" })
    .default("10,20,50"),
  REFERRAL_CREDIT: z.coerce.number().int().min(0).max(1_000_000).default(500),
  REFERRAL_CREDIT_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .default("usd"),
  REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  REFERRALS_SWEEP_MINUTES: z.coerce.number().positive().default(60),
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_GUILD_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_QA_FORUM_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_API_BASE: optional,
  // Lesson discussion: a Telegram forum supergroup (a topic per lesson) and a Discord text channel (a thread per lesson).
  LESSON_DISCUSSION_CHAT_ID: optional.refine((v) => v === undefined || /^-?\d{1,20}$/.test(v), {
    message: "a numeric chat id",
  }),
  LESSON_DISCUSSION_CHANNEL_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), {
    message: "a numeric id",
  }),
  // Reports from different members that hide a comment, answer or review until a moderator decides.
  REPORT_HIDE_THRESHOLD: z.coerce.number().int().min(1).max(100).default(3),
  // The role community helpers get on Discord (reputation at HELPER_REPUTATION); unset: no role.
  DISCORD_HELPER_ROLE_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: optional,
  TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling"),
  // The Q&A group where community helpers get a custom title (the bot needs can_promote_members there); unset: none.
  TELEGRAM_HELPER_CHAT_ID: optional.refine((v) => v === undefined || /^-?\d{1,20}$/.test(v), {
    message: "a numeric chat id, such as -1001234567890",
  }),
  TELEGRAM_WEBHOOK_SECRET: optional.refine((v) => v === undefined || /^[A-Za-z0-9_-]{16,256}$/.test(v), {
    message: "16 to 256 characters: letters, digits, _ and -",
  }),
  // The answer helper: a model is used when both the key and the model are set; embeddings when a model for them is.
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: optional,
  OPENAI_MODEL: optional,
  OPENAI_EMBEDDING_MODEL: optional,
  // The bundled English sentence encoder the answer helper's re-ranker reads (bots/sentence-encoder.ts); off: without.
  SENTENCE_ENCODER: z.enum(["on", "off"]).default("on"),
  OPENAI_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(20),
  // The provider's moderation endpoint for questions and answers (needs OPENAI_API_KEY); unset: the rules below only.
  OPENAI_MODERATION_MODEL: optional,
  // The answer helper's workflow: the mode of places nobody set, limits, the unanswered sweep, moderation rules.
  HELPER_MODE: z.enum(["auto", "draft", "off"]).default("auto"),
  HELPER_DAILY_QUESTIONS: z.coerce.number().int().min(0).max(10_000).default(20),
  HELPER_DAILY_TOKENS: z.coerce.number().int().min(0).default(200_000),
  HELPER_UNANSWERED_MINUTES: z.coerce.number().positive().max(10_080).default(60),
  KNOWLEDGE_INDEX_MINUTES: z.coerce.number().positive().default(30),
  MODERATION_BANNED_WORDS: optional,
  MODERATION_NEW_MEMBER_DAYS: z.coerce.number().min(0).max(365).default(7),
  MODERATION_FLOOD_QUESTIONS: z.coerce.number().int().min(0).max(1000).default(5),
  MODERATION_FLOOD_MINUTES: z.coerce.number().positive().max(1440).default(10),
  // Reviews and reputation: lessons opened before a review, the helper level, the points one voter gives per day.
  REVIEW_MIN_LESSONS: z.coerce.number().int().min(0).max(1000).default(1),
  HELPER_REPUTATION: z.coerce.number().int().min(1).max(1_000_000).default(50),
  REPUTATION_DAILY_VOTE_POINTS: z.coerce.number().int().min(0).max(10_000).default(20),
  // Metrics stay off the public listener unless asked for: their own listener, or the main one behind a token.
  METRICS_HOST: z.string().default("127.0.0.1"),
  METRICS_PORT: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(65535).optional()),
  METRICS_TOKEN: optional.refine((v) => v === undefined || v.length >= 16, { message: "at least 16 characters" }),
});

export type RawConfig = z.infer<typeof ConfigSchema>;

/** Every variable the configuration reads (the README table and `.env.example` list each; a unit test checks it). */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as (keyof RawConfig)[];

export interface AppConfig extends RawConfig {
  publicUrl: string;
  stripeEnabled: boolean;
  ownerAccounts: string[];
}

/**
 * Reads and checks the configuration. Throws ConfigError listing every problem at once (each variable with what was
 * given, secrets masked, and what is expected), including settings that only work together.
 *
 * @example const config = loadConfig(); // in an entry point, after loadEnvFile()
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  const problems = parsed.success ? [] : problemsFromIssues(parsed.error.issues, ConfigSchema.shape, env);
  // Checked on the raw strings too, so one run reports the schema's problems and these together.
  const text = (name: string) => env[name]?.trim() || undefined;
  const port = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const crossField = crossFieldProblems(
    {
      STRIPE_SECRET_KEY: text("STRIPE_SECRET_KEY"),
      STRIPE_WEBHOOK_SECRET: text("STRIPE_WEBHOOK_SECRET"),
      DISCORD_TOKEN: text("DISCORD_TOKEN"),
      DISCORD_APPLICATION_ID: text("DISCORD_APPLICATION_ID"),
      DISCORD_GUILD_ID: text("DISCORD_GUILD_ID"),
      TELEGRAM_BOT_TOKEN: text("TELEGRAM_BOT_TOKEN"),
      TELEGRAM_MODE: text("TELEGRAM_MODE") ?? "polling",
      TELEGRAM_WEBHOOK_SECRET: text("TELEGRAM_WEBHOOK_SECRET"),
      TELEGRAM_API_ROOT: text("TELEGRAM_API_ROOT"),
      PUBLIC_URL: text("PUBLIC_URL"),
      HTTP_PORT: port("HTTP_PORT") ?? 3000,
      METRICS_PORT: port("METRICS_PORT"),
    },
    env,
  );
  for (const problem of crossField) {
    if (!problems.some((p) => p.variable === problem.variable)) problems.push(problem);
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const raw = parsed.data;
  return {
    ...raw,
    publicUrl: raw.PUBLIC_URL ?? `http://${raw.HTTP_HOST}:${raw.HTTP_PORT || 3000}`,
    stripeEnabled: Boolean(raw.STRIPE_SECRET_KEY),
    ownerAccounts: raw.OWNER_ACCOUNTS.split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  };
}

/**
 * Configuration from the environment, checked once at start. Every variable is listed in the README.
 */
import { z } from "zod";

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
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_GUILD_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_QA_FORUM_ID: optional.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "a numeric id" }),
  DISCORD_API_BASE: optional,
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: optional,
  TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling"),
  TELEGRAM_WEBHOOK_SECRET: optional.refine((v) => v === undefined || /^[A-Za-z0-9_-]{16,256}$/.test(v), {
    message: "16 to 256 characters: letters, digits, _ and -",
  }),
});

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface AppConfig extends RawConfig {
  publicUrl: string;
  stripeEnabled: boolean;
  ownerAccounts: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const raw = parsed.data;
  if (Boolean(raw.STRIPE_SECRET_KEY) !== Boolean(raw.STRIPE_WEBHOOK_SECRET)) {
    throw new Error("Invalid configuration: set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither");
  }
  if (raw.DISCORD_TOKEN && (!raw.DISCORD_APPLICATION_ID || !raw.DISCORD_GUILD_ID)) {
    throw new Error("Invalid configuration: DISCORD_TOKEN needs DISCORD_APPLICATION_ID and DISCORD_GUILD_ID");
  }
  if (raw.TELEGRAM_BOT_TOKEN && raw.TELEGRAM_MODE === "webhook" && (!raw.TELEGRAM_WEBHOOK_SECRET || !raw.PUBLIC_URL)) {
    throw new Error("Invalid configuration: TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL");
  }
  return {
    ...raw,
    publicUrl: raw.PUBLIC_URL ?? `http://${raw.HTTP_HOST}:${raw.HTTP_PORT || 3000}`,
    stripeEnabled: Boolean(raw.STRIPE_SECRET_KEY),
    ownerAccounts: raw.OWNER_ACCOUNTS.split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  };
}

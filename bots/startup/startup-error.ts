/**
 * Why Lyceum cannot run, sorted into classes an operator can act on, each with its own exit code (listed in the
 * README, "Exit codes") and one translated line saying what to fix (startup-texts.ts).
 */
import { MigrationFailedError } from "../../prisma/schema-engine.js";
import { ConfigError, type ConfigProblem } from "../config-problems.js";
import { type OperatorLanguage, startupTexts } from "./startup-texts.js";

/** Exit codes, one per class of failure. A service manager should not restart on 2, 10, 11, 20 or 21. */
export const EXIT_CODES = {
  /** An unexpected error (a bug): the JSON log has the stack. */
  unexpected: 1,
  /** A setting is missing or wrong. */
  config: 2,
  /** The database cannot be reached or refuses us, or a migration failed. */
  database: 3,
  /** The HTTP server cannot listen, and Stripe or Telegram webhooks need it. */
  httpListen: 4,
  /** Telegram refused the bot token. */
  telegramToken: 10,
  /** Another instance is receiving this bot's updates. */
  telegramConflict: 11,
  /** Telegram stayed unreachable at start, or refused a call the bot needs. */
  telegramUnavailable: 12,
  /** Discord refused the bot token. */
  discordToken: 20,
  /** Discord refused a privileged intent the bot cannot run without (Server Members). */
  discordIntents: 21,
  /** Discord stayed unreachable at start, or refused a call the bot needs. */
  discordUnavailable: 22,
} as const;

export type StartupFailureKind =
  | "config"
  | "envFileUnreadable"
  | "telegramWebhookRefused"
  | "discordApplicationMismatch"
  | "databaseUnreachable"
  | "migrationFailed"
  | "httpListenFailed"
  | "telegramTokenInvalid"
  | "telegramConflict"
  | "telegramRefused"
  | "discordTokenInvalid"
  | "discordIntents"
  | "discordRefused"
  | "unexpected";

const EXIT_CODE_OF: Record<StartupFailureKind, number> = {
  config: EXIT_CODES.config,
  envFileUnreadable: EXIT_CODES.config,
  telegramWebhookRefused: EXIT_CODES.config,
  discordApplicationMismatch: EXIT_CODES.config,
  databaseUnreachable: EXIT_CODES.database,
  migrationFailed: EXIT_CODES.database,
  httpListenFailed: EXIT_CODES.httpListen,
  telegramTokenInvalid: EXIT_CODES.telegramToken,
  telegramConflict: EXIT_CODES.telegramConflict,
  telegramRefused: EXIT_CODES.telegramUnavailable,
  discordTokenInvalid: EXIT_CODES.discordToken,
  discordIntents: EXIT_CODES.discordIntents,
  discordRefused: EXIT_CODES.discordUnavailable,
  unexpected: EXIT_CODES.unexpected,
};

/** A failure already understood: its class, and the facts the operator's line needs (never secrets). */
export class StartupError extends Error {
  constructor(
    readonly kind: StartupFailureKind,
    readonly params: Record<string, string> = {},
    options?: { cause?: unknown; problems?: ConfigProblem[] },
  ) {
    super(`${kind}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`, { cause: options?.cause });
    this.name = "StartupError";
    this.problems = options?.problems ?? [];
  }

  /** For `config`: every problem, one line each. */
  readonly problems: ConfigProblem[];

  get exitCode(): number {
    return EXIT_CODE_OF[this.kind];
  }
}

/** PostgreSQL error codes and socket errors that mean "cannot reach or may not use the database". */
const DATABASE_ACCESS = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "28P01", // password authentication failed
  "28000", // no such role / not allowed by pg_hba.conf
  "3D000", // the database does not exist
  "57P03", // the database system is starting up
]);

/** Socket errors and "starting up": worth retrying at start; wrong credentials or a missing database are not. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && DATABASE_ACCESS.has(code) && !["28P01", "28000", "3D000"].includes(code);
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 300);
}

/** Puts any error that ended the start into its class. */
export function classifyFailure(error: unknown): StartupError {
  if (error instanceof StartupError) return error;
  if (error instanceof ConfigError) return new StartupError("config", {}, { cause: error, problems: error.problems });
  if (error instanceof MigrationFailedError) {
    return new StartupError("migrationFailed", { migration: error.migration, reason: error.reason }, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const inner = error instanceof AggregateError ? (error.errors[0] as { code?: unknown } | undefined)?.code : undefined;
  if (
    (typeof code === "string" && DATABASE_ACCESS.has(code)) ||
    (typeof inner === "string" && DATABASE_ACCESS.has(inner))
  ) {
    return new StartupError("databaseUnreachable", { reason: describe(error) }, { cause: error });
  }
  return new StartupError("unexpected", { reason: describe(error) }, { cause: error });
}

/** What the operator reads: one line (a configuration error: a header and one line per problem). */
export function failureLines(failure: StartupError, language: OperatorLanguage): string[] {
  const texts = startupTexts[language];
  if (failure.kind === "config") {
    return [
      texts.configHeader({ count: String(failure.problems.length) }),
      ...failure.problems.map((problem) => texts.configProblem(problem)),
    ];
  }
  const line = texts[failure.kind] as (params: Record<string, string>) => string;
  return [line(failure.params)];
}

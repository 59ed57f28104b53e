/**
 * How the process ends when it cannot go on: one line for the person (stderr, in their language, secrets hidden),
 * one JSON log line for the machine (pino's `err` serializer keeps the stack), a graceful stop when one is
 * registered, and the exit code of the failure's class. Also catches what nobody caught (unhandled rejections,
 * uncaught exceptions), so no Node stack trace is ever printed at a person.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "../logger.js";
import { classifyFailure, failureLines } from "./startup-error.js";
import { operatorLanguage } from "./startup-texts.js";

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
/** A graceful stop may hang on a dead connection: the exit happens anyway after this long. */
const SHUTDOWN_LIMIT_MS = 15_000;

let gracefulShutdown: ((code: number) => Promise<void>) | null = null;
let exiting = false;

/**
 * Registers the entry point's graceful stop (it ends the process itself); fatal errors after start go through it so
 * running jobs finish and connections close.
 */
export function setGracefulShutdown(stop: (code: number) => Promise<void>): void {
  gracefulShutdown = stop;
}

/** Values of secret settings, hidden from the line a person reads (an error message might quote one). */
function hideSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let shown = text;
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 6 || !/TOKEN|SECRET|KEY|PASSWORD/.test(name)) continue;
    shown = shown.split(value).join("***");
  }
  // Passwords inside connection URLs (DATABASE_URL, REDIS_URL) are secrets too.
  return shown.replace(/(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g, "$1***@");
}

/**
 * Ends the process because of `error`: prints what to fix, logs the error, stops gracefully if it can, exits with
 * the class's code. Never returns; a second fatal error while exiting waits for the first.
 *
 * @example await createApp(options).catch(exitOnFatal);
 */
export async function exitOnFatal(error: unknown): Promise<never> {
  if (exiting) return new Promise<never>(() => {});
  exiting = true;
  const env = process.env;
  const failure = classifyFailure(error);
  const code = failure.exitCode;
  try {
    const level = env.LOG_LEVEL && LEVELS.has(env.LOG_LEVEL) ? env.LOG_LEVEL : "info";
    createLogger(level, { sync: true }).fatal(
      { err: failure.cause ?? failure, failure: failure.kind, exitCode: code, problems: failure.problems },
      "lyceum stopped",
    );
  } catch {
    // Logging must not stand in the way of the line below.
  }
  const lines = failureLines(failure, operatorLanguage(env)).map((line) => hideSecrets(line, env));
  process.stderr.write(`${lines.join("\n")}\n`);
  process.exitCode = code;
  if (gracefulShutdown) {
    const stop = gracefulShutdown;
    gracefulShutdown = null;
    await Promise.race([stop(code).catch(() => {}), sleep(SHUTDOWN_LIMIT_MS, undefined, { ref: false })]);
  }
  process.exit(code);
}

/**
 * Routes unhandled rejections and uncaught exceptions to exitOnFatal. Install first thing in an entry point.
 */
export function installCrashHandlers(): void {
  process.on("unhandledRejection", (reason) => void exitOnFatal(reason));
  process.on("uncaughtException", (error) => void exitOnFatal(error));
}

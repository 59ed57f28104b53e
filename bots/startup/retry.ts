/**
 * Retrying at start-up. Essential steps (the token works, the database answers) retry transient failures (network,
 * 5xx, 429) with exponential backoff for a while, then give up so the process exits with a code that says which part
 * was unreachable. Optional steps (command menus, …) fail with a warning and keep retrying in the background.
 *
 * Written here rather than taken from a library: the rules are small (double the wait, cap it, stop at a deadline or
 * on stop()), and each attempt must log what the server said, which generic retry packages leave to callbacks anyway.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../core/context.js";

export interface EssentialRetryOptions {
  /** What is being tried, for the warnings (e.g. "telegram getMe"). */
  what: string;
  log: Logger;
  /** True when trying again may succeed (network, 5xx, 429); anything else is thrown at once. */
  isTransient(error: unknown): boolean;
  /** First wait (default 1 s); doubled after each failure up to `maxDelayMs` (default 30 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (throw the last error) once this much time has passed (default 2 minutes). */
  giveUpAfterMs?: number;
  /** Seconds the server asked to wait (Telegram's retry_after), when it said. */
  retryAfterMs?(error: unknown): number | undefined;
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, or the deadline passes.
 *
 * @example const me = await retryTransient(() => api.getMe(), { what: "telegram getMe", log, isTransient });
 */
export async function retryTransient<T>(attempt: () => Promise<T>, options: EssentialRetryOptions): Promise<T> {
  const deadline = Date.now() + (options.giveUpAfterMs ?? 120_000);
  let delay = options.initialDelayMs ?? 1000;
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!options.isTransient(error)) throw error;
      const wait = Math.max(delay, options.retryAfterMs?.(error) ?? 0);
      if (Date.now() + wait > deadline) throw error;
      options.log.warn(
        { err: error, attempt: tries, retryInSeconds: Math.round(wait / 100) / 10 },
        `${options.what} failed; retrying`,
      );
      await sleep(wait);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
    }
  }
}

export interface OptionalStepOptions {
  /** What the step does, for the warnings (e.g. "telegram command menu"). */
  what: string;
  log: Logger;
  /** First wait before trying again (default 1 minute), doubled each time up to `maxDelayMs` (default 1 hour). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** An optional step that failed and keeps retrying in the background until it works or `stop()`. */
export interface OptionalStep {
  /** True once an attempt succeeded. */
  readonly succeeded: boolean;
  /** Stops retrying (on shutdown). */
  stop(): void;
}

/**
 * Tries an optional step now; when it fails, logs a warning with the error (what the server said) and tries again
 * later with backoff. Never throws: the product runs without the step meanwhile.
 *
 * @example const menu = await runOptionalStep(() => registerCommands(api), { what: "telegram command menu", log });
 */
export async function runOptionalStep(
  attempt: () => Promise<unknown>,
  options: OptionalStepOptions,
): Promise<OptionalStep> {
  let succeeded = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = options.initialDelayMs ?? 60_000;
  const step: OptionalStep = {
    get succeeded() {
      return succeeded;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
  const tryOnce = async (tries: number): Promise<void> => {
    try {
      await attempt();
      succeeded = true;
      if (tries > 1) options.log.info({ attempt: tries }, `${options.what}: done after earlier failures`);
    } catch (error) {
      if (stopped) return;
      options.log.warn(
        { err: error, attempt: tries, retryInSeconds: Math.round(delay / 100) / 10 },
        `${options.what} failed (optional: running without it, retrying later)`,
      );
      timer = setTimeout(() => void tryOnce(tries + 1), delay);
      // A retry timer alone must not keep a stopping process alive.
      timer.unref();
      delay = Math.min(delay * 2, options.maxDelayMs ?? 3_600_000);
    }
  };
  await tryOnce(1);
  return step;
}

/**
 * Starting the Telegram bot without dying of the wrong things. Essential: the token works (getMe) and updates can
 * flow (deleteWebhook for polling, setWebhook for webhooks); their transient failures (network, 5xx, 429) are retried
 * with backoff, and the fatal ones become one StartupError each: 401 → the token, 409 → another instance, a refused
 * webhook address → PUBLIC_URL. Optional steps (the command menus) are the caller's, through runOptionalStep.
 */
import { Api, GrammyError, HttpError, type Transformer } from "grammy";
import type { Logger } from "../../core/context.js";
import { retryTransient } from "../startup/retry.js";
import { StartupError } from "../startup/startup-error.js";
import { BotApiError } from "./bot-api.js";

/**
 * A server that is not Telegram's (a proxy, a test server) may answer `{ ok: false }` without Telegram's error_code
 * and description; grammY then reports "undefined: undefined". This keeps what the server said, as a 502 ("an
 * invalid answer from the server behind"), so the warning shows it and the retry rules treat it as transient.
 */
export const keepNonTelegramAnswers: Transformer = async (prev, method, payload, signal) => {
  const answer = await prev(method, payload, signal);
  if (answer.ok || typeof answer.error_code === "number") return answer;
  return {
    ok: false,
    error_code: 502,
    description: `not a Bot API answer from the server: ${JSON.stringify(answer).slice(0, 300)}`,
  };
};

/** Telegram's code for a failure, or 0 when no answer came (network, timeout). */
export function telegramErrorCode(error: unknown): number {
  const code = error instanceof GrammyError ? error.error_code : error instanceof BotApiError ? error.code : 0;
  return typeof code === "number" ? code : 0;
}

function reasonOf(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof BotApiError) return `${error.code} ${error.description}`;
  // grammY's HttpError message leaves the token out of the URL.
  return error instanceof Error ? error.message : String(error);
}

/** No answer, a 5xx or a 429: trying again later may work. */
export function isTransientTelegramError(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  const code = telegramErrorCode(error);
  // BotApiError 0: the request got no answer (see bot-api.ts).
  return code === 0 ? error instanceof BotApiError : code === 429 || code >= 500;
}

function retryAfterMs(error: unknown): number | undefined {
  const seconds =
    error instanceof GrammyError
      ? error.parameters.retry_after
      : error instanceof BotApiError
        ? error.retryAfterSeconds
        : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * The class of a Telegram failure that stops the bot: the token (401, or 404 for a malformed one), another instance
 * receiving updates (409), anything else refused at start.
 */
export function telegramFailure(error: unknown, method: string): StartupError {
  if (error instanceof StartupError) return error;
  const code = telegramErrorCode(error);
  if (code === 401 || (code === 404 && method === "getMe")) {
    return new StartupError("telegramTokenInvalid", {}, { cause: error });
  }
  if (code === 409) return new StartupError("telegramConflict", {}, { cause: error });
  return new StartupError("telegramRefused", { method, reason: reasonOf(error) }, { cause: error });
}

/**
 * A client for the start-up calls, without the auto-retry plugin: it would retry a network failure for up to an
 * hour without a word, where start-up should say what is wrong and give up after a while.
 */
export function startupApi(token: string, apiRoot?: string): Api {
  const api = new Api(token, apiRoot ? { apiRoot } : {});
  api.config.use(keepNonTelegramAnswers);
  return api;
}

export interface EssentialCallOptions {
  log: Logger;
  /** Stop retrying transient failures after this long (default 2 minutes). */
  giveUpAfterMs?: number;
  /** Turns a permanent refusal into its StartupError (default: telegramFailure). */
  refused?: (error: unknown) => StartupError;
}

/**
 * Runs an essential start-up call: transient failures are retried with backoff (warnings say what Telegram said),
 * everything else — and a transient failure that outlasts the deadline — throws a StartupError.
 *
 * @example const me = await essentialCall("getMe", () => api.getMe(), { log });
 */
export async function essentialCall<T>(
  method: string,
  call: () => Promise<T>,
  options: EssentialCallOptions,
): Promise<T> {
  try {
    return await retryTransient(call, {
      what: `telegram ${method}`,
      log: options.log,
      isTransient: isTransientTelegramError,
      retryAfterMs,
      giveUpAfterMs: options.giveUpAfterMs,
    });
  } catch (error) {
    throw (options.refused ?? ((e: unknown) => telegramFailure(e, method)))(error);
  }
}

/**
 * Sorting Discord's start-up failures: a refused token (REST 401 → TokenInvalid, gateway close 4004) and a refused
 * privileged intent (gateway close 4014) stop the start with one line each; no answer, a 5xx or a 429 are worth
 * retrying; anything else refused at start is reported with what Discord said.
 */
import { DiscordAPIError, DiscordjsErrorCodes, HTTPError, RateLimitError } from "discord.js";
import { socketErrorCode } from "../request-outcome.js";
import { StartupError } from "../startup/startup-error.js";
import { describeError } from "./discord-gateway.js";

/** Gateway close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */
export const GATEWAY_CLOSE = { authenticationFailed: 4004, disallowedIntents: 4014 } as const;

/** The errors @discordjs/ws raises for those close codes (it keeps only the text). */
const AUTHENTICATION_FAILED = /^Authentication failed/;
const DISALLOWED_INTENTS = /^Used disallowed intents/;

/** No answer, a 5xx or a 429: trying again later may work. */
export function isTransientDiscordError(error: unknown): boolean {
  if (error instanceof RateLimitError) return true;
  if (error instanceof HTTPError) return error.status >= 500 || error.status === 429;
  if (error instanceof DiscordAPIError) return error.status >= 500 || error.status === 429;
  if (socketErrorCode(error) !== undefined) return true;
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : "";
  return name === "AbortError" || name === "TimeoutError" || message === "fetch failed";
}

/** The class of a Discord failure at `step` (e.g. "login"). */
export function discordFailure(error: unknown, step: string): StartupError {
  if (error instanceof StartupError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === DiscordjsErrorCodes.TokenInvalid || AUTHENTICATION_FAILED.test(message)) {
    return new StartupError("discordTokenInvalid", {}, { cause: error });
  }
  if (code === DiscordjsErrorCodes.DisallowedIntents || DISALLOWED_INTENTS.test(message)) {
    return new StartupError("discordIntents", {}, { cause: error });
  }
  return new StartupError("discordRefused", { step, reason: describeError(error).slice(0, 300) }, { cause: error });
}

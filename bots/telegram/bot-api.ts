/**
 * The Bot API as the Telegram adapter uses it: one `call(method, params)`, whatever client carries it (grammY for our
 * own bot, Telegraf when a creator mounts the features into theirs). Every refusal becomes one error type carrying
 * Telegram's code, description and `retry_after`, so the decisions on them are written once.
 */
import { type Api, GrammyError, HttpError, InputFile } from "grammy";
import { requestNeverLeft, socketErrorCode } from "../request-outcome.js";

export interface BotApi {
  call<T = unknown>(method: string, params: Record<string, unknown>): Promise<T>;
}

/**
 * A file to upload as a parameter (`photo`, `document`): each client sends it as multipart in its own way (grammY's
 * InputFile, Telegraf's `{ source, filename }`), so the send path stays written once.
 */
export class UploadFile {
  constructor(
    readonly bytes: Uint8Array,
    readonly fileName: string,
  ) {}
}

/** `params` with every UploadFile turned into what the client uploads. */
export function withUploads(
  params: Record<string, unknown>,
  upload: (file: UploadFile) => unknown,
): Record<string, unknown> {
  if (!Object.values(params).some((value) => value instanceof UploadFile)) return params;
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, value instanceof UploadFile ? upload(value) : value]),
  );
}

/**
 * Telegram said no (`code` is its error_code), or the request never got an answer (`code` 0). `outcomeUnknown`: the
 * request may have reached Telegram and been carried out (no answer, the connection dropped after it left, a 5xx), so
 * repeating a send could deliver it twice. A 4xx (429 included) is a refusal: Telegram did nothing.
 */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfterSeconds?: number,
    readonly outcomeUnknown = code >= 500,
  ) {
    super(`Telegram ${code}: ${description}`);
    this.name = "BotApiError";
  }

  /**
   * A transport failure (no answer): unknown unless the request provably never left this machine. `description`
   * must be text without the token (the URL holds it); the socket error's code is added.
   */
  static fromTransport(error: unknown, description: string): BotApiError {
    const code = socketErrorCode(error);
    const safe = description.replace(/\/(bot|user)\d+:[^/\s]+/g, "/$1<token>");
    const text = code && !safe.includes(code) ? `${safe} (${code})` : safe;
    return new BotApiError(0, text, undefined, !requestNeverLeft(error));
  }

  /** The user blocked the bot, deleted their account, or never opened a chat with it. */
  get unreachable(): boolean {
    return (
      this.code === 403 &&
      /blocked by the user|user is deactivated|bot can't initiate conversation|bot was kicked/i.test(this.description)
    );
  }

  /** The bot lacks the rights it needs in a chat, or is not in it. */
  get notAllowed(): boolean {
    return (
      (this.code === 400 &&
        /not enough rights|chat not found|CHAT_ADMIN_REQUIRED|have no rights/i.test(this.description)) ||
      (this.code === 403 && !this.unreachable)
    );
  }
}

/** The Bot API through grammY's client (its transformers, such as auto-retry, apply). */
export function grammyBotApi(api: Api): BotApi {
  const raw = api.raw as unknown as Record<string, (params: Record<string, unknown>) => Promise<unknown>>;
  return {
    async call<T>(method: string, params: Record<string, unknown>): Promise<T> {
      try {
        const payload = withUploads(params, (file) => new InputFile(file.bytes, file.fileName));
        return (await raw[method]!(payload)) as T;
      } catch (error) {
        if (error instanceof GrammyError) {
          throw new BotApiError(error.error_code, error.description, error.parameters.retry_after);
        }
        // grammY's HttpError carries the fetch error in `error`; its own message has the token left out.
        if (error instanceof HttpError) throw BotApiError.fromTransport(error.error, error.message);
        throw BotApiError.fromTransport(error, "Telegram request failed");
      }
    },
  };
}

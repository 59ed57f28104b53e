/**
 * Lyceum inside a Telegraf bot the creator already runs: the same features as our grammY bot (the same
 * `handleTelegramUpdate`), as one middleware. Updates Lyceum does not handle go on to the host bot's own handlers;
 * register those first if they must win over Lyceum's replies in private chats.
 *
 * @example
 * const bot = new Telegraf(token);
 * const lyceum = createLyceumTelegraf(bot.telegram);
 * const app = await createApp({ config, gateways: [lyceum.gateway], stars: lyceum.gateway });
 * bot.command("ping", (c) => c.reply("pong"));       // the host's own commands first
 * bot.use(await lyceum.middleware(app.ctx));
 * void bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] });
 */

import type { Update } from "grammy/types";
import type { Context, MiddlewareFn, Telegram } from "telegraf";
import { TelegramError } from "telegraf";
import type { CoreContext } from "../../core/context.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import { type BotApi, BotApiError, withUploads } from "./bot-api.js";
import { coreInviteLinkStore, handleTelegramUpdate } from "./handle-update.js";
import { TelegramGateway } from "./telegram-gateway.js";

export { ALLOWED_UPDATES, registerCommands } from "./start-telegram.js";

/**
 * The Bot API through Telegraf's client; a short 429 pause (≤ `maxRetryDelaySeconds`) is waited out once (Telegram
 * sent nothing). Nothing else is retried: a request with no clear answer may have been carried out, and the sender
 * must not deliver a message twice — the same rule as our grammY bot's send path.
 */
export function telegrafBotApi(telegram: Telegram, maxRetryDelaySeconds = 10): BotApi {
  const callApi = telegram.callApi.bind(telegram) as unknown as (method: string, payload: unknown) => Promise<unknown>;
  const once = async (method: string, params: Record<string, unknown>) => {
    try {
      const payload = withUploads(params, (file) => ({ source: Buffer.from(file.bytes), filename: file.fileName }));
      return await callApi(method, payload);
    } catch (error) {
      if (error instanceof TelegramError) {
        throw new BotApiError(error.code, error.description, error.parameters?.retry_after);
      }
      throw BotApiError.fromTransport(error, error instanceof Error ? error.message : String(error));
    }
  };
  return {
    async call<T>(method: string, params: Record<string, unknown>): Promise<T> {
      try {
        return (await once(method, params)) as T;
      } catch (error) {
        const wait = error instanceof BotApiError && error.code === 429 ? error.retryAfterSeconds : undefined;
        if (wait === undefined || wait > maxRetryDelaySeconds) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        return (await once(method, params)) as T;
      }
    },
  };
}

export interface LyceumTelegraf {
  api: BotApi;
  /** Give it to createApp as the TELEGRAM gateway and as `stars`. */
  gateway: TelegramGateway;
  /** Learns the bot's username (deep links) and returns the middleware to `bot.use(…)`. */
  middleware(ctx: CoreContext): Promise<MiddlewareFn<Context>>;
}

export function createLyceumTelegraf(
  telegram: Telegram,
  options: { maxRetryDelaySeconds?: number } = {},
): LyceumTelegraf {
  const api = telegrafBotApi(telegram, options.maxRetryDelaySeconds);
  const gateway = new TelegramGateway(api);
  return {
    api,
    gateway,
    async middleware(ctx) {
      const me = await telegram.getMe();
      const deps = { ctx, botUsername: me.username };
      gateway.linkStore = coreInviteLinkStore(ctx);
      gateway.attachments = attachmentStore(ctx);
      const middleware: MiddlewareFn<Context> = async (context, next) => {
        // Telegraf's update objects are the Bot API's JSON, the same shape grammY types describe.
        const handled = await handleTelegramUpdate(deps, context.update as unknown as Update, api);
        if (!handled) await next();
      };
      return middleware;
    },
  };
}

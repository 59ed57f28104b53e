/**
 * The Telegram bot on grammY: long polling through the grammY runner (updates of one chat in order, different chats
 * concurrently) or a webhook on our HTTP server (secret token checked on every call). 429 answers are waited out by
 * the auto-retry plugin when Telegram asks for a short pause; longer ones come back to the caller as RATE_LIMITED.
 *
 * @example
 * const telegram = createTelegram({ token, apiRoot });
 * const app = await createApp({ config, gateways: [telegram.gateway], stars: telegram.gateway,
 *   beforeListen: (http, ctx) => telegram.prepare(ctx, http) });
 * await telegram.start();
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import type { FastifyInstance } from "fastify";
import { Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { CoreContext } from "../../core/context.js";
import { commandList } from "../../core/conversation/handle-request.js";
import { type BotApi, grammyBotApi } from "./bot-api.js";
import { coreInviteLinkStore, handleTelegramUpdate, type TelegramDeps } from "./handle-update.js";
import { TelegramGateway } from "./telegram-gateway.js";

export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";

/** Every kind of update the features need; chat_member is only sent when asked for. */
export const ALLOWED_UPDATES = [
  "message",
  "callback_query",
  "pre_checkout_query",
  "chat_join_request",
  "chat_member",
  "my_chat_member",
] as const;

export interface TelegramOptions {
  token: string;
  /** Another Bot API server (self-hosted, or a local fake in tests). */
  apiRoot?: string;
  mode?: "polling" | "webhook";
  /** Webhook mode: the public base URL Telegram posts to (PUBLIC_URL) and the secret it must send back. */
  publicUrl?: string;
  webhookSecret?: string;
  /** Telegram asks for pauses up to this long are waited out; longer ones fail the call (default 10 s). */
  maxRetryDelaySeconds?: number;
  /** Called after each update was handled (tests wait on it). */
  onUpdateHandled?: (updateId: number) => void;
}

export interface TelegramBot {
  bot: Bot;
  api: BotApi;
  gateway: TelegramGateway;
  /** Learns who the bot is, wires the handlers to the core, and mounts the webhook route (webhook mode). */
  prepare(ctx: CoreContext, http?: FastifyInstance): Promise<void>;
  /** Registers the command menus, then starts polling or sets the webhook. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTelegram(options: TelegramOptions): TelegramBot {
  const mode = options.mode ?? "polling";
  if (mode === "webhook" && (!options.webhookSecret || !options.publicUrl)) {
    throw new Error("Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL");
  }
  const bot = new Bot(options.token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  bot.api.config.use(autoRetry({ maxDelaySeconds: options.maxRetryDelaySeconds ?? 10, maxRetryAttempts: 3 }));
  const api = grammyBotApi(bot.api);
  const gateway = new TelegramGateway(api);
  let deps: TelegramDeps | null = null;
  let runner: RunnerHandle | null = null;

  bot.use(async (context, next) => {
    try {
      await next();
    } finally {
      options.onUpdateHandled?.(context.update.update_id);
    }
  });
  // One chat's updates in order (a payment before the next command); different chats at the same time.
  bot.use(sequentialize((context) => String(context.chat?.id ?? context.from?.id ?? "")));
  bot.use(async (context) => {
    if (!deps) throw new Error("the Telegram bot received an update before prepare()");
    await handleTelegramUpdate(deps, context.update as Update, api);
  });
  bot.catch((error) => {
    deps?.ctx.log.error(
      { err: error.error instanceof Error ? error.error.message : String(error.error) },
      "telegram update failed",
    );
  });

  return {
    bot,
    api,
    gateway,
    async prepare(ctx, http) {
      await bot.init();
      deps = { ctx, botUsername: bot.botInfo.username };
      gateway.linkStore = coreInviteLinkStore(ctx);
      if (mode === "webhook") {
        if (!http) throw new Error("Telegram webhook mode needs the HTTP server");
        const callback = webhookCallback(bot, "fastify", {
          secretToken: options.webhookSecret,
          onTimeout: "return",
          timeoutMilliseconds: 9_000,
        });
        http.post(TELEGRAM_WEBHOOK_PATH, callback);
      }
    },
    async start() {
      if (!deps) throw new Error("call prepare() before start()");
      await registerCommands(api);
      if (mode === "webhook") {
        await api.call("setWebhook", {
          url: `${options.publicUrl!.replace(/\/$/, "")}${TELEGRAM_WEBHOOK_PATH}`,
          secret_token: options.webhookSecret,
          allowed_updates: ALLOWED_UPDATES,
        });
        deps.ctx.log.info({ bot: deps.botUsername, mode }, "telegram bot listening for webhooks");
        return;
      }
      await api.call("deleteWebhook", {});
      runner = run(bot, { runner: { fetch: { timeout: 30, allowed_updates: ALLOWED_UPDATES }, silent: true } });
      deps.ctx.log.info({ bot: deps.botUsername, mode }, "telegram bot polling");
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
      runner = null;
    },
  };
}

/** The command menu in English (default) and Chinese; creator commands are typed, not advertised to everyone. */
export async function registerCommands(api: BotApi): Promise<void> {
  for (const locale of ["en", "zh"] as const) {
    const commands = commandList(locale)
      .filter((c) => !c.staffOnly)
      .map((c) => ({ command: c.name, description: c.description.slice(0, 256) }));
    await api.call("setMyCommands", { commands, ...(locale === "zh" ? { language_code: "zh" } : {}) });
  }
}

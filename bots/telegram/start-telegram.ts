/**
 * The Telegram bot on grammY: long polling through the grammY runner (updates of one chat in order, different chats
 * concurrently) or a webhook on our HTTP server (secret token checked on every call). 429 answers are waited out by
 * the auto-retry plugin when Telegram asks for a short pause; longer ones come back to the caller as RATE_LIMITED.
 * Delivery sends retry nothing else (see `sendApi`): a message without a clear answer is reported, not sent again.
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
import { Api, Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { CoreContext } from "../../core/context.js";
import { commandList } from "../../core/conversation/handle-request.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import { truncateText } from "../../core/text.js";
import type { ComponentStatus } from "../http/readiness.js";
import { type OptionalStep, runOptionalStep } from "../startup/retry.js";
import { StartupError } from "../startup/startup-error.js";
import { type BotApi, grammyBotApi } from "./bot-api.js";
import { coreInviteLinkStore, handleTelegramUpdate, type TelegramDeps } from "./handle-update.js";
import { TelegramGateway } from "./telegram-gateway.js";
import {
  essentialCall,
  keepNonTelegramAnswers,
  startupApi,
  telegramErrorCode,
  telegramFailure,
} from "./telegram-startup.js";

export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";

/** A delivery send without an answer by then counts as outcome unknown; under the sender's 30 s lease on the row. */
const SEND_TIMEOUT_SECONDS = 20;

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
  /** The bot cannot go on after start (another instance took the updates: 409; the token was revoked: 401). */
  onFatal?: (failure: StartupError) => void;
  /** First wait before a failed optional step (the command menus) is tried again (default 1 minute, then doubling). */
  optionalRetryDelayMs?: number;
  /** The Q&A group where community helpers get a custom title (TELEGRAM_HELPER_CHAT_ID); absent: no title. */
  helperChatId?: string | null;
  /** The forum supergroup where each lesson gets a discussion topic (LESSON_DISCUSSION_CHAT_ID); absent: none. */
  discussionChatId?: string | null;
}

export interface TelegramBot {
  bot: Bot;
  api: BotApi;
  gateway: TelegramGateway;
  /** Learns who the bot is, wires the handlers to the core, and mounts the webhook route (webhook mode). */
  prepare(ctx: CoreContext, http?: FastifyInstance): Promise<void>;
  /**
   * Starts polling or sets the webhook (essential: a refusal throws a StartupError), then registers the command menus
   * (optional: a refusal is a warning, retried later).
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Last known state, for /readyz: up once updates flow, down when polling stopped. */
  status(): ComponentStatus;
}

export function createTelegram(options: TelegramOptions): TelegramBot {
  const mode = options.mode ?? "polling";
  if (mode === "webhook" && (!options.webhookSecret || !options.publicUrl)) {
    throw new Error("Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL");
  }
  const bot = new Bot(options.token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  bot.api.config.use(autoRetry({ maxDelaySeconds: options.maxRetryDelaySeconds ?? 10, maxRetryAttempts: 3 }));
  bot.api.config.use(keepNonTelegramAnswers);
  // Start-up calls go through a client without auto-retry: start-up retries on its own terms, and says so.
  const setup = startupApi(options.token, options.apiRoot);
  const api = grammyBotApi(bot.api);
  // Messages from delivery rows (broadcasts, notices, reminders) get a client of their own that retries only a short
  // 429 (Telegram sent nothing). The plugin's defaults above also retry network errors and 5xx, after which Telegram
  // may already have delivered: fine for a reply to a command, not for a message promised never to arrive twice.
  const sendApi = new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    timeoutSeconds: SEND_TIMEOUT_SECONDS,
  });
  sendApi.config.use(
    autoRetry({
      maxDelaySeconds: options.maxRetryDelaySeconds ?? 10,
      maxRetryAttempts: 3,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  const gateway = new TelegramGateway(api, grammyBotApi(sendApi));
  gateway.helperChatId = options.helperChatId ?? null;
  gateway.discussionChatId = options.discussionChatId ?? null;
  let deps: TelegramDeps | null = null;
  let runner: RunnerHandle | null = null;
  let commandMenu: OptionalStep | null = null;
  let state: ComponentStatus = { up: false, detail: "starting" };

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
      // Essential: the token works. Network trouble and 5xx are retried; a 401 ends the start with one clear line.
      bot.botInfo = await essentialCall("getMe", () => setup.getMe(), { log: ctx.log });
      deps = { ctx, botUsername: bot.botInfo.username };
      gateway.linkStore = coreInviteLinkStore(ctx);
      gateway.attachments = attachmentStore(ctx);
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
      const log = deps.ctx.log;
      if (mode === "webhook") {
        const url = `${options.publicUrl!.replace(/\/$/, "")}${TELEGRAM_WEBHOOK_PATH}`;
        await essentialCall(
          "setWebhook",
          () => setup.setWebhook(url, { secret_token: options.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] }),
          { log, refused: (error) => webhookRefused(error, url) },
        );
        state = { up: true };
        log.info({ bot: deps.botUsername, mode }, "telegram bot listening for webhooks");
      } else {
        await essentialCall("deleteWebhook", () => setup.deleteWebhook(), { log });
        const handle = run(bot, { runner: { fetch: { timeout: 30, allowed_updates: ALLOWED_UPDATES }, silent: true } });
        runner = handle;
        state = { up: true };
        // The runner retries network trouble itself and gives up only on 401 (token revoked) and 409 (another
        // instance polls): both end the process through onFatal, with the line that says what to fix.
        handle.task()?.catch((error: unknown) => {
          const failure = telegramFailure(error, "getUpdates");
          state = { up: false, detail: `polling stopped: ${failure.kind}` };
          log.error({ err: error, failure: failure.kind }, "telegram polling stopped");
          options.onFatal?.(failure);
        });
        log.info({ bot: deps.botUsername, mode }, "telegram bot polling");
      }
      // Optional: members can type commands without the menu, and a Bot API server without setMyCommands (a proxy,
      // a test server) must not keep the bot from running.
      commandMenu = await runOptionalStep(() => registerCommands(api), {
        what: "telegram command menu (setMyCommands)",
        log,
        initialDelayMs: options.optionalRetryDelayMs,
      });
    },
    status() {
      if (state.up && mode === "polling" && !runner?.isRunning()) return { up: false, detail: "polling stopped" };
      return state;
    },
    async stop() {
      commandMenu?.stop();
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
      .map((c) => ({ command: c.name, description: truncateText(c.description, 256) }));
    await api.call("setMyCommands", { commands, ...(locale === "zh" ? { language_code: "zh" } : {}) });
  }
}

/** A refused setWebhook: a bad address is PUBLIC_URL's fault (exit 2); 401 and no answer keep their own class. */
function webhookRefused(error: unknown, url: string): StartupError {
  const code = telegramErrorCode(error);
  if (code < 400 || code >= 500 || [401, 404, 409, 429].includes(code)) return telegramFailure(error, "setWebhook");
  const reason = telegramFailure(error, "setWebhook").params.reason ?? String(code);
  return new StartupError("telegramWebhookRefused", { url, reason }, { cause: error });
}

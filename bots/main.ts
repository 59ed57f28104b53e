/**
 * `npm start`: starts whatever is configured. With no platform token this is the console chat on the embedded
 * database, with the demo catalog: the whole product in a terminal.
 */
import path from "node:path";
import { attachmentStore } from "../core/learning/attachments.js";
import { ACCESS_SWEEP_JOB } from "../jobs/definitions.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { runConsoleChat } from "./console/console-chat.js";
import { ConsoleGateway } from "./console/console-gateway.js";
import { consoleTexts } from "./console/console-texts.js";
import type { ComponentStatus } from "./http/readiness.js";
import { loadEnvFile } from "./startup/env-file.js";
import { exitOnFatal, installCrashHandlers, setGracefulShutdown } from "./startup/fatal.js";
import { operatorLanguage, startupTexts } from "./startup/startup-texts.js";

// --- Starting. Whatever stops the start (a setting, a refused token, a failed migration) ends in one line saying what
// to fix and the exit code of its class (README, "Exit codes"); nothing prints a stack at a person.
installCrashHandlers();
const config = await Promise.resolve()
  .then(() => {
    loadEnvFile(); // .env in the working directory, under the real environment
    return loadConfig();
  })
  .catch(exitOnFatal);
const interactive = Boolean(process.stdin.isTTY);
const color = Boolean(process.stdout.isTTY);
const user = { current: config.CONSOLE_USER };
const print = (text: string) => process.stdout.write(`${text}\n`);
const lang = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || "";
const languageCode = lang.toLowerCase().startsWith("zh") ? "zh" : lang ? "en" : null;
const texts = consoleTexts[languageCode === "zh" ? "zh" : "en"];
const gateway = new ConsoleGateway(print, () => user.current, color, texts);
// Platform SDKs are loaded only when configured: importing discord.js, grammY and Telegraf costs a second of start-up.
const telegram = config.TELEGRAM_BOT_TOKEN
  ? (await import("./telegram/start-telegram.js")).createTelegram({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      mode: config.TELEGRAM_MODE,
      publicUrl: config.publicUrl,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
      helperChatId: config.TELEGRAM_HELPER_CHAT_ID,
      discussionChatId: config.LESSON_DISCUSSION_CHAT_ID,
      onFatal: (failure) => void exitOnFatal(failure),
    })
  : null;
// The console chat is the default only when no chat platform is configured.
const useConsole = config.LYCEUM_CHAT !== "none" && !telegram && !config.DISCORD_TOKEN;

const startupLine = startupTexts[operatorLanguage()];
// /readyz asks each configured platform for its last known state; Discord's exists once it has started.
const platformStatus: { discord?: () => ComponentStatus } = {};
const app = await createApp({
  config,
  gateways: [...(useConsole ? [gateway] : []), ...(telegram ? [telegram.gateway] : [])],
  stars: telegram?.gateway,
  beforeListen: telegram ? (http, ctx) => telegram.prepare(ctx, http) : undefined,
  logLevel: useConsole ? "warn" : "info",
  readinessChecks: {
    ...(telegram ? { telegram: () => telegram.status() } : {}),
    ...(config.DISCORD_TOKEN ? { discord: () => platformStatus.discord?.() ?? { up: false, detail: "starting" } } : {}),
  },
  httpNeededBy: [
    ...(config.stripeEnabled ? [startupLine.needsStripe] : []),
    ...(telegram && config.TELEGRAM_MODE === "webhook" ? [startupLine.needsTelegramWebhook] : []),
  ],
}).catch(exitOnFatal);
// The console writes lesson images and files under the data folder and prints their paths.
gateway.lessonFiles = { store: attachmentStore(app.ctx), dir: path.resolve(config.LYCEUM_DATA_DIR, "lesson-files") };
// Until stop() below exists: a platform that refuses to start closes what runs (the database above all) first.
setGracefulShutdown(async (code) => {
  await telegram?.stop().catch(() => {});
  await app.close({ deadlineMs: 5_000 }).catch(() => false);
  process.exit(code);
});
await telegram?.start().catch(exitOnFatal);
const discord =
  config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID && config.DISCORD_GUILD_ID
    ? await (await import("./discord/start-discord.js"))
        .startDiscord(app.ctx, {
          token: config.DISCORD_TOKEN,
          applicationId: config.DISCORD_APPLICATION_ID,
          guildId: config.DISCORD_GUILD_ID,
          qaForumId: config.DISCORD_QA_FORUM_ID,
          discussionChannelId: config.LESSON_DISCUSSION_CHANNEL_ID,
          helperRoleId: config.DISCORD_HELPER_ROLE_ID,
          apiBase: config.DISCORD_API_BASE,
          sweepIntervalMs: config.SWEEP_INTERVAL_MINUTES * 60_000,
          onFatal: (failure) => void exitOnFatal(failure),
        })
        .catch(exitOnFatal)
    : null;
if (discord) platformStatus.discord = () => discord.status();

// --- Stopping (SIGTERM, SIGINT, end of the console). No new work: Telegram stops polling and HTTP stops accepting;
// running jobs finish or hand back their current message within SHUTDOWN_SECONDS (pending deliveries stay in the
// database for the next start); then Discord (whose client the sender used) and the database close. Exit 0, or 1
// when a job was still running at the deadline. A second signal exits at once with 130.
const SECOND_SIGNAL_EXIT_CODE = 130;
/** Beyond the deadline, what may still hang (a connection that never closes) gets this long before the process goes. */
const SHUTDOWN_SLACK_MS = 5_000;
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const deadlineMs = config.SHUTDOWN_SECONDS * 1000;
  const started = Date.now();
  setTimeout(() => {
    app.ctx.log.error({ deadlineMs }, "shutdown did not finish in time; exiting");
    process.exit(1);
  }, deadlineMs + SHUTDOWN_SLACK_MS).unref();
  await telegram?.stop();
  const stopped = await app.close({
    deadlineMs: Math.max(0, deadlineMs - (Date.now() - started)),
    afterJobs: async () => {
      await discord?.close();
    },
  });
  process.exit(stopped ? code : 1);
}
function onSignal(signal: NodeJS.Signals) {
  if (stopping) {
    process.stderr.write(`${signal} again: exiting now\n`);
    process.exit(SECOND_SIGNAL_EXIT_CODE);
  }
  app.ctx.log.info({ signal, deadlineSeconds: config.SHUTDOWN_SECONDS }, "stopping");
  void stop(0);
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// A platform that gives up after start (another instance took Telegram's updates) stops through the same path.
setGracefulShutdown(stop);

// The console's paid channels start empty: the sweep lets back in everyone who is entitled.
gateway.countJoins();
await app.jobs.enqueue(ACCESS_SWEEP_JOB, {});
await app.jobs.idle();
gateway.printCountedJoins();

if (useConsole) {
  await runConsoleChat({
    ctx: app.ctx,
    gateway,
    input: process.stdin,
    print,
    settle: () => app.jobs.idle(),
    sweep: async () => {
      await app.jobs.enqueue(ACCESS_SWEEP_JOB, {});
      await app.jobs.idle();
    },
    user,
    languageCode,
    texts,
    color,
    interactive,
  });
  await stop(0);
} else if (!telegram && !discord) {
  app.ctx.log.info({ http: app.httpAddress }, "Lyceum is running without a chat adapter (LYCEUM_CHAT=none)");
}

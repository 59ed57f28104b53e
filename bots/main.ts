/**
 * `npm start`: starts whatever is configured. With no platform token this is the console chat on the embedded
 * database, with the demo catalog: the whole product in a terminal.
 */
import { ACCESS_SWEEP_JOB } from "../jobs/definitions.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { runConsoleChat } from "./console/console-chat.js";
import { ConsoleGateway } from "./console/console-gateway.js";
import { consoleTexts } from "./console/console-texts.js";
import { startDiscord } from "./discord/start-discord.js";
import { createTelegram } from "./telegram/start-telegram.js";

const config = loadConfig();
const interactive = Boolean(process.stdin.isTTY);
const color = Boolean(process.stdout.isTTY);
const user = { current: config.CONSOLE_USER };
const print = (text: string) => process.stdout.write(`${text}\n`);
const lang = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || "";
const languageCode = lang.toLowerCase().startsWith("zh") ? "zh" : lang ? "en" : null;
const texts = consoleTexts[languageCode === "zh" ? "zh" : "en"];
const gateway = new ConsoleGateway(print, () => user.current, color, texts);
const telegram = config.TELEGRAM_BOT_TOKEN
  ? createTelegram({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      mode: config.TELEGRAM_MODE,
      publicUrl: config.publicUrl,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
    })
  : null;
// The console chat is the default only when no chat platform is configured.
const useConsole = config.LYCEUM_CHAT !== "none" && !telegram && !config.DISCORD_TOKEN;

const app = await createApp({
  config,
  gateways: [...(useConsole ? [gateway] : []), ...(telegram ? [telegram.gateway] : [])],
  stars: telegram?.gateway,
  beforeListen: telegram ? (http, ctx) => telegram.prepare(ctx, http) : undefined,
  logLevel: useConsole ? "warn" : "info",
});
await telegram?.start();
const discord =
  config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID && config.DISCORD_GUILD_ID
    ? await startDiscord(app.ctx, {
        token: config.DISCORD_TOKEN,
        applicationId: config.DISCORD_APPLICATION_ID,
        guildId: config.DISCORD_GUILD_ID,
        qaForumId: config.DISCORD_QA_FORUM_ID,
        apiBase: config.DISCORD_API_BASE,
        sweepIntervalMs: config.SWEEP_INTERVAL_MINUTES * 60_000,
      })
    : null;

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await telegram?.stop();
  await discord?.close();
  await app.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

// The console's paid channels start empty: the sweep lets back in everyone who is entitled.
await app.jobs.enqueue(ACCESS_SWEEP_JOB, {});
await app.jobs.idle();

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

/**
 * `npm run worker`: a job worker for BullMQ (REDIS_URL required). Run as many as you like, on as many machines: they
 * share the queue in Redis and the database; each platform's sender runs on one of them at a time. Sends through the
 * platform gateways configured here (Telegram by token; the worker does not poll for updates). Stops gracefully on
 * SIGTERM/SIGINT: the message in flight is finished and recorded, the rest is left for another worker.
 */
import type { ChatGateway } from "../core/ports.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { loadEnvFile } from "./startup/env-file.js";
import { exitOnFatal, installCrashHandlers } from "./startup/fatal.js";
import { createTelegram } from "./telegram/start-telegram.js";

// Start-up as bots/main.ts: .env under the real environment, one line and a class exit code for what stops it.
installCrashHandlers();
const config = await Promise.resolve()
  .then(() => {
    loadEnvFile();
    return loadConfig();
  })
  .catch(exitOnFatal);
if (!config.REDIS_URL) {
  process.stderr.write("npm run worker needs REDIS_URL (without it, `npm start` runs the jobs in its own process)\n");
  process.exit(2);
}
const gateways: ChatGateway[] = [];
if (config.TELEGRAM_BOT_TOKEN) {
  gateways.push(
    createTelegram({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      mode: config.TELEGRAM_MODE,
      publicUrl: config.publicUrl,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
      helperChatId: config.TELEGRAM_HELPER_CHAT_ID,
      discussionChatId: config.LESSON_DISCUSSION_CHAT_ID,
    }).gateway,
  );
}
// TODO(lead): add the Discord gateway (REST only) once bots/discord exposes one that does not open a gateway session.

const app = await createApp({ config: { ...config, LYCEUM_SEED: "false" }, gateways, jobWorkers: true }).catch(
  exitOnFatal,
);
app.ctx.log.info({ http: app.httpAddress, platforms: gateways.map((g) => g.platform) }, "worker started");

// Stopping as bots/main.ts does: jobs in flight finish or hand back within SHUTDOWN_SECONDS (what waits stays in
// Redis for the other workers); exit 0, or 1 when a job was still running at the deadline; a second signal: 130.
let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) {
    process.stderr.write(`${signal} again: exiting now\n`);
    process.exit(130);
  }
  stopping = true;
  const deadlineMs = config.SHUTDOWN_SECONDS * 1000;
  app.ctx.log.info({ signal, deadlineSeconds: config.SHUTDOWN_SECONDS }, "worker stopping");
  setTimeout(() => process.exit(1), deadlineMs + 5_000).unref();
  process.exit((await app.close({ deadlineMs })) ? 0 : 1);
}
process.on("SIGTERM", (signal) => void stop(signal));
process.on("SIGINT", (signal) => void stop(signal));

/**
 * `npm run worker`: a job worker for BullMQ (REDIS_URL required). Run as many as you like, on as many machines: they
 * share the queue in Redis and the database; each platform's sender runs on one of them at a time. Sends through the
 * platform gateways configured here (Telegram by token; the worker does not poll for updates). Stops gracefully on
 * SIGTERM/SIGINT: the message in flight is finished and recorded, the rest is left for another worker.
 */
import type { ChatGateway } from "../core/ports.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createTelegram } from "./telegram/start-telegram.js";

const config = loadConfig();
if (!config.REDIS_URL) {
  process.stderr.write("npm run worker needs REDIS_URL (without it, `npm start` runs the jobs in its own process)\n");
  process.exit(1);
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
    }).gateway,
  );
}
// TODO(lead): add the Discord gateway (REST only) once bots/discord exposes one that does not open a gateway session.

const app = await createApp({ config: { ...config, LYCEUM_SEED: "false" }, gateways, jobWorkers: true });
app.ctx.log.info({ http: app.httpAddress, platforms: gateways.map((g) => g.platform) }, "worker started");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  app.ctx.log.info({}, "worker stopping");
  await app.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

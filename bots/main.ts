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

const config = loadConfig();
const interactive = Boolean(process.stdin.isTTY);
const color = Boolean(process.stdout.isTTY);
const user = { current: config.CONSOLE_USER };
const print = (text: string) => process.stdout.write(`${text}\n`);
const lang = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || "";
const languageCode = lang.toLowerCase().startsWith("zh") ? "zh" : lang ? "en" : null;
const texts = consoleTexts[languageCode === "zh" ? "zh" : "en"];
const gateway = new ConsoleGateway(print, () => user.current, color, texts);
const useConsole = config.LYCEUM_CHAT !== "none";

const app = await createApp({ config, gateways: useConsole ? [gateway] : [], logLevel: useConsole ? "warn" : "info" });

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
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
} else {
  app.ctx.log.info({ http: app.httpAddress }, "Lyceum is running without a chat adapter (LYCEUM_CHAT=none)");
}

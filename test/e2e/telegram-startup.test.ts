/**
 * The Telegram bot's start against a local Bot API server that does not do everything Telegram does: the command
 * menu is optional (refused, the bot answers anyway, warns with what the server said, and registers the menu once the
 * server accepts it), while another instance polling (409) ends the bot through onFatal with its class.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTelegram, type TelegramBot } from "../../bots/telegram/start-telegram.js";
import { type CoreContext, defaultCoreConfig, type Logger } from "../../core/context.js";
import { InProcessJobRunner } from "../../jobs/in-process-runner.js";
import { seedDemoCatalog } from "../../prisma/seed.js";
import { type BotApiFake, FAKE_TOKEN, startBotApiFake } from "../fakes/telegram/bot-api-fake.js";
import { createTestDatabase } from "../support/database.js";

interface LogLine {
  level: "info" | "warn" | "error";
  object: Record<string, unknown>;
  message?: string;
}

/** A logger that keeps what it was told and lets a test wait for a line. */
function recordingLogger() {
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const record = (level: LogLine["level"]) => (object: object, message?: string) => {
    const line = { level, object: object as Record<string, unknown>, message };
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const log: Logger = { info: record("info"), warn: record("warn"), error: record("error") };
  return {
    log,
    lines,
    waitFor(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the log line never came")), timeoutMs);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The bot on a real database and job runner, against `fake`; `beforeStart` sets the fake up first. */
async function startBot(fake: BotApiFake, options: { onFatal?: Parameters<typeof createTelegram>[0]["onFatal"] }) {
  const db = await createTestDatabase();
  cleanups.push(() => db.close());
  const jobs = new InProcessJobRunner();
  const recorder = recordingLogger();
  const handled = new Set<number>();
  const ctx: CoreContext = {
    prisma: db.prisma,
    sql: db.sql,
    clock: { now: () => new Date() },
    config: { ...defaultCoreConfig, ownerAccounts: [] },
    log: recorder.log,
    jobs,
    payments: {},
    gateways: {},
  };
  await seedDemoCatalog(db.prisma);
  const telegram: TelegramBot = createTelegram({
    token: FAKE_TOKEN,
    apiRoot: fake.apiRoot,
    optionalRetryDelayMs: 100,
    onUpdateHandled: (id) => handled.add(id),
    onFatal: options.onFatal,
  });
  ctx.gateways.TELEGRAM = telegram.gateway;
  jobs.start(ctx);
  cleanups.push(async () => {
    await telegram.stop();
    await jobs.close();
  });
  await telegram.prepare(ctx);
  await telegram.start();
  return { telegram, recorder };
}

describe("telegram start-up against a Bot API server that lacks a method", () => {
  it("answers /start without the command menu, says what the server said, and registers the menu later", async () => {
    const fake = await startBotApiFake();
    cleanups.push(() => fake.close());
    fake.refuse("setMyCommands");
    const { telegram, recorder } = await startBot(fake, {});

    const warning = await recorder.waitFor((line) => line.level === "warn" && /setMyCommands/.test(line.message ?? ""));
    const err = warning.object.err as { code: number; description: string };
    expect(err.code).toBe(404);
    expect(err.description).toBe("Not Found");
    expect(telegram.status()).toEqual({ up: true });

    const alice = fake.user(2001, "Alice", { language_code: "en" });
    fake.say(alice, "/start");
    const welcome = await fake.waitForCall("sendMessage", (p) => Number(p.chat_id) === alice.id, 30_000);
    expect(String(welcome.text)).toContain("Welcome to");

    // The server learns the method: the next retry registers both menus.
    fake.support("setMyCommands");
    await recorder.waitFor((line) => line.level === "info" && /setMyCommands\): done/.test(line.message ?? ""));
    const menus = fake.callsOf("setMyCommands");
    expect(menus.some((c) => c.language_code === "zh")).toBe(true);
  }, 60_000);

  it("keeps what a server that is not the Bot API said, instead of 'undefined: undefined'", async () => {
    const fake = await startBotApiFake();
    cleanups.push(() => fake.close());
    fake.refuse("setMyCommands", { notBotApi: true });
    const { recorder } = await startBot(fake, {});
    const warning = await recorder.waitFor((line) => line.level === "warn" && /setMyCommands/.test(line.message ?? ""));
    const err = warning.object.err as Error & { description: string };
    expect(err.description).toContain('"error":"Unknown method setMyCommands"');
    expect(err.message).not.toContain("undefined");
  }, 60_000);

  it("stops through onFatal when another instance is polling (409 Conflict)", async () => {
    const fake = await startBotApiFake();
    cleanups.push(() => fake.close());
    fake.failNext("getUpdates", {
      error_code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    let fatal: (kind: string) => void = () => {};
    const reported = new Promise<string>((resolve) => {
      fatal = resolve;
    });
    const { telegram } = await startBot(fake, { onFatal: (failure) => fatal(failure.kind) });
    expect(await reported).toBe("telegramConflict");
    expect(telegram.status()).toMatchObject({ up: false });
  }, 60_000);
});

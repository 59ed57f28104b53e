/**
 * `npm start` as an operator meets it when something is wrong, run as the real process (`node dist/bots/main.js`)
 * against local fakes of Telegram and Discord: configuration mistakes, `.env`, a refused token, a Bot API server
 * without setMyCommands, a missing Discord intent, and the probes (/readyz, /metrics) of a process that runs. Each
 * assertion is on what a person reads (stderr's human lines, stdout), the exit code, or what the HTTP server answers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { EXIT_CODES } from "../../bots/startup/startup-error.js";
import { type DiscordFake, startDiscordFake } from "../fakes/discord/discord-fake.js";
import { FAKE_TOKEN, startBotApiFake } from "../fakes/telegram/bot-api-fake.js";
import { createTestDatabaseEnv } from "../support/database.js";
import { type Exit, humanLines, logLines, PROCESS_TIMEOUT_MS, startMain } from "../support/main-process.js";

const TEST_TIMEOUT_MS = PROCESS_TIMEOUT_MS + 60_000;

/** A raw Node stack frame ("    at fn (file:line)") anywhere a person reads. */
const STACK_FRAME = /^\s+at .+/m;

async function freshDatabase(): Promise<Record<string, string>> {
  const database = await createTestDatabaseEnv();
  onTestFinished(() => database.cleanup());
  return database.env;
}

/** What a person reads: no stack, nothing secret, and only these lines on stderr besides the JSON log. */
function expectCleanFailure(exit: Exit, secrets: string[]) {
  const everything = `${exit.stdout}\n${exit.stderr}`;
  expect(humanLines(exit.stderr).join("\n"), everything).not.toMatch(STACK_FRAME);
  expect(exit.stdout, everything).not.toMatch(STACK_FRAME);
  for (const secret of secrets) expect(everything).not.toContain(secret);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asks until `accept` says yes (the state changes in the background), with a generous limit. */
async function fetchUntil(url: string, accept: (response: Response) => boolean, init?: RequestInit) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(url, init);
    if (accept(response)) return response;
    if (Date.now() > deadline) throw new Error(`${url} kept answering ${response.status}: ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("configuration mistakes", () => {
  it(
    "lists every problem on its own line, hides the secrets, and exits 2",
    async () => {
      const secrets = ["discord-token-value-abc", "sk_test_secret_value_abc", "123456:telegram-token-value"];
      const exit = await startMain({
        HTTP_PORT: "99999",
        LYCEUM_CHAT: "tui",
        DISCORD_TOKEN: secrets[0]!,
        DISCORD_APPLICATION_ID: "1",
        STRIPE_SECRET_KEY: secrets[1]!,
        TELEGRAM_BOT_TOKEN: secrets[2]!,
        TELEGRAM_MODE: "webhook",
      }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.config);
      const lines = humanLines(exit.stderr);
      expect(lines[0]).toBe("Lyceum cannot start: 7 setting(s) need fixing (environment variables or .env):");
      const problems = lines.slice(1).map((line) => line.trim());
      expect(problems).toEqual(
        expect.arrayContaining([
          'HTTP_PORT: given "99999"; expected a whole number from 0 to 65535',
          'LYCEUM_CHAT: given "tui"; expected one of: console, none',
          expect.stringMatching(/^DISCORD_APPLICATION_ID: given "1"; expected the application's numeric id/),
          expect.stringMatching(/^DISCORD_GUILD_ID: not set; expected .*DISCORD_TOKEN is set/),
          expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: not set; expected .*STRIPE_SECRET_KEY is set/),
          expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: not set; expected .*TELEGRAM_MODE=webhook needs it/),
          expect.stringMatching(/^PUBLIC_URL: not set; expected .*TELEGRAM_MODE=webhook needs it/),
        ]),
      );
      expect(problems).toHaveLength(7);
      expectCleanFailure(exit, secrets);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "says it in the operator's language (LANG=zh_CN.UTF-8)",
    async () => {
      const exit = await startMain({ LANG: "zh_CN.UTF-8", GRACE_PERIOD_DAYS: "a week" }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.config);
      expect(humanLines(exit.stderr)).toEqual([
        "Lyceum 无法启动：有 1 项设置需要修正（环境变量或 .env）：",
        '  GRACE_PERIOD_DAYS：当前为 "a week"；应为0 到 60 之间的整数',
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "reads .env from the folder it starts in, and the real environment wins over it",
    async () => {
      const folder = await mkdtemp(path.join(os.tmpdir(), "lyceum-dotenv-"));
      onTestFinished(() => rm(folder, { recursive: true, force: true }));
      await writeFile(
        path.join(folder, ".env"),
        "# as an operator writes it\nREMINDER_DAYS=0\nJOB_CONCURRENCY=500\nLYCEUM_CHAT=none\n",
      );
      // JOB_CONCURRENCY=500 in .env is wrong, but the environment's 4 wins; REMINDER_DAYS=0 comes from .env alone.
      const exit = await startMain({ JOB_CONCURRENCY: "4" }, { cwd: folder }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.config);
      const lines = humanLines(exit.stderr);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe('  REMINDER_DAYS: given "0"; expected a whole number from 1 to 60');
    },
    TEST_TIMEOUT_MS,
  );
});

describe("telegram", () => {
  it(
    "an invalid token (401 on getMe): one line saying what to fix, exit 10, no stack, no token",
    async () => {
      const fake = await startBotApiFake();
      onTestFinished(() => fake.close());
      const wrongToken = "123456:a-token-BotFather-never-gave";
      const exit = await startMain({
        ...(await freshDatabase()),
        TELEGRAM_BOT_TOKEN: wrongToken,
        TELEGRAM_API_ROOT: fake.apiRoot,
      }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.telegramToken);
      expect(humanLines(exit.stderr)).toEqual([
        "Telegram refused the bot token (401 Unauthorized): copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN.",
      ]);
      expectCleanFailure(exit, [wrongToken, "a-token-BotFather-never-gave"]);
      // The structured log keeps the error, with its stack, for whoever debugs it.
      const fatal = logLines(exit.stderr).find((line) => line.msg === "lyceum stopped");
      expect(fatal).toMatchObject({ level: 60, failure: "telegramTokenInvalid", exitCode: 10 });
      expect((fatal!.err as { stack?: string }).stack).toMatch(/getMe/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a Bot API server without setMyCommands: a warning with what it said, and the bot answers /start; /readyz 200; no public /metrics",
    async () => {
      const fake = await startBotApiFake();
      onTestFinished(() => fake.close());
      fake.refuse("setMyCommands", { notBotApi: true });
      const main = startMain({
        ...(await freshDatabase()),
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: fake.apiRoot,
      });
      onTestFinished(async () => {
        await main.stop();
      });
      const address = await main.httpAddress();
      const warned = await main.waitFor(/\{[^\n]*telegram command menu \(setMyCommands\) failed[^\n]*\}/);
      const warning = JSON.parse(warned[0]) as { level: number; err: { message: string } };
      expect(warning.level).toBe(40);
      expect(warning.err.message).toContain("Unknown method setMyCommands");

      const alice = fake.user(2001, "Alice", { language_code: "en" });
      fake.say(alice, "/start");
      const welcome = await fake.waitForCall("sendMessage", (p) => Number(p.chat_id) === alice.id, 60_000);
      expect(String(welcome.text)).toContain("Welcome to");

      const ready = await fetchUntil(`${address}/readyz`, (response) => response.status === 200);
      expect(await ready.json()).toMatchObject({
        ok: true,
        down: [],
        checks: { database: { up: true }, telegram: { up: true } },
      });
      // Metrics are not on the public listener unless asked for.
      expect((await fetch(`${address}/metrics`)).status).toBe(404);

      const exit = await main.stop();
      expect(exit.code, exit.stderr).toBe(0);
      expect(humanLines(exit.stderr).join("\n")).not.toMatch(STACK_FRAME);
      expect(exit.stderr).not.toContain(FAKE_TOKEN);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("telegram, after the token was accepted", () => {
  it(
    "another instance already polling (409 Conflict): the process stops with one line, exit 11",
    async () => {
      const fake = await startBotApiFake();
      onTestFinished(() => fake.close());
      fake.failNext("getUpdates", {
        error_code: 409,
        description:
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      });
      const exit = await startMain({
        ...(await freshDatabase()),
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: fake.apiRoot,
      }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.telegramConflict);
      expect(humanLines(exit.stderr)).toEqual([
        expect.stringMatching(/^Another program is already receiving this bot's updates \(Telegram 409 Conflict\)/),
      ]);
      expectCleanFailure(exit, [FAKE_TOKEN]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "webhook mode on a port already taken: the start stops (the webhook needs the HTTP server), exit 4",
    async () => {
      const fake = await startBotApiFake();
      onTestFinished(() => fake.close());
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
      const port = (taken.address() as { port: number }).port;
      const exit = await startMain({
        ...(await freshDatabase()),
        HTTP_PORT: String(port),
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: "a-webhook-secret-for-the-test",
        PUBLIC_URL: "http://127.0.0.1:9",
      }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.httpListen);
      expect(humanLines(exit.stderr)).toEqual([
        `The HTTP server cannot listen on 127.0.0.1:${port} (EADDRINUSE), and Telegram webhooks depend on it: free the port or set HTTP_HOST / HTTP_PORT.`,
      ]);
      expectCleanFailure(exit, [FAKE_TOKEN, "a-webhook-secret-for-the-test"]);
      // The webhook was never set: nothing would have received Telegram's posts.
      expect(fake.callsOf("setWebhook")).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("discord", () => {
  const DISCORD_TOKEN = "discord-startup-token.secret";

  async function discordFake(): Promise<{ fake: DiscordFake; forumId: string }> {
    const fake = await startDiscordFake({ token: DISCORD_TOKEN });
    onTestFinished(() => fake.close());
    const forumId = fake.addForum("questions", ["Solved"]);
    return { fake, forumId };
  }

  const discordEnv = (fake: DiscordFake) => ({
    DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_BASE: fake.apiBase,
  });

  it(
    "without the Message Content intent it runs without the Q&A forum; /readyz turns 503 when the gateway drops; metrics only with the token",
    async () => {
      const { fake, forumId } = await discordFake();
      fake.privilegedIntents.messageContent = false;
      const metricsToken = "metrics-token-0123456789";
      const metricsPort = await freePort();
      const main = startMain({
        ...(await freshDatabase()),
        ...discordEnv(fake),
        DISCORD_QA_FORUM_ID: forumId,
        METRICS_TOKEN: metricsToken,
        METRICS_PORT: String(metricsPort),
      });
      onTestFinished(async () => {
        await main.stop();
      });
      const address = await main.httpAddress();
      await main.waitFor(/Discord refused the Message Content intent: the Q&A forum is off/);
      await main.waitFor(/"forumEnabled":false[^\n]*Discord bot connected/);

      const ready = await fetchUntil(`${address}/readyz`, (response) => response.status === 200);
      expect(await ready.json()).toMatchObject({ ok: true, checks: { discord: { up: true } } });

      // Metrics: refused without the token on the public listener, served with it, and on their own listener.
      const refused = await fetch(`${address}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain("lyceum_");
      expect(
        (await fetch(`${address}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456" } })).status,
      ).toBe(401);
      const authorized = { headers: { authorization: `Bearer ${metricsToken}` } };
      const served = await fetch(`${address}/metrics`, authorized);
      expect(served.status).toBe(200);
      expect(await served.text()).toContain("lyceum_queue_depth");
      const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, authorized);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain("lyceum_deliveries");

      // Discord's gateway goes away: the process keeps running and says which part is down.
      fake.dropGateway();
      const down = await fetchUntil(`${address}/readyz`, (response) => response.status === 503);
      const report = (await down.json()) as { ok: boolean; down: string[]; checks: Record<string, { up: boolean }> };
      expect(report.ok).toBe(false);
      expect(report.down).toEqual(["discord"]);
      expect(report.checks.database).toEqual({ up: true });

      const exit = await main.stop();
      expect(exit.code, exit.stderr).toBe(0);
      expect(humanLines(exit.stderr).join("\n")).not.toMatch(STACK_FRAME);
      expect(`${exit.stdout}${exit.stderr}`).not.toContain(DISCORD_TOKEN);
      expect(`${exit.stdout}${exit.stderr}`).not.toContain(metricsToken);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a token Discord refuses: one line saying where to reset it, exit 20",
    async () => {
      const { fake } = await discordFake();
      const exit = await startMain({
        ...(await freshDatabase()),
        ...discordEnv(fake),
        DISCORD_TOKEN: "a-token-discord-never-issued",
      }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.discordToken);
      expect(humanLines(exit.stderr)).toEqual([expect.stringMatching(/^Discord refused the bot token: reset it at/)]);
      expectCleanFailure(exit, ["a-token-discord-never-issued"]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "without the Server Members intent (close code 4014): one line saying what to turn on, exit 21",
    async () => {
      const { fake } = await discordFake();
      fake.privilegedIntents.members = false;
      const exit = await startMain({ ...(await freshDatabase()), ...discordEnv(fake) }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.discordIntents);
      expect(humanLines(exit.stderr)).toEqual([expect.stringMatching(/^Discord refused the Server Members Intent/)]);
      expectCleanFailure(exit, [DISCORD_TOKEN]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!process.env.DATABASE_URL)("the database", () => {
  it(
    "refusing the credentials: one line naming what to check, exit 3, the password hidden",
    async () => {
      const url = new URL(process.env.DATABASE_URL!);
      url.username = "no_such_lyceum_role";
      url.password = "a-password-to-hide";
      const exit = await startMain({ DATABASE_URL: url.toString(), LYCEUM_CHAT: "none" }).exited();
      expect(exit.code, exit.stderr).toBe(EXIT_CODES.database);
      expect(humanLines(exit.stderr)).toEqual([
        expect.stringMatching(/^Lyceum cannot use the database \(.*no_such_lyceum_role.*\): check DATABASE_URL/),
      ]);
      expectCleanFailure(exit, ["a-password-to-hide"]);
    },
    TEST_TIMEOUT_MS,
  );
});

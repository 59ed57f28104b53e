/**
 * Stopping the real process (`bots/main.ts`, Telegram pointed at the local fake Bot API, `LYCEUM_CHAT=none`) in the
 * middle of a broadcast, the way a container manager does: SIGTERM. It must leave within SHUTDOWN_SECONDS (plus slack
 * for a loaded machine) with code 0, without waiting for the broadcast, having recorded every message it handed to
 * Telegram; started again, it finishes the broadcast: every recipient has the message exactly once, none lost. Run
 * with jobs in process and on BullMQ. Then the edges: a send that never gets an answer holds the shutdown only until
 * the deadline (exit 1), and a second signal leaves at once (exit 130).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OUTCOME_UNKNOWN } from "../../core/messaging/send-deliveries.js";
import { BullMqJobRunner } from "../../jobs/bullmq-runner.js";
import { openDatabase } from "../../prisma/database.js";
import { type BotApiFake, FAKE_TOKEN, type FakeUser, startBotApiFake } from "../fakes/telegram/bot-api-fake.js";
import { createTestDatabaseEnv } from "../support/database.js";
import { REDIS_URL, randomPrefix } from "../support/redis.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** What the child may inherit: enough to find `node` and a temp folder, nothing that configures the product. */
const INHERITED = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP"];
const RECIPIENTS = 300;
const TEXT = "Office hours move to Thursday";
const SHUTDOWN_SECONDS = 10;
/** A loaded two-core machine: the exit may come this long after the deadline and still be on time. */
const SLACK_MS = 20_000;
/** Starting the process (tsx compiles on the fly) or finishing a broadcast: generous, they are waited on as events. */
const LONG_MS = 150_000;
const CREATOR_ID = 1000;

interface Product {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** `node --import tsx bots/main.ts`: the same loader as `npx tsx`, in one process, so the signal reaches it directly. */
function startProduct(env: Record<string, string>): Product {
  const childEnv: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) childEnv[name] = process.env[name]!;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ["--import", "tsx", "bots/main.ts"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output.slice(-4000) };
}

/** Resolves when `check` holds (re-checked every 200 ms); rejects after `ms` with what the product printed. */
function until(check: () => boolean, what: string, ms = LONG_MS, product?: Product): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`timed out waiting for ${what}\n${product?.output() ?? ""}`));
    }, ms);
    const poll = setInterval(() => {
      if (!check()) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 200);
  });
}

/** Sends `signal` and resolves with the exit and how long it took, measured from the signal. */
async function stopWith(product: Product, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const sentAt = performance.now();
  product.child.kill(signal);
  const { code } = await product.exited;
  return { code, ms: performance.now() - sentAt };
}

describe.each(["in process", "BullMQ"] as const)("SIGTERM mid-broadcast, jobs %s", (driver) => {
  let fake: BotApiFake;
  let database: Awaited<ReturnType<typeof createTestDatabaseEnv>>;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  let env: Record<string, string>;
  const prefix = randomPrefix();
  const running: Product[] = [];
  /** Copies of the broadcast each recipient's chat received (the creator's preview excluded). */
  const copies = new Map<string, number>();
  let creator: FakeUser;

  beforeAll(async () => {
    fake = await startBotApiFake();
    database = await createTestDatabaseEnv();
    const url = database.env.DATABASE_URL;
    db = await openDatabase(
      url ? { url, migrate: false } : { dataDir: path.join(database.env.LYCEUM_DATA_DIR!, "pglite") },
    );
    creator = fake.user(CREATOR_ID, "Cora", { language_code: "en" });
    // Recipients straight into the database, as members who started the bot earlier.
    await db.prisma.member.createMany({
      data: Array.from({ length: RECIPIENTS }, (_, i) => ({ displayName: `m${i}`, referralCode: `R${i}` })),
    });
    const members = await db.prisma.member.findMany({ select: { id: true, referralCode: true } });
    await db.prisma.platformAccount.createMany({
      data: members.map((m) => {
        const externalId = String(5_000_000 + Number(m.referralCode.slice(1)));
        return { platform: "TELEGRAM" as const, externalId, chatId: externalId, memberId: m.id };
      }),
    });
    // The embedded database takes one process at a time: the product gets it while it runs.
    if (!url) await db.close();
    fake.onCall = (call) => {
      const to = String(call.params.chat_id);
      if (call.method === "sendMessage" && to !== String(CREATOR_ID) && String(call.params.text).includes(TEXT)) {
        copies.set(to, (copies.get(to) ?? 0) + 1);
      }
    };
    env = {
      ...database.env,
      LYCEUM_CHAT: "none",
      LYCEUM_SEED: "false",
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      OWNER_ACCOUNTS: `telegram:${CREATOR_ID}`,
      SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
      ...(driver === "BullMQ" ? { REDIS_URL, JOB_PREFIX: prefix } : {}),
    };
  }, LONG_MS);

  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    if (driver === "BullMQ") {
      const queue = new BullMqJobRunner({ redisUrl: REDIS_URL, prefix, workers: false });
      await queue.obliterate().catch(() => {});
      await queue.close();
    }
    if (database.env.DATABASE_URL) await db.close();
    await fake.close();
    await database.cleanup();
  });

  /** The database, opened for a look while the product is not running (the embedded one allows one process). */
  async function inspect<T>(look: (prisma: typeof db.prisma) => Promise<T>): Promise<T> {
    if (database.env.DATABASE_URL) return look(db.prisma);
    const opened = await openDatabase({ dataDir: path.join(database.env.LYCEUM_DATA_DIR!, "pglite") });
    try {
      return await look(opened.prisma);
    } finally {
      await opened.close();
    }
  }

  it(
    "stops within the deadline with code 0, and the next start sends the rest: everyone exactly once",
    async () => {
      const first = startProduct(env);
      running.push(first);
      await fake.waitForCall("deleteWebhook", () => true, LONG_MS); // polling from now on
      const onItsWay = fake.calls.length;
      fake.say(creator, `/broadcast ${TEXT}`);
      await until(() => fake.textsTo(CREATOR_ID).some((t) => t.includes("recipient")), "the preview", 30_000);
      fake.say(creator, "/broadcast 1 send");
      await until(
        () => fake.calls.slice(onItsWay).some((c) => String(c.params.text).includes("on its way")),
        "the confirmation",
        30_000,
        first,
      );
      await until(() => copies.size >= RECIPIENTS / 3, "a third of the broadcast", LONG_MS, first);

      const stopped = await stopWith(first, "SIGTERM");
      expect(stopped.code, first.output()).toBe(0);
      expect(stopped.ms).toBeLessThan(SHUTDOWN_SECONDS * 1000 + SLACK_MS);
      const arrivedBeforeRestart = copies.size;
      const afterStop = await inspect(async (prisma) => ({
        sent: await prisma.delivery.count({
          where: { broadcastId: 1, status: "SENT", account: { externalId: { not: String(CREATOR_ID) } } },
        }),
        pending: await prisma.delivery.count({ where: { broadcastId: 1, status: "PENDING" } }),
        inFlight: await prisma.delivery.count({ where: { broadcastId: 1, lastError: "IN_FLIGHT" } }),
      }));
      // It did not wait for the broadcast, and every message handed to Telegram was recorded before it left.
      expect(afterStop.pending).toBeGreaterThan(0);
      expect(afterStop.inFlight).toBe(0);
      expect(afterStop.sent).toBe(arrivedBeforeRestart);

      const second = startProduct(env);
      running.push(second);
      await until(
        () => fake.textsTo(CREATOR_ID).some((t) => t.startsWith("📣")),
        "the creator's tally",
        LONG_MS,
        second,
      );
      const again = await stopWith(second, "SIGTERM");
      expect(again.code, second.output()).toBe(0);

      const rows = await inspect((prisma) =>
        prisma.delivery.findMany({ where: { broadcastId: 1 }, include: { account: true } }),
      );
      const unknown = rows.filter((r) => r.status === "FAILED" && r.lastError === OUTCOME_UNKNOWN);
      expect(unknown.length).toBeLessThanOrEqual(1);
      expect(rows.filter((r) => r.status !== "SENT").length).toBe(unknown.length);
      for (const row of rows) {
        if (row.account.externalId === String(CREATOR_ID)) continue;
        const got = copies.get(row.account.externalId) ?? 0;
        if (unknown.includes(row)) expect(got).toBeLessThanOrEqual(1);
        else expect(got, row.account.externalId).toBe(1);
      }
      expect(Math.max(...copies.values())).toBe(1);
      expect(copies.size).toBeGreaterThanOrEqual(RECIPIENTS - unknown.length);
    },
    LONG_MS * 3,
  );
});

describe("a shutdown held by a send that never gets an answer", () => {
  let fake: BotApiFake;
  const databases: Awaited<ReturnType<typeof createTestDatabaseEnv>>[] = [];
  const running: Product[] = [];
  const DEADLINE_SECONDS = 3;

  beforeAll(async () => {
    fake = await startBotApiFake();
  });
  afterEach(() => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  });
  afterAll(async () => {
    await fake.close();
    for (const d of databases) await d.cleanup();
  });

  /**
   * The product on a fresh database, with a broadcast from the creator to one member whose message Telegram takes
   * and never answers: the sender's job is held in that send. Resolves once the send is hanging.
   */
  async function startAndHang(creator: FakeUser, member: FakeUser): Promise<Product> {
    const database = await createTestDatabaseEnv();
    databases.push(database);
    const product = startProduct({
      ...database.env,
      LYCEUM_CHAT: "none",
      LYCEUM_SEED: "false",
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      OWNER_ACCOUNTS: `telegram:${creator.id}`,
      SHUTDOWN_SECONDS: String(DEADLINE_SECONDS),
    });
    running.push(product);
    const from = fake.calls.length;
    const callsTo = (user: FakeUser, text: string) =>
      fake.calls
        .slice(from)
        .some(
          (c) =>
            c.method === "sendMessage" && Number(c.params.chat_id) === user.id && String(c.params.text).includes(text),
        );
    await until(() => fake.calls.slice(from).some((c) => c.method === "deleteWebhook"), "polling", LONG_MS, product);
    fake.say(member, "/start");
    await until(() => callsTo(member, "Welcome"), "the member's welcome", 30_000, product);
    fake.say(creator, `/broadcast ${TEXT}`);
    await until(() => callsTo(creator, "recipient"), "the preview", 30_000, product);
    fake.loseAnswerNext("sendMessage", "hang", { chatId: member.id });
    fake.say(creator, "/broadcast 1 send");
    await until(() => callsTo(member, TEXT), "the hanging send", 30_000, product);
    return product;
  }

  it(
    "one SIGTERM: leaves at the deadline with code 1; a second signal: leaves at once with code 130",
    async () => {
      const held = await startAndHang(fake.user(3001, "Hana"), fake.user(3002, "Ivo"));
      const late = await stopWith(held, "SIGTERM");
      expect(late.code, held.output()).toBe(1);
      expect(late.ms).toBeGreaterThanOrEqual(DEADLINE_SECONDS * 1000 - 500);
      expect(late.ms).toBeLessThan(DEADLINE_SECONDS * 1000 + SLACK_MS);

      const impatient = await startAndHang(fake.user(3003, "Jun"), fake.user(3004, "Kai"));
      impatient.child.kill("SIGTERM");
      await until(() => impatient.output().includes('"msg":"stopping"'), "the first signal taken", 30_000, impatient);
      const twice = await stopWith(impatient, "SIGINT");
      expect(twice.code, impatient.output()).toBe(130);
      expect(twice.ms).toBeLessThan(SLACK_MS);
    },
    LONG_MS * 2,
  );
});

/**
 * The bot under test in the commands benchmark, in a process of its own so its CPU time, memory and SQL statements are
 * its own: Lyceum (createApp + createTelegram, as bots/main.ts) or the grammY baseline (bench/commands-baseline.ts).
 * Configured by environment (set by bench/commands.ts): BENCH_BOT lyceum|baseline, BENCH_MODE webhook|polling,
 * BENCH_API_ROOT, BENCH_SECRET, and DATABASE_URL or BENCH_DATA_DIR (embedded: `<dir>/pglite`).
 * Talks over IPC: sends {ready, webhookUrl}; answers "stats" with {cpuMs, sql, rss, peakRss}; "stop" ends it.
 */
import path from "node:path";
import v8 from "node:v8";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createApp } from "../bots/app.js";
import { loadConfig } from "../bots/config.js";
import { createTelegram } from "../bots/telegram/start-telegram.js";
import { type Query, startBaseline } from "./commands-baseline.js";
import { BENCH_TOKEN } from "./commands-fake.js";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`commands bench child: ${name} is not set`);
  return value;
};
const which = env("BENCH_BOT");
const mode = env("BENCH_MODE") as "webhook" | "polling";
const apiRoot = env("BENCH_API_ROOT");
const secret = env("BENCH_SECRET");
const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = databaseUrl ? undefined : env("BENCH_DATA_DIR");

// --- SQL statements: every statement the driver sends (pg: each Client.query, which Pool.query goes through;
// PGlite: query/exec, and BEGIN + statements + COMMIT of each transaction).
// BENCH_SQL_LOG=1 prints each statement's start to stderr (to check what is counted).
let sql = 0;
const logSql = process.env.BENCH_SQL_LOG === "1";
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  sql += 1;
  if (logSql) {
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
    process.stderr.write(`sql ${which}: ${String(text).replace(/\s+/g, " ").slice(0, 160)}\n`);
  }
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof clientQuery;
const lite = PGlite.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
for (const method of ["query", "exec"]) {
  const original = lite[method]!;
  lite[method] = function (this: unknown, ...args: unknown[]) {
    sql += 1;
    return original.apply(this, args);
  };
}
const transaction = lite.transaction!;
lite.transaction = function (this: unknown, ...args: unknown[]) {
  sql += 2;
  const callback = args[0] as (tx: Record<string, (...a: unknown[]) => unknown>) => unknown;
  return transaction.call(this, (tx: Record<string, (...a: unknown[]) => unknown>) => {
    for (const method of ["query", "exec"]) {
      const original = tx[method]!;
      tx[method] = (...a: unknown[]) => {
        sql += 1;
        return original.apply(tx, a);
      };
    }
    return callback(tx);
  });
};

let peakRss = 0;
let peakSpaces = "";
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss && process.env.BENCH_HEAP_LOG) {
    const m = process.memoryUsage();
    peakSpaces = `${which} peak: heap ${m.heapTotal >> 20} MiB (${v8
      .getHeapSpaceStatistics()
      .map((space) => `${space.space_name} ${space.space_size >> 20}`)
      .join(", ")}), external ${m.external >> 20}, arrayBuffers ${m.arrayBuffers >> 20}`;
  }
  peakRss = Math.max(peakRss, rss);
}, 50);

let stop: () => Promise<void>;
let stagger: () => Promise<unknown> = async () => {};
let webhookUrl: string | null = null;
if (which === "lyceum") {
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { LYCEUM_DATA_DIR: dataDir }),
    LYCEUM_SEED: "false",
    LYCEUM_CHAT: "none",
    LOG_LEVEL: "error",
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: "0",
    PUBLIC_URL: "https://bench.invalid",
    TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_MODE: mode,
    TELEGRAM_WEBHOOK_SECRET: secret,
    // No background sweep during the measurement: only the updates' own statements are counted.
    SWEEP_INTERVAL_MINUTES: "600",
    MESSAGING_SWEEP_SECONDS: "36000",
  });
  const telegram = createTelegram({
    token: BENCH_TOKEN,
    apiRoot,
    mode,
    publicUrl: config.publicUrl,
    webhookSecret: secret,
  });
  const app = await createApp({
    config,
    gateways: [telegram.gateway],
    stars: telegram.gateway,
    beforeListen: (http, ctx) => telegram.prepare(ctx, http),
    readinessChecks: { telegram: () => telegram.status() },
    httpNeededBy: mode === "webhook" ? ["Telegram webhooks"] : [],
  });
  await telegram.start();
  await app.jobs.idle();
  // Seen just now: the per-command counts are without the once-a-minute lastSeenAt write; before the mix, "stagger"
  // spreads the last visits over the past minute, so that write comes back at a steady rate, as in real use.
  await app.ctx.prisma.$executeRawUnsafe(`UPDATE "Member" SET "lastSeenAt" = now()`);
  stagger = () =>
    app.ctx.prisma.$executeRawUnsafe(`UPDATE "Member" SET "lastSeenAt" = now() - random() * interval '60 seconds'`);
  if (mode === "webhook") webhookUrl = `${app.httpAddress}/webhooks/telegram`;
  stop = async () => {
    await telegram.stop();
    await app.close({ deadlineMs: 5_000 });
  };
} else {
  let query: Query;
  let closeDb: () => Promise<void>;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 }); // Lyceum's pool size
    query = async (text, params) => (await pool.query(text, params)).rows;
    closeDb = () => pool.end();
  } else {
    const client = await PGlite.create({ dataDir: path.join(dataDir!, "pglite") });
    query = async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows;
    closeDb = () => client.close();
  }
  const bot = await startBaseline({ token: BENCH_TOKEN, apiRoot, mode, secret, query });
  webhookUrl = bot.webhookUrl;
  stop = async () => {
    await bot.stop();
    await closeDb();
  };
}

process.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    const cpu = process.cpuUsage();
    process.send!({
      type: "stats",
      cpuMs: (cpu.user + cpu.system) / 1000,
      sql,
      rss: process.memoryUsage().rss,
      peakRss,
    });
  } else if (message.type === "stagger") {
    void stagger().then(() => process.send!({ type: "staggered" }));
  } else if (message.type === "stop") {
    clearInterval(sampler);
    // BENCH_HEAP_LOG=1: where the peak was, by V8 heap space (to see what a memory goal is up against).
    if (peakSpaces) {
      (globalThis as { gc?: () => void }).gc?.();
      const after = process.memoryUsage();
      process.stderr.write(
        `${peakSpaces}, rss ${peakRss >> 20} MiB; after a full GC: heap used ${after.heapUsed >> 20} MiB\n`,
      );
    }
    // BENCH_HEAP_SNAPSHOT=<dir>: what the heap holds at the end (open it in Chrome DevTools' Memory tab).
    if (process.env.BENCH_HEAP_SNAPSHOT)
      v8.writeHeapSnapshot(path.join(process.env.BENCH_HEAP_SNAPSHOT, `${which}.heapsnapshot`));
    void stop().finally(() => process.exit(0));
  }
});
process.send!({ type: "ready", webhookUrl });

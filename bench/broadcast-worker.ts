/**
 * The job worker the broadcast benchmark starts as a child process for `--kill-at`: the same job definitions on
 * BullMQ as `npm run worker`, sending through the real Telegram adapter to the benchmark's fake Bot API (or the real
 * Discord adapter to its fake Discord). Configured by environment (set by bench/broadcast.ts):
 * DATABASE_URL, REDIS_URL, BENCH_PREFIX, BENCH_PLATFORM, BENCH_API_ROOT, BENCH_LOCK_MS, BENCH_SWEEP_MS.
 * Prints "ready" when it takes jobs; SIGTERM stops it gracefully, SIGKILL is the crash under test.
 */
import { type CoreContext, defaultCoreConfig, silentLogger } from "../core/context.js";
import { systemClock } from "../core/ports.js";
import { BullMqJobRunner } from "../jobs/bullmq-runner.js";
import { MESSAGING_SWEEP_JOB } from "../jobs/definitions.js";
import { openDatabase } from "../prisma/database.js";
import { type BenchPlatform, connectGateway } from "./broadcast-gateways.js";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`bench worker: ${name} is not set`);
  return value;
};

const platform = env("BENCH_PLATFORM") as BenchPlatform;
const db = await openDatabase({ url: env("DATABASE_URL"), migrate: false });
const gateway = await connectGateway(platform, env("BENCH_API_ROOT"), silentLogger);
const runner = new BullMqJobRunner({
  redisUrl: env("REDIS_URL"),
  prefix: env("BENCH_PREFIX"),
  lockDurationMs: Number(process.env.BENCH_LOCK_MS ?? 30_000),
});
const ctx: CoreContext = {
  prisma: db.prisma,
  sql: db.sql,
  clock: systemClock,
  config: defaultCoreConfig,
  log: silentLogger,
  jobs: runner,
  payments: {},
  gateways: { [gateway.gateway.platform]: gateway.gateway },
};
await runner.start(ctx);
// The messaging sweep settles a crashed sender's in-flight row once its lease is over (MESSAGING_SWEEP_SECONDS).
await runner.every(MESSAGING_SWEEP_JOB, Number(process.env.BENCH_SWEEP_MS ?? 5000));
process.stdout.write("ready\n");

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await runner.close();
    await gateway.close();
    await db.close();
    process.exit(0);
  })();
});

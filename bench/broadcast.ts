/**
 * Benchmark: one broadcast to N members through the real job runner and the real platform adapters, against local
 * fakes that enforce the platforms' global limits (Telegram 30 sendMessage/s, Discord 50 requests/s, 429 above).
 *
 *   npm run bench:broadcast -- [--platform telegram|discord|both] [--recipients 10000]
 *   npm run bench:broadcast -- --kill-at 0.5 [--signal SIGKILL|SIGTERM] [--recipients 3000] [--skip-baseline]
 *   npm run bench:broadcast -- --workers [--recipients 3000]      (on a BullMQ worker child process, no kill)
 *
 * Creates N members with one account each, then create → preview → confirm through core/messaging, and lets the jobs
 * deliver. Prints the achieved rate against the cap, 429s, duplicates and lost recipients (both must be 0), delivery
 * latency from confirm to arrival at the fake, and peak memory. Uses DATABASE_URL when set, else embedded PGlite.
 *
 * The database's planner statistics are refreshed (ANALYZE) after seeding and right after confirm, as autovacuum keeps
 * them on a live database; `--no-analyze` leaves them stale as after a TRUNCATE (the sender's claim query then slows).
 *
 * `--kill-at F` (needs DATABASE_URL and Redis: REDIS_URL, default redis://127.0.0.1:6379) runs the delivery on BullMQ
 * in a worker child process (bench/broadcast-worker.ts, the same job definitions), sends it `--signal` when the
 * fraction F of the messages has arrived, starts a new worker, and compares with a run without the kill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { type CoreContext, defaultCoreConfig, silentLogger } from "../core/context.js";
import { confirmBroadcast } from "../core/messaging/confirm-broadcast.js";
import { createBroadcast } from "../core/messaging/create-broadcast.js";
import { PACING_HEADROOM } from "../core/messaging/platform-limits.js";
import { previewBroadcast } from "../core/messaging/preview-broadcast.js";
import { OUTCOME_UNKNOWN } from "../core/messaging/send-deliveries.js";
import { type ChatGateway, systemClock } from "../core/ports.js";
import { BullMqJobRunner } from "../jobs/bullmq-runner.js";
import type { JobDriver } from "../jobs/driver.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import { openDatabase } from "../prisma/database.js";
import {
  type Arrival,
  type BenchFake,
  type BenchPlatform,
  CAPS,
  connectGateway,
  startBenchFake,
} from "./broadcast-gateways.js";

const { values } = parseArgs({
  options: {
    platform: { type: "string", default: "telegram" },
    recipients: { type: "string", default: "10000" },
    "kill-at": { type: "string" },
    signal: { type: "string", default: "SIGKILL" },
    "lock-seconds": { type: "string", default: "30" },
    "skip-baseline": { type: "boolean", default: false },
    "no-analyze": { type: "boolean", default: false },
    workers: { type: "boolean", default: false },
  },
});
const N = Number(values.recipients);
const PLATFORMS: BenchPlatform[] =
  values.platform === "both" ? ["TELEGRAM", "DISCORD"] : [values.platform === "discord" ? "DISCORD" : "TELEGRAM"];
const KILL_AT = values["kill-at"] === undefined ? null : Number(values["kill-at"]);
const SIGNAL = values.signal === "SIGTERM" ? "SIGTERM" : "SIGKILL";
const LOCK_MS = Number(values["lock-seconds"]) * 1000;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
/** ANALYZE the new delivery rows right after confirm, as autovacuum would soon on a live database. */
const ANALYZE_AFTER_CONFIRM = !values["no-analyze"];
const TEXT = "Bench announcement: live Q&A tonight at 8";

if (!Number.isInteger(N) || N < 1) throw new Error("--recipients must be a positive whole number");
if (KILL_AT !== null && !(KILL_AT > 0 && KILL_AT < 1)) throw new Error("--kill-at must be between 0 and 1");
if ((KILL_AT !== null || values.workers) && !process.env.DATABASE_URL) {
  process.stderr.write("--kill-at runs workers in child processes: they need a shared DATABASE_URL (PostgreSQL)\n");
  process.exit(2);
}

const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: "memory://" });
const dbKind = process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite";

// --- Memory: this process, and the worker children (VmRSS from /proc), sampled
let peakRss = 0;
let peakWorkerRss = 0;
const workerPids = new Set<number>();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  for (const pid of workerPids) {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      if (kb) peakWorkerRss = Math.max(peakWorkerRss, Number(kb) * 1024);
    } catch {
      workerPids.delete(pid);
    }
  }
}, 200);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function resetDatabase(): Promise<void> {
  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  await db.prisma.$executeRawUnsafe(
    `TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`,
  );
}

/** The creator (OWNER, no chat account: the tally goes nowhere) and N members with one account each. */
async function seed(platform: BenchPlatform, fake: BenchFake): Promise<{ creatorId: number; recipients: string[] }> {
  const recipients = fake.prepareRecipients(N);
  const creator = await db.prisma.member.create({
    data: { displayName: "Bench creator", referralCode: "BENCH-CREATOR", role: "OWNER" },
  });
  const CHUNK = 5000;
  for (let i = 0; i < N; i += CHUNK) {
    const slice = recipients.slice(i, i + CHUNK);
    await db.prisma.member.createMany({
      data: slice.map((_, j) => ({ displayName: `m${i + j}`, referralCode: `B${i + j}` })),
    });
    const members = await db.prisma.member.findMany({
      where: { referralCode: { in: slice.map((_, j) => `B${i + j}`) } },
      select: { id: true, referralCode: true },
    });
    const byCode = new Map(members.map((m) => [m.referralCode, m.id]));
    await db.prisma.platformAccount.createMany({
      data: slice.map((externalId, j) => ({
        platform,
        externalId,
        chatId: fake.chatIdOf(externalId),
        memberId: byCode.get(`B${i + j}`)!,
      })),
    });
  }
  // A live database keeps its planner statistics current (autovacuum); the freshly truncated one has none, and the
  // sender's claim query then picks a nested loop that costs ~0.4 s per message. ANALYZE stands in for autovacuum.
  if (ANALYZE_AFTER_CONFIRM) await db.prisma.$executeRawUnsafe("ANALYZE");
  return { creatorId: creator.id, recipients };
}

/** Who got what, when. */
class Tracker {
  readonly counts = new Map<string, number>();
  readonly times: number[] = [];
  t0 = 0;
  first = 0;
  last = 0;
  private readonly thresholds: { count: number; run: () => void }[] = [];

  arrive(arrival: Arrival): void {
    this.counts.set(arrival.to, (this.counts.get(arrival.to) ?? 0) + 1);
    if (!this.times.length) this.first = arrival.at;
    this.last = arrival.at;
    this.times.push(arrival.at - this.t0);
    for (const t of this.thresholds) if (this.times.length === t.count) t.run();
  }

  when(count: number, run: () => void): void {
    this.thresholds.push({ count, run });
  }

  duplicates(): number {
    let extra = 0;
    for (const c of this.counts.values()) extra += c - 1;
    return extra;
  }

  lost(recipients: readonly string[]): string[] {
    return recipients.filter((r) => !this.counts.has(r));
  }

  percentile(p: number): number {
    const sorted = [...this.times].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  }
}

/** create → preview → confirm, as the creator does in chat. Starts the tracker's clock at confirm. */
async function broadcast(ctx: CoreContext, creatorId: number, tracker: Tracker): Promise<number> {
  const draft = await createBroadcast(ctx, { staffMemberId: creatorId, text: TEXT });
  if (!draft.ok) throw new Error(`draft refused: ${draft.reason}`);
  const preview = await previewBroadcast(ctx, { staffMemberId: creatorId, broadcastId: draft.broadcastId });
  if (!preview.ok || preview.recipients !== N) throw new Error(`preview: ${JSON.stringify(preview)}`);
  tracker.t0 = performance.now();
  const confirmed = await confirmBroadcast(ctx, { staffMemberId: creatorId, broadcastId: draft.broadcastId });
  if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.reason}`);
  if (ANALYZE_AFTER_CONFIRM) await db.prisma.$executeRawUnsafe('ANALYZE "Delivery"');
  console.log(
    `  confirmed: ${confirmed.recipients} delivery rows in ${((performance.now() - tracker.t0) / 1000).toFixed(2)} s`,
  );
  return draft.broadcastId;
}

/** Until the broadcast is DONE; gives up when nothing arrives for `stallMs` (the figures say what is missing). */
async function waitDone(broadcastId: number, tracker: Tracker, stallMs = 180_000): Promise<number | null> {
  let seen = -1;
  let since = performance.now();
  let lastReport = performance.now();
  for (;;) {
    const b = await db.prisma.broadcast.findUniqueOrThrow({ where: { id: broadcastId }, select: { status: true } });
    if (b.status === "DONE") return performance.now();
    if (tracker.times.length !== seen) {
      seen = tracker.times.length;
      since = performance.now();
    } else if (performance.now() - since > stallMs) {
      console.log(`  GAVE UP: nothing arrived for ${stallMs / 1000} s and the broadcast is ${b.status}`);
      return null;
    }
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      console.log(
        `  … ${tracker.times.length}/${N} arrived after ${((performance.now() - tracker.t0) / 1000).toFixed(0)} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface RunResult {
  platform: BenchPlatform;
  tracker: Tracker;
  recipients: string[];
  doneAt: number | null;
  rateLimited: number;
  requests: number;
  statuses: Record<string, number>;
  outcomeUnknown: string[];
  /** In process: how long each gateway.send took. */
  sendMs?: number[];
}

async function collect(
  platform: BenchPlatform,
  fake: BenchFake,
  tracker: Tracker,
  recipients: string[],
  broadcastId: number,
  doneAt: number | null,
  requestsBefore: number,
): Promise<RunResult> {
  const rows = await db.prisma.delivery.groupBy({ by: ["status"], where: { broadcastId }, _count: { _all: true } });
  const unknown = await db.prisma.delivery.findMany({
    where: { broadcastId, status: "FAILED", lastError: OUTCOME_UNKNOWN },
    select: { account: { select: { externalId: true } } },
  });
  return {
    platform,
    tracker,
    recipients,
    doneAt,
    rateLimited: fake.rateLimited(),
    requests: fake.requests() - requestsBefore,
    statuses: Object.fromEntries(rows.map((r) => [r.status, r._count._all])),
    outcomeUnknown: unknown.map((u) => u.account.externalId),
  };
}

function print(result: RunResult, label: string): void {
  const { tracker: t, platform } = result;
  const arrived = t.times.length;
  const sendSeconds = (t.last - t.first) / 1000;
  const rate = arrived > 1 ? (arrived - 1) / sendSeconds : 0;
  const lost = t.lost(result.recipients);
  const lostUnknown = lost.filter((r) => result.outcomeUnknown.includes(r));
  const cap = CAPS[platform];
  console.log(`\n== ${label}`);
  console.log(`recipients        ${N} ${platform} accounts (all reachable), ${dbKind}`);
  console.log(
    `elapsed           ${((t.last - t.t0) / 1000).toFixed(1)} s confirm → last message; sending ${sendSeconds.toFixed(1)} s first → last; broadcast DONE after ${result.doneAt === null ? "never" : `${((result.doneAt - t.t0) / 1000).toFixed(1)} s`}`,
  );
  if (platform === "TELEGRAM") {
    console.log(
      `rate              ${rate.toFixed(2)} messages/s = ${(rate / cap).toFixed(3)} of the ${cap}/s cap (goal ≥ 0.97); overall ${(arrived / ((t.last - t.t0) / 1000)).toFixed(2)}/s incl. confirm`,
    );
  } else {
    const requestRate = result.requests / sendSeconds;
    console.log(
      `rate              ${rate.toFixed(2)} messages/s, ${requestRate.toFixed(2)} requests/s = ${(requestRate / cap).toFixed(3)} of the ${cap} requests/s cap (goal ≥ 0.97); ${(result.requests / Math.max(1, arrived)).toFixed(2)} requests per message`,
    );
  }
  const gaps = t.times.slice(1).map((x, i) => x - t.times[i]!);
  const target = 1000 / cap;
  const slow = gaps.filter((g) => g > target * 1.5);
  console.log(
    `gaps ms           median ${median(gaps).toFixed(1)}; ${slow.length} of ${gaps.length} over ${(target * 1.5).toFixed(0)} ms, together ${(slow.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s, longest ${Math.max(0, ...gaps).toFixed(0)} ms`,
  );
  if (result.sendMs?.length) {
    const perMessage = (t.last - t.first) / Math.max(1, arrived - 1);
    console.log(
      `sender loop       ${perMessage.toFixed(1)} ms per message (pacing slot ${(1000 / (cap * PACING_HEADROOM)).toFixed(1)} ms): adapter send median ${median(result.sendMs).toFixed(1)} ms, the rest (claim and outcome in the database, pacing) ${(perMessage - median(result.sendMs)).toFixed(1)} ms`,
    );
  }
  console.log(`429s received     ${result.rateLimited}`);
  console.log(`duplicates        ${t.duplicates()} (extra copies the fake received; must be 0)`);
  console.log(
    `lost              ${lost.length - lostUnknown.length} (reachable recipients never sent to and not reported; must be 0)` +
      (lostUnknown.length ? ` + ${lostUnknown.length} not received and reported FAILED "outcome unknown"` : ""),
  );
  if (result.outcomeUnknown.length) {
    console.log(
      `outcome unknown   ${result.outcomeUnknown.length} row(s) FAILED "outcome unknown" (≤ 1 per platform in flight at a kill); ${result.outcomeUnknown.length - lostUnknown.length} of them did reach the fake`,
    );
  }
  console.log(
    `delivery rows     ${Object.entries(result.statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  console.log(
    `latency s         p50 ${(t.percentile(50) / 1000).toFixed(1)}  p95 ${(t.percentile(95) / 1000).toFixed(1)}  p99 ${(t.percentile(99) / 1000).toFixed(1)}  max ${(t.percentile(100) / 1000).toFixed(1)} (confirm → arrival at the fake)`,
  );
  console.log(
    `memory            peak RSS ${mib(peakRss)} (this process${peakWorkerRss ? ": fake, enqueuer" : ": runner, adapter, fake, database"})${peakWorkerRss ? `, worker child ${mib(peakWorkerRss)}` : ""}`,
  );
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

// --- In process: the default single-machine runner

async function runInProcess(platform: BenchPlatform): Promise<RunResult> {
  await resetDatabase();
  const fake = await startBenchFake(platform);
  console.log(`\npreparing ${N} ${platform} members (${dbKind}, jobs in process)…`);
  const { creatorId, recipients } = await seed(platform, fake);
  const connected = await connectGateway(platform, fake.apiRoot, silentLogger);
  const jobs = new InProcessJobRunner();
  // The adapter's share of each message: how long gateway.send takes (the rest of the sender's loop is the database).
  const sendMs: number[] = [];
  const timed: ChatGateway = Object.create(connected.gateway);
  timed.send = async (account, reply) => {
    const started = performance.now();
    try {
      return await connected.gateway.send(account, reply);
    } finally {
      sendMs.push(performance.now() - started);
    }
  };
  const ctx = context(jobs, { [platform]: timed });
  await jobs.start(ctx);
  const tracker = new Tracker();
  fake.onArrival = (a) => tracker.arrive(a);
  const requestsBefore = fake.requests();
  peakRss = 0;
  const broadcastId = await broadcast(ctx, creatorId, tracker);
  const doneAt = await waitDone(broadcastId, tracker);
  await jobs.idle();
  const result = await collect(platform, fake, tracker, recipients, broadcastId, doneAt, requestsBefore);
  result.sendMs = sendMs;
  await jobs.close();
  await connected.close();
  await fake.close();
  return result;
}

function context(jobs: JobDriver, gateways: CoreContext["gateways"]): CoreContext {
  return {
    prisma: db.prisma,
    sql: db.sql,
    clock: systemClock,
    config: defaultCoreConfig,
    log: silentLogger,
    jobs,
    payments: {},
    gateways,
  };
}

// --- On BullMQ, with worker child processes

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
}

async function startWorker(platform: BenchPlatform, fake: BenchFake, prefix: string): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/broadcast-worker.ts"], {
    env: {
      ...process.env,
      REDIS_URL,
      BENCH_PREFIX: prefix,
      BENCH_PLATFORM: platform,
      BENCH_API_ROOT: fake.apiRoot,
      BENCH_LOCK_MS: String(LOCK_MS),
      BENCH_SWEEP_MS: "5000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (line.trim() === "ready") resolve();
    });
    void exited.then(() => reject(new Error("the bench worker exited before it was ready")));
  });
  if (child.pid) workerPids.add(child.pid);
  return { child, exited };
}

async function runOnWorkers(platform: BenchPlatform, kill: { at: number; signal: NodeJS.Signals } | null) {
  await resetDatabase();
  const fake = await startBenchFake(platform);
  const prefix = `lyceum-bench-${randomBytes(4).toString("hex")}`;
  console.log(
    `\npreparing ${N} ${platform} members (${dbKind}, BullMQ on ${REDIS_URL}, worker child process${kill ? `, ${kill.signal} at ${kill.at}` : ", no kill"})…`,
  );
  const { creatorId, recipients } = await seed(platform, fake);
  // The enqueuing side only: which platforms exist decides the audience; it never sends.
  const placeholder = { platform } as unknown as ChatGateway;
  const runner = new BullMqJobRunner({ redisUrl: REDIS_URL, prefix, workers: false });
  const ctx = context(runner, { [platform]: placeholder });
  await runner.start(ctx);
  let worker = await startWorker(platform, fake, prefix);
  const tracker = new Tracker();
  fake.onArrival = (a) => tracker.arrive(a);
  const killInfo: { at: number; arrivedAtKill: number; exitedAt: number; restartedAt: number } = {
    at: 0,
    arrivedAtKill: 0,
    exitedAt: 0,
    restartedAt: 0,
  };
  let restarted: Promise<void> = Promise.resolve();
  if (kill) {
    tracker.when(Math.floor(N * kill.at), () => {
      const victim = worker;
      killInfo.at = performance.now();
      victim.child.kill(kill.signal);
      restarted = (async () => {
        await victim.exited;
        killInfo.arrivedAtKill = tracker.times.length;
        killInfo.exitedAt = performance.now();
        worker = await startWorker(platform, fake, prefix);
        killInfo.restartedAt = performance.now();
      })();
    });
  }
  const requestsBefore = fake.requests();
  peakRss = 0;
  peakWorkerRss = 0;
  const broadcastId = await broadcast(ctx, creatorId, tracker);
  const doneAt = await waitDone(broadcastId, tracker);
  await restarted;
  const result = await collect(platform, fake, tracker, recipients, broadcastId, doneAt, requestsBefore);
  worker.child.kill("SIGTERM");
  await worker.exited;
  await runner.obliterate().catch(() => {});
  await runner.close();
  await fake.close();
  if (kill) {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `  ${kill.signal} at ${s(killInfo.at - tracker.t0)} after confirm (message ${Math.floor(N * kill.at)}); worker gone after ${s(killInfo.exitedAt - killInfo.at)} (${killInfo.arrivedAtKill} arrived by then); new worker ready ${s(killInfo.restartedAt - killInfo.exitedAt)} later`,
    );
  }
  return result;
}

// --- Main

for (const platform of PLATFORMS) {
  if (KILL_AT === null && values.workers) {
    print(await runOnWorkers(platform, null), `${platform}: ${N} recipients on a BullMQ worker, no kill`);
    continue;
  }
  if (KILL_AT === null) {
    print(await runInProcess(platform), `${platform}: ${N} recipients, jobs in process`);
    continue;
  }
  let baseline: RunResult | null = null;
  if (!values["skip-baseline"]) {
    baseline = await runOnWorkers(platform, null);
    print(baseline, `${platform}: ${N} recipients on a BullMQ worker, no kill (baseline)`);
  }
  const killed = await runOnWorkers(platform, { at: KILL_AT, signal: SIGNAL });
  print(killed, `${platform}: ${N} recipients on BullMQ, worker sent ${SIGNAL} at ${KILL_AT} and replaced`);
  if (baseline) {
    const lastOf = (r: RunResult) => (r.tracker.last - r.tracker.t0) / 1000;
    const doneOf = (r: RunResult) => (r.doneAt === null ? Number.NaN : (r.doneAt - r.tracker.t0) / 1000);
    console.log(
      `time lost         ${(lastOf(killed) - lastOf(baseline)).toFixed(1)} s to the last message (${lastOf(killed).toFixed(1)} vs ${lastOf(baseline).toFixed(1)} s), ${(doneOf(killed) - doneOf(baseline)).toFixed(1)} s to DONE (${doneOf(killed).toFixed(1)} vs ${doneOf(baseline).toFixed(1)} s)`,
    );
  }
}

clearInterval(sampler);
await db.close();
process.exit(0);

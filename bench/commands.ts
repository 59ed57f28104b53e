/**
 * Benchmark: the conversation path — members' commands and button presses through the real Telegram adapter into the
 * real database and back — against a minimal grammY + `pg` bot doing the same reads, in the same run.
 *
 *   npm run bench:commands -- [--members 500] [--concurrency 40] [--rates 100,200,300,400] [--seconds 10]
 *                             [--mode webhook|polling|both] [--batch 100] [--reset]
 *
 * Seeds N members (a Telegram account each, 0–3 orders, a paid one with its entitlement), the demo catalog and its
 * answer-helper index (as in a running community: a restart finds it current), starts a minimal fake Bot API
 * (bench/commands-fake.ts), then for each mode runs Lyceum and the baseline one after the other,
 * each in a child process of its own (bench/commands-child.ts) so CPU time, peak RSS and SQL statements are that bot's
 * alone. Webhook mode POSTs updates to the bot's webhook with the secret header; polling mode queues them for the
 * fake's getUpdates. Latency is from the update sent (queued) to the reply's sendMessage arriving at the fake.
 *
 * Phases per bot: a warm-up; each command alone (`--batch` updates) for CPU ms and SQL statements per update; the mix
 * closed loop (`--concurrency` updates in flight, `--seconds`) for updates/s and CPU ms per update; then the mix open loop at each
 * offered rate for `--seconds` (latency percentiles measured from the scheduled send time). The per-command counts
 * are taken with every member seen just now; before the mix, members' last visits are spread over the past minute, so
 * Lyceum's once-a-minute `lastSeenAt` write is in the mix figures at the rate it has in real use. Uses DATABASE_URL when set
 * (refused when it holds data, unless --reset empties it), else an embedded PGlite in a temporary folder (/dev/shm when
 * there is one, i.e. in memory) that each child opens in turn.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Update } from "grammy/types";
import { indexKnowledge } from "../core/assistant/index-knowledge.js";
import { openDatabase } from "../prisma/database.js";
import { START_NODE_FLAGS } from "../test/support/start-command.js";
import { type CommandsFake, startCommandsFake } from "./commands-fake.js";
import { FIRST_USER_ID, prepareDatabase, seedMembers, settleDatabase } from "./commands-seed.js";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "500" },
    concurrency: { type: "string", default: "40" },
    rates: { type: "string", default: "100,200,300,400" },
    seconds: { type: "string", default: "10" },
    mode: { type: "string", default: "both" },
    batch: { type: "string", default: "100" },
    reset: { type: "boolean", default: false },
  },
});
const MEMBERS = Number(values.members);
const CONCURRENCY = Number(values.concurrency);
const RATES = values.rates.split(",").map(Number);
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
const MODES: ("webhook" | "polling")[] =
  values.mode === "both" ? ["webhook", "polling"] : [values.mode === "polling" ? "polling" : "webhook"];
const SECRET = "bench_commands_secret_0123456789";
/** An update without a reply by then is counted as lost. */
const REPLY_TIMEOUT_MS = 30_000;
if (!(MEMBERS >= CONCURRENCY && CONCURRENCY >= 1)) throw new Error("--members must be at least --concurrency (≥ 1)");
if (RATES.some((r) => !(r > 0)) || !(SECONDS > 0) || !(BATCH > 0)) throw new Error("bad --rates, --seconds or --batch");

// --- The database: seeded once, opened by each child in turn.
const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = databaseUrl
  ? undefined
  : mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "lyceum-bench-commands-"));
{
  const db = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: path.join(dataDir!, "pglite") });
  await prepareDatabase(db.prisma, values.reset);
  const t0 = performance.now();
  await seedMembers(db.prisma, MEMBERS);
  // A running community's answer-helper index is built: Lyceum's start then finds it current, as a restart does,
  // rather than segmenting the demo material (the Chinese dictionary alone is ~50 MiB a command never needs).
  await indexKnowledge({ prisma: db.prisma });
  console.log(
    `seeded ${MEMBERS} members in ${((performance.now() - t0) / 1000).toFixed(1)} s (${databaseUrl ? "PostgreSQL" : "embedded PGlite"})`,
  );
  await db.close();
}

// --- Updates, and their replies at the fake
type Kind = "/start" | "/help" | "/courses" | "/course N" | "/mycourses" | "/orders" | "button course N";
const KINDS: Kind[] = ["/start", "/help", "/courses", "/course N", "/mycourses", "/orders", "button course N"];
/** The mix: browsing weighs most. */
const MIX: Kind[] = [
  ...Array<Kind>(2).fill("/start"),
  ...Array<Kind>(2).fill("/help"),
  ...Array<Kind>(4).fill("/courses"),
  ...Array<Kind>(3).fill("/course N"),
  ...Array<Kind>(4).fill("button course N"),
  ...Array<Kind>(3).fill("/mycourses"),
  ...Array<Kind>(2).fill("/orders"),
];
let updateId = 1;
let mixIndex = 0;
/** BENCH_ONLY="/course N": every phase sends that one command (to profile it alone with BENCH_CPU_PROF). */
const ONLY = process.env.BENCH_ONLY as Kind | undefined;
if (ONLY && !KINDS.includes(ONLY)) throw new Error(`BENCH_ONLY must be one of: ${KINDS.join(", ")}`);
const nextMixKind = () => ONLY ?? MIX[(mixIndex++ * 7) % MIX.length]!;

function makeUpdate(kind: Kind, member: number): Update {
  const id = FIRST_USER_ID + member;
  const from = { id, is_bot: false, first_name: `Member ${member}`, language_code: "en" };
  const chat = { id, type: "private" as const, first_name: from.first_name };
  const date = Math.floor(Date.now() / 1000);
  const course = 1 + (updateId % 5);
  if (kind === "button course N") {
    return {
      update_id: updateId++,
      callback_query: {
        id: String(updateId),
        from,
        chat_instance: "bench",
        data: `course ${course}`,
        message: { message_id: 1, date, chat, text: "Catalog" },
      },
    } as Update;
  }
  const text = kind === "/course N" ? `/course ${course}` : kind;
  const command = text.split(" ")[0]!;
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date,
      chat,
      from,
      text,
      entities: [{ type: "bot_command", offset: 0, length: command.length }],
    },
  } as Update;
}

const fake: CommandsFake = await startCommandsFake();
const waiting = new Map<number, { resolve: (at: number) => void }[]>();
fake.onReply = (chatId, at) => waiting.get(chatId)?.shift()?.resolve(at);
const agent = new Agent({ keepAlive: true, maxSockets: 2048 });

function post(url: string, update: Update): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify(update);
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-telegram-bot-api-secret-token": SECRET,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", () => resolve());
    req.end(body);
  });
}

/** Sends one update; resolves with the latency (ms from `scheduledAt`) when its reply arrived, or null when lost. */
function send(
  target: string | null,
  kind: Kind,
  member: number,
  scheduledAt = performance.now(),
): Promise<number | null> {
  const update = makeUpdate(kind, member);
  const chatId = FIRST_USER_ID + member;
  const reply = new Promise<number | null>((resolve) => {
    const entry = {
      resolve: (at: number) => {
        clearTimeout(timer);
        resolve(at - scheduledAt);
      },
    };
    const timer = setTimeout(() => {
      const list = waiting.get(chatId);
      const i = list?.indexOf(entry) ?? -1;
      if (i >= 0) list!.splice(i, 1);
      resolve(null);
    }, REPLY_TIMEOUT_MS);
    const list = waiting.get(chatId) ?? [];
    list.push(entry);
    waiting.set(chatId, list);
  });
  if (target === null) {
    fake.push(update);
    return reply;
  }
  return Promise.all([reply, post(target, update)]).then(([latency]) => latency);
}

// --- The bot under test, in a child process
interface Stats {
  cpuMs: number;
  sql: number;
  rss: number;
  peakRss: number;
}
class Child {
  private constructor(
    private readonly process: ChildProcess,
    readonly webhookUrl: string | null,
  ) {}

  static async start(bot: "lyceum" | "baseline", mode: "webhook" | "polling"): Promise<Child> {
    // Compiled JavaScript, as `npm start` runs (the script builds first): under tsx both bots would carry its
    // transpiler's memory and start-up. BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there (open it in
    // Chrome DevTools or speedscope).
    const child = fork("dist/bench/commands-child.js", [], {
      execArgv: [
        ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...(process.env.BENCH_HEAP_LOG ? ["--expose-gc"] : []),
        // Lyceum runs with the options `npm start` gives it (package.json); BENCH_LYCEUM_NODE_FLAGS="…": more V8
        // settings tried on Lyceum's process only (later ones win).
        ...(bot === "lyceum"
          ? [...START_NODE_FLAGS, ...(process.env.BENCH_LYCEUM_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean)]
          : []),
      ],
      env: {
        ...process.env,
        BENCH_BOT: bot,
        BENCH_MODE: mode,
        BENCH_API_ROOT: fake.apiRoot,
        BENCH_SECRET: SECRET,
        ...(dataDir ? { BENCH_DATA_DIR: dataDir } : {}),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const ready = await new Promise<{ webhookUrl: string | null }>((resolve, reject) => {
      child.once("message", (m) => resolve(m as { webhookUrl: string | null }));
      child.once("exit", (code) => reject(new Error(`${bot} exited with ${code} before it was ready`)));
    });
    return new Child(child, ready.webhookUrl);
  }

  stats(): Promise<Stats> {
    return new Promise((resolve) => {
      this.process.once("message", (m) => resolve(m as Stats));
      this.process.send({ type: "stats" });
    });
  }

  /** Lyceum: last visits spread over the past minute (its lastSeenAt write then comes at a steady rate). */
  stagger(): Promise<void> {
    return new Promise((resolve) => {
      this.process.once("message", () => resolve());
      this.process.send({ type: "stagger" });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.process.once("exit", () => resolve());
      this.process.send({ type: "stop" });
    });
  }
}

interface Run {
  updates: number;
  lost: number;
  seconds: number;
  latencies: number[];
  cpuMs: number;
  sql: number;
}

/** Closed loop: `concurrency` workers, each with its own members (one update of a member in flight at a time). */
async function closedLoop(
  child: Child,
  next: () => Kind,
  limit: { updates?: number; seconds?: number },
  concurrency = CONCURRENCY,
): Promise<Run> {
  const before = await child.stats();
  const latencies: number[] = [];
  let sent = 0;
  let lost = 0;
  const started = performance.now();
  const deadline = started + (limit.seconds ?? Number.POSITIVE_INFINITY) * 1000;
  const more = () => sent < (limit.updates ?? Number.POSITIVE_INFINITY) && performance.now() < deadline;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let round = 0;
      while (more()) {
        sent += 1;
        const member = (w + concurrency * round++) % MEMBERS;
        const latency = await send(child.webhookUrl, next(), member);
        if (latency === null) lost += 1;
        else latencies.push(latency);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await child.stats();
  return { updates: sent, lost, seconds, latencies, cpuMs: after.cpuMs - before.cpuMs, sql: after.sql - before.sql };
}

/** Open loop: updates at a fixed offered rate whatever the answers; latency from each one's scheduled time. */
async function openLoop(child: Child, rate: number): Promise<Run> {
  const before = await child.stats();
  const total = Math.round(rate * SECONDS);
  const pending: Promise<number | null>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const at = started + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(child.webhookUrl, nextMixKind(), i % MEMBERS, at));
  }
  const results = await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const after = await child.stats();
  const latencies = results.filter((r): r is number => r !== null);
  return {
    updates: total,
    lost: total - latencies.length,
    seconds,
    latencies,
    cpuMs: after.cpuMs - before.cpuMs,
    sql: after.sql - before.sql,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const ms = (n: number) => (Number.isNaN(n) ? "–" : n < 10 ? n.toFixed(1) : n.toFixed(0));

interface BotResult {
  sqlByKind: Map<Kind, number>;
  cpuByKind: Map<Kind, number>;
  closed: Run;
  open: Map<number, Run>;
  peakRss: number;
  /** The machine's 1-minute load average when this bot's run began (other work on the machine skews the figures). */
  load: number;
}

async function measure(bot: "lyceum" | "baseline", mode: "webhook" | "polling"): Promise<BotResult> {
  // What the previous bot wrote (Lyceum's activity events and last visits) is vacuumed and checkpointed first, so
  // neither bot pays for the other's background work. (The embedded database is opened by one process at a time.)
  if (databaseUrl) {
    const db = await openDatabase({ url: databaseUrl, migrate: false });
    await settleDatabase(db.prisma);
    await db.close();
  }
  const load = loadavg()[0]!;
  const child = await Child.start(bot, mode);
  await closedLoop(child, nextMixKind, { updates: 300 }); // warm-up: JIT, pool connections
  const sqlByKind = new Map<Kind, number>();
  const cpuByKind = new Map<Kind, number>();
  for (const kind of KINDS) {
    const run = await closedLoop(child, () => kind, { updates: BATCH });
    sqlByKind.set(kind, run.sql / run.updates);
    cpuByKind.set(kind, run.cpuMs / run.updates);
  }
  await child.stagger();
  const closed = await closedLoop(child, nextMixKind, { seconds: SECONDS });
  const open = new Map<number, Run>();
  for (const rate of RATES) open.set(rate, await openLoop(child, rate));
  const { peakRss } = await child.stats();
  await child.stop();
  return { sqlByKind, cpuByKind, closed, open, peakRss, load };
}

const label = { lyceum: "Lyceum", baseline: databaseUrl ? "grammY+pg" : "grammY+PGlite" };
for (const mode of MODES) {
  console.log(
    `\n=== ${mode} mode: ${MEMBERS} members, ${CONCURRENCY} in flight (closed loop), ${SECONDS} s per phase, ${databaseUrl ? "PostgreSQL" : "embedded PGlite"}`,
  );
  const results = { lyceum: await measure("lyceum", mode), baseline: await measure("baseline", mode) };
  const row = (name: string, cells: string[]) =>
    console.log(`${name.padEnd(22)}${cells.map((c) => c.padStart(14)).join("")}`);
  row("", [label.lyceum, label.baseline, "ratio"]);
  const pair = (f: (r: BotResult) => number, digits = 1) => {
    const a = f(results.lyceum);
    const b = f(results.baseline);
    return [a.toFixed(digits), b.toFixed(digits), (a / b).toFixed(2)];
  };
  const closedRate = (r: BotResult) => r.closed.updates / r.closed.seconds;
  row("closed loop updates/s", pair(closedRate, 0));
  for (const p of [50, 95, 99]) {
    row(
      `  p${p} ms`,
      pair((r) =>
        percentile(
          [...r.closed.latencies].sort((x, y) => x - y),
          p,
        ),
      ),
    );
  }
  row(
    "CPU ms per update",
    pair((r) => r.closed.cpuMs / r.closed.updates, 2),
  );
  for (const kind of KINDS)
    row(
      `  ${kind}`,
      pair((r) => r.cpuByKind.get(kind)!, 2),
    );
  row(
    "SQL per update (mix)",
    pair((r) => r.closed.sql / r.closed.updates),
  );
  for (const kind of KINDS)
    row(
      `  ${kind}`,
      pair((r) => r.sqlByKind.get(kind)!),
    );
  row(
    "peak RSS MiB",
    pair((r) => r.peakRss / 2 ** 20, 0),
  );
  row(
    `load avg (${cpus().length} CPUs)`,
    pair((r) => r.load),
  );
  console.log("open loop (offered rate: achieved/s, p50 / p95 / p99 ms, lost)");
  for (const rate of RATES) {
    const cells = (["lyceum", "baseline"] as const).map((bot) => {
      const run = results[bot].open.get(rate)!;
      const sorted = [...run.latencies].sort((x, y) => x - y);
      const achieved = run.latencies.length / run.seconds;
      return `${label[bot]} ${achieved.toFixed(0)}/s ${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))} / ${ms(percentile(sorted, 99))}${run.lost ? ` lost ${run.lost}` : ""}`;
    });
    console.log(`  ${String(rate).padStart(5)}/s   ${cells.join("   |   ")}`);
  }
  const lost = results.lyceum.closed.lost + results.baseline.closed.lost;
  if (lost) console.log(`closed loop: ${lost} updates without a reply within ${REPLY_TIMEOUT_MS / 1000} s`);
  console.log(
    `(fake Bot API calls so far: ${Object.entries(fake.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")})`,
  );
}

await fake.close();
agent.destroy();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

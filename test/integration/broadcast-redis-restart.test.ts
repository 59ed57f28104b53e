/**
 * Broadcasts on BullMQ while Redis restarts underneath them (issue 5). Each test starts its own `redis-server` on a
 * free port with a temporary data directory, stops it (SIGTERM) while a broadcast is a third of the way through, and
 * starts it again on the same port:
 * - with an append-only file fsynced on every write, as a production Redis with persistence: the queue comes back;
 * - with the directory wiped, as a Redis without persistence: the queue comes back empty and only the delivery rows in
 *   the database know what is left.
 * Whatever happens, every reachable recipient gets the message once, the broadcast finishes with a correct tally, and
 * the delivery rows agree with what the platform received.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../core/context.js";
import { confirmBroadcast } from "../../core/messaging/confirm-broadcast.js";
import { createBroadcast } from "../../core/messaging/create-broadcast.js";
import { BullMqJobRunner } from "../../jobs/bullmq-runner.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";
import { randomPrefix } from "../support/redis.js";

const REDIS_SERVER = "/usr/bin/redis-server";
const MEMBERS = Array.from({ length: 35 }, (_, i) => `m${i + 1}`);
/** Members who blocked the bot: unreachable, never sent to, counted as such in the tally. */
const BLOCKED = ["m7", "m21"];
const RECIPIENTS = [CREATOR, ...MEMBERS];
const REACHABLE = RECIPIENTS.filter((name) => !BLOCKED.includes(name));
/** Redis goes down while the sender is handing this message (a third of the way) to the platform. */
const STOP_AT_SEND = Math.floor(RECIPIENTS.length / 3);
const LOCK_MS = 1000;
const SWEEP_EVERY_MS = 200;
const TEXT = "Cohort 3 opens today";
/** A member in quiet hours: the message waits for them to end, and only the periodic sweep sends it then. */
const QUIET = "m5";

// --- A redis-server of our own

interface RedisServer {
  readonly url: string;
  /** SIGTERM, and wait for the process to exit (with AOF, everything acknowledged is on disk by then). */
  stop(): Promise<void>;
  /** Starts again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it for good and deletes its directory; safe to call twice and after a failure. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function startRedisServer(options: { persistent: boolean }): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), "lyceum-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no"];
  args.push(...(options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = "";

  const start = async () => {
    log = "";
    const proc = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("Ready to accept connections")) resolve();
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}`)));
      proc.once("error", reject);
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    async start() {
      // Without persistence, a restarted Redis is an empty one: make sure nothing was left on disk either.
      if (!options.persistent) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir);
      }
      await start();
    },
    async destroy() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- The tests

describe("broadcast on BullMQ survives a Redis restart", () => {
  let h: Harness;
  let redis: RedisServer | null = null;
  let runner: BullMqJobRunner | null = null;
  let release: () => void = () => {};

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    for (const name of RECIPIENTS) await h.say(name, "/start");
    for (const name of BLOCKED) h.gateway.blocked.add(name);
    h.gateway.sent.length = 0;
  });
  afterEach(async () => {
    release();
    h.gateway.beforeSend = null;
    // A graceful close waits for running handlers; if Redis is down for good after a failure, do not hang on it.
    const closing = runner?.close().catch(() => {});
    await Promise.race([closing, pause(5000)]);
    if (runner) await runner.crash().catch(() => {});
    runner = null;
    await redis?.destroy();
    redis = null;
  });

  /** A worker as `createApp` builds it: BullMQ runner, and the periodic messaging sweep scheduled in Redis. */
  const worker = async (url: string) => {
    runner = new BullMqJobRunner({ redisUrl: url, prefix: randomPrefix(), lockDurationMs: LOCK_MS });
    const ctx: CoreContext = { ...h.ctx, jobs: runner };
    await runner.start(ctx);
    // The product adds no listener to its queue's connection; without one every failed reconnect is printed here.
    runner.queue.on("error", () => {});
    await runner.every(MESSAGING_SWEEP_JOB, SWEEP_EVERY_MS);
    return { runner, ctx };
  };

  const confirm = async (ctx: CoreContext) => {
    const creator = await h.memberId(CREATOR);
    const draft = await createBroadcast(ctx, { staffMemberId: creator, text: TEXT });
    if (!draft.ok) throw new Error("draft refused");
    const confirmed = await confirmBroadcast(ctx, { staffMemberId: creator, broadcastId: draft.broadcastId });
    expect(confirmed).toEqual({ ok: true, recipients: RECIPIENTS.length });
    return draft.broadcastId;
  };

  /**
   * Redis goes down while the STOP_AT_SEND-th message is being handed to the platform; that send waits (a slow
   * platform call) until `whileHeld` — run once Redis is down — says it may go on.
   */
  const stopRedisMidSend = (server: RedisServer, whileHeld: () => Promise<void>) => {
    let sends = 0;
    const state = { held: null as string | null, outage: null as Promise<void> | null };
    h.gateway.beforeSend = async (account) => {
      sends += 1;
      if (sends !== STOP_AT_SEND || state.held) return;
      state.held = account.externalId;
      let go: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        go = resolve;
      });
      release = go;
      state.outage = (async () => {
        await server.stop();
        await whileHeld();
      })().finally(go);
      await released;
    };
    return state;
  };

  const copies = () => {
    const counts = new Map<string, number>();
    for (const s of h.gateway.sent) if (s.text.includes(TEXT)) counts.set(s.to, (counts.get(s.to) ?? 0) + 1);
    return counts;
  };
  const deliveries = (broadcastId: number) =>
    h.db.prisma.delivery.findMany({ where: { broadcastId }, include: { account: { select: { externalId: true } } } });
  const status = async (id: number) => (await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id } })).status;
  const tallies = () => h.gateway.messagesTo(CREATOR).filter((t) => t.startsWith("📣"));
  const sentRows = (id: number) => h.db.prisma.delivery.count({ where: { broadcastId: id, status: "SENT" } });
  /** QUIET's quiet hours start now and last two hours (the broadcast is not urgent). */
  const quietNow = async () => {
    const hour = h.clock.now().getUTCHours();
    await h.say(QUIET, `/quiet ${hour} ${(hour + 2) % 24} UTC`);
  };
  /** After quiet hours: the sweep (scheduled in Redis) has to notice the row is due and kick the sender. */
  const endQuietHours = () => h.clock.advanceDays(3 / 24);

  /** Once each reachable recipient, never a blocked one; the rows say the same; one tally, with the right numbers. */
  const expectDeliveredOnce = async (broadcastId: number) => {
    const counts = copies();
    expect([...counts.keys()].sort()).toEqual([...REACHABLE].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const rows = await deliveries(broadcastId);
    expect(rows).toHaveLength(RECIPIENTS.length);
    const byStatus = (s: string) =>
      rows
        .filter((r) => r.status === s)
        .map((r) => r.account.externalId)
        .sort();
    expect(byStatus("SENT")).toEqual([...REACHABLE].sort());
    expect(byStatus("UNREACHABLE")).toEqual([...BLOCKED].sort());
    expect(rows.every((r) => r.status === "SENT" || r.status === "UNREACHABLE")).toBe(true);
    expect(await status(broadcastId)).toBe("DONE");
    expect(tallies()).toEqual([
      `📣 Broadcast #${broadcastId} done: sent ${REACHABLE.length} of ${RECIPIENTS.length}, failed 0, unreachable ${BLOCKED.length}.`,
    ]);
  };

  it("with persistence: the stalled sender job and the sweep schedule come back from the AOF; nobody gets two", async () => {
    redis = await startRedisServer({ persistent: true });
    const server = redis;
    await quietNow();
    const { ctx } = await worker(server.url);
    let id = 0;
    const state = stopRedisMidSend(server, async () => {
      // Down for longer than the job's lock, so the lock kept in the AOF has expired when Redis is back: BullMQ
      // treats the sender job as stalled and runs it again while the first run is still inside this send.
      await pause(LOCK_MS * 2);
      await server.start();
      // The job restored from disk re-runs and sends everyone else due; the held row is claimed, so not among them.
      await until(async () => (await sentRows(id)) === REACHABLE.length - 2, "the re-run sender to send the rest");
    });
    id = await confirm(ctx);
    await until(() => state.outage !== null, "Redis to be stopped");
    await state.outage;
    await until(async () => (await sentRows(id)) === REACHABLE.length - 1, "the held send to be recorded");
    expect(copies().has(QUIET)).toBe(false);
    expect(await status(id)).toBe("SENDING");
    endQuietHours();
    await until(() => tallies().length > 0, "the broadcast to finish and report");
    expect(state.held).not.toBeNull();
    await expectDeliveredOnce(id);
  });

  it("without persistence: Redis comes back empty, the sender in flight finishes from the delivery rows", async () => {
    redis = await startRedisServer({ persistent: false });
    const server = redis;
    const marker = new Redis(server.url, { maxRetriesPerRequest: 1 });
    await marker.set("lyceum-test-marker", "before the restart");
    marker.disconnect();
    const { ctx, runner: jobs } = await worker(server.url);
    const state = stopRedisMidSend(server, async () => {
      await pause(LOCK_MS * 2);
      await server.start();
      // Nothing survived (the runner may already have written its schedules again, so look for our own marker):
      // no sender job either. Only the handler still in this send knows anything.
      const probe = new Redis(server.url, { maxRetriesPerRequest: 1 });
      try {
        expect(await probe.exists("lyceum-test-marker")).toBe(0);
      } finally {
        probe.disconnect();
      }
    });
    const id = await confirm(ctx);
    await until(() => state.outage !== null, "Redis to be stopped");
    await state.outage;
    await until(() => tallies().length > 0, "the broadcast to finish and report");
    await expectDeliveredOnce(id);
    // And the queue works again for the next job.
    await jobs.enqueue(MESSAGING_SWEEP_JOB, {});
    await jobs.idle();
  });
  // The messaging sweep re-enqueues senders for due deliveries, but it runs from a BullMQ job scheduler stored in
  // Redis: a Redis that comes back empty loses it, so the runner writes its schedules again on every reconnect
  // (jobs/bullmq-runner.ts). Without that, a delivery not due while the sender ran (quiet hours here) would wait for
  // some process to restart.
  it("without persistence: a delivery due later is still sent after Redis came back empty (schedules are restored)", async () => {
    redis = await startRedisServer({ persistent: false });
    const server = redis;
    await quietNow();
    const { ctx } = await worker(server.url);
    const state = stopRedisMidSend(server, async () => {
      await pause(LOCK_MS * 2);
      await server.start();
    });
    const id = await confirm(ctx);
    await until(() => state.outage !== null, "Redis to be stopped");
    await state.outage;
    // The sender in flight sends everyone due (as in the test above); only QUIET is left, for later.
    await until(async () => (await sentRows(id)) === REACHABLE.length - 1, "everyone due to be sent");
    expect(await status(id)).toBe("SENDING");
    endQuietHours();
    // A bounded wait of many sweep intervals (a loaded CI machine is slow); with the schedule in place it takes one.
    await until(() => tallies().length > 0, "the sweep to send the held message", SWEEP_EVERY_MS * 50);
    await expectDeliveredOnce(id);
  });
});

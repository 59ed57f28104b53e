/**
 * The job contract (jobs/driver.ts), one suite that both drivers pass: the in-process runner and BullMQ on a real
 * Redis (each test on its own random prefix, removed afterwards).
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type CoreContext, silentLogger } from "../../core/context.js";
import { BullMqJobRunner } from "../../jobs/bullmq-runner.js";
import type { JobDefinition } from "../../jobs/definitions.js";
import type { JobDriver } from "../../jobs/driver.js";
import { UnrecoverableJobError } from "../../jobs/errors.js";
import { InProcessJobRunner } from "../../jobs/in-process-runner.js";
import { REDIS_URL, randomPrefix } from "../support/redis.js";

interface Recorder {
  runs: { name: string; payload: unknown; attempt: number }[];
  concurrent: number;
  maxConcurrent: number;
  gate: Promise<void> | null;
}

function testDefinitions(r: Recorder): JobDefinition<never>[] {
  const record = (name: string) => async (_ctx: CoreContext, payload: unknown, run: { attempt: number }) => {
    r.runs.push({ name, payload, attempt: run.attempt });
  };
  const definitions: JobDefinition<unknown>[] = [
    { name: "test.echo", schema: z.object({ n: z.number() }), attempts: 1, backoffMs: 10, handle: record("test.echo") },
    {
      name: "test.flaky",
      schema: z.object({ failTimes: z.number() }),
      attempts: 3,
      backoffMs: 20,
      async handle(_ctx, payload, run) {
        r.runs.push({ name: "test.flaky", payload, attempt: run.attempt });
        if (run.attempt <= (payload as { failTimes: number }).failTimes) throw new Error("temporary");
      },
    },
    {
      name: "test.hopeless",
      schema: z.object({}),
      attempts: 5,
      backoffMs: 10,
      async handle(_ctx, payload, run) {
        r.runs.push({ name: "test.hopeless", payload, attempt: run.attempt });
        throw new UnrecoverableJobError("names nothing");
      },
    },
    {
      name: "test.slow",
      schema: z.object({ n: z.number() }),
      attempts: 1,
      backoffMs: 10,
      async handle(_ctx, payload, run) {
        r.concurrent += 1;
        r.maxConcurrent = Math.max(r.maxConcurrent, r.concurrent);
        r.runs.push({ name: "test.slow", payload, attempt: run.attempt });
        await (r.gate ?? new Promise((resolve) => setTimeout(resolve, 50)));
        r.concurrent -= 1;
      },
    },
    {
      name: "test.stoppable",
      schema: z.object({}),
      attempts: 1,
      backoffMs: 10,
      async handle(_ctx, payload, run) {
        r.runs.push({ name: "test.stoppable", payload, attempt: run.attempt });
        await new Promise<void>((resolve) => run.signal.addEventListener("abort", () => resolve(), { once: true }));
        r.runs.push({ name: "test.stopped", payload, attempt: run.attempt });
      },
    },
  ];
  return definitions as unknown as JobDefinition<never>[];
}

const ctx = { log: silentLogger } as unknown as CoreContext;

const drivers: [string, (defs: JobDefinition<never>[]) => JobDriver & { obliterate?: () => Promise<void> }][] = [
  ["in-process", (defs) => new InProcessJobRunner(defs)],
  [
    "bullmq",
    (defs) => new BullMqJobRunner({ redisUrl: REDIS_URL, prefix: randomPrefix(), definitions: defs, concurrency: 4 }),
  ],
];

describe.each(drivers)("job contract: %s driver", (_name, make) => {
  let driver: (JobDriver & { obliterate?: () => Promise<void> }) | undefined;
  let r: Recorder;
  const open = async () => {
    r = { runs: [], concurrent: 0, maxConcurrent: 0, gate: null };
    driver = make(testDefinitions(r));
    await driver.start(ctx);
    return driver;
  };
  afterEach(async () => {
    await driver?.obliterate?.();
    await driver?.close();
    driver = undefined;
  });

  it("runs a job with its validated payload, and refuses a bad payload or an unknown job at enqueue", async () => {
    const d = await open();
    await d.enqueue("test.echo", { n: 7 });
    await expect(d.enqueue("test.echo", { n: "seven" })).rejects.toThrow();
    await expect(d.enqueue("test.nothing", {})).rejects.toThrow(/unknown job/);
    await d.idle();
    expect(r.runs).toEqual([{ name: "test.echo", payload: { n: 7 }, attempt: 1 }]);
  });

  it("retries a failing job with backoff until it succeeds, within its attempts", async () => {
    const d = await open();
    await d.enqueue("test.flaky", { failTimes: 2 });
    await d.enqueue("test.flaky", { failTimes: 9 });
    await d.idle();
    const attempts = (failTimes: number) =>
      r.runs.filter((run) => (run.payload as { failTimes: number }).failTimes === failTimes).map((run) => run.attempt);
    expect(attempts(2)).toEqual([1, 2, 3]);
    expect(attempts(9)).toEqual([1, 2, 3]);
  });

  it("does not retry an unrecoverable job", async () => {
    const d = await open();
    await d.enqueue("test.hopeless", {});
    await d.idle();
    expect(r.runs.filter((run) => run.name === "test.hopeless")).toHaveLength(1);
  });

  it("coalesces jobs with one key: one waits, one runs, never two at once", async () => {
    const d = await open();
    let release = () => {};
    r.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await d.enqueue("test.slow", { n: 1 }, { jobId: "k" });
    while (!r.runs.length) await new Promise((resolve) => setTimeout(resolve, 10));
    // While the first runs: several more with the same key make one follow-up.
    for (let n = 2; n <= 5; n += 1) await d.enqueue("test.slow", { n }, { jobId: "k" });
    release();
    r.gate = null;
    await d.idle();
    expect(r.maxConcurrent).toBe(1);
    expect(r.runs.length).toBe(2);
    // Different keys run side by side.
    r.runs.length = 0;
    r.maxConcurrent = 0;
    await Promise.all([1, 2, 3].map((n) => d.enqueue("test.slow", { n }, { jobId: `key-${n}` })));
    await d.idle();
    expect(r.runs.length).toBe(3);
  });

  it("a delayed job waits, and idle() waits for it", async () => {
    const d = await open();
    await d.enqueue("test.echo", { n: 1 }, { delayMs: 150 });
    await d.enqueue("test.echo", { n: 2 });
    await d.idle();
    expect(r.runs.map((run) => (run.payload as { n: number }).n)).toEqual([2, 1]);
  });

  it("a schedule runs the job repeatedly", async () => {
    const d = await open();
    await d.every("test.echo", 100, { n: 42 });
    while (r.runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.runs.slice(0, 2).map((run) => run.payload)).toEqual([{ n: 42 }, { n: 42 }]);
  });

  it("close() aborts the running handler's signal and waits for it to return", async () => {
    const d = await open();
    await d.enqueue("test.stoppable", {});
    while (!r.runs.length) await new Promise((resolve) => setTimeout(resolve, 10));
    await d.obliterate?.().catch(() => {});
    await d.close();
    expect(r.runs.map((run) => run.name)).toEqual(["test.stoppable", "test.stopped"]);
    driver = undefined;
  });
});

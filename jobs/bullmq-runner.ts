/**
 * The BullMQ driver (REDIS_URL): the same job definitions and contract as the in-process runner (jobs/driver.ts),
 * durable in Redis, with workers on as many machines as you like. A process may only enqueue (`workers: false`, the
 * chat front end) or also process jobs (`npm run worker`, or the single-process default).
 *
 * Coalescing keys use BullMQ deduplication with `keepLastIfActive`: one waits, one runs, never two at once.
 * Stalled jobs (a worker killed mid-job) go back to the queue after `lockDurationMs` and run elsewhere.
 */
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { CoreContext } from "../core/context.js";
import { JOBS, type JobDefinition } from "./definitions.js";
import { type JobDriver, withinDeadline } from "./driver.js";
import { UnrecoverableJobError } from "./errors.js";
import { observeJob } from "./job-metrics.js";

export interface BullMqRunnerOptions {
  redisUrl: string;
  /** Redis key prefix; tests use a random one. Default `lyceum`. */
  prefix?: string;
  queueName?: string;
  definitions?: readonly JobDefinition<never>[];
  /** Process jobs in this process (default true). */
  workers?: boolean;
  /** Jobs one worker runs at once (default 4: each platform's sender, the outbox, the sweeps). */
  concurrency?: number;
  /** A killed worker's job runs elsewhere after this long (default 30 s). */
  lockDurationMs?: number;
}

export class BullMqJobRunner implements JobDriver {
  private readonly definitions = new Map<string, JobDefinition<unknown>>();
  private readonly connection: Redis;
  readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;
  private readonly abort = new AbortController();
  private closed = false;
  private closing = false;

  constructor(private readonly options: BullMqRunnerOptions) {
    for (const d of options.definitions ?? JOBS) this.definitions.set(d.name, d as unknown as JobDefinition<unknown>);
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(this.queueName, { connection: this.connection, prefix: this.prefix });
    // Schedules live in Redis: a Redis that comes back empty would lose them (and with them the sweeps that finish
    // held deliveries), so every reconnect writes them again. Upserting is idempotent across processes.
    this.connection.on("ready", () => void this.restoreSchedules());
  }

  private readonly schedules = new Map<string, { everyMs: number; payload: unknown }>();
  private log: CoreContext["log"] | undefined;

  private async restoreSchedules(): Promise<void> {
    for (const [name, schedule] of this.schedules) {
      await this.upsertSchedule(name, schedule.everyMs, schedule.payload).catch((error: Error) =>
        this.log?.warn({ job: name, err: error.message }, "could not restore a job schedule"),
      );
    }
  }

  private get prefix() {
    return this.options.prefix ?? "lyceum";
  }
  private get queueName() {
    return this.options.queueName ?? "jobs";
  }

  async start(ctx: CoreContext): Promise<void> {
    this.log = ctx.log;
    this.queue.on("error", (error) => ctx.log.warn({ err: error.message }, "job queue error"));
    await this.queue.waitUntilReady();
    if (this.options.workers === false) return;
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker(this.queueName, (job: Job) => this.process(ctx, job), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: this.options.concurrency ?? 4,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 5,
    });
    this.worker.on("error", (error) => ctx.log.warn({ err: error.message }, "job worker error"));
    await this.worker.waitUntilReady();
  }

  private async process(ctx: CoreContext, job: Job): Promise<void> {
    const definition = this.definitions.get(job.name);
    if (!definition) throw new UnrecoverableError(`unknown job ${job.name}`);
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad payload for ${job.name}`);
    const started = Date.now();
    const attempt = job.attemptsMade + 1;
    const due = job.timestamp + (job.opts.delay ?? 0);
    try {
      await definition.handle(ctx, parsed.data, { signal: this.abort.signal, attempt });
      observeJob(job.name, "completed", Date.now() - started, started - due);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unrecoverable = error instanceof UnrecoverableJobError;
      const final = unrecoverable || attempt >= definition.attempts;
      observeJob(job.name, unrecoverable ? "unrecoverable" : final ? "failed" : "retried", Date.now() - started, 0);
      ctx.log.error({ job: job.name, attempt, err: message }, "job failed");
      throw unrecoverable ? new UnrecoverableError(message) : error;
    }
  }

  async enqueue(name: string, payload: unknown, options: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown job ${name}`);
    const data = definition.schema.parse(payload);
    if (this.closed) return;
    const key = options.jobId ?? (name.endsWith(".drain") ? name : undefined);
    await this.queue.add(name, data, {
      attempts: definition.attempts,
      backoff: { type: "exponential", delay: definition.backoffMs },
      delay: options.delayMs,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      ...(key ? { deduplication: { id: key, keepLastIfActive: true } } : {}),
    });
  }

  /** A repeatable schedule kept in Redis: every process may call this at start, it stays one schedule. */
  async every(name: string, everyMs: number, payload: unknown = {}): Promise<void> {
    this.schedules.set(name, { everyMs, payload });
    await this.upsertSchedule(name, everyMs, payload);
  }

  private async upsertSchedule(name: string, everyMs: number, payload: unknown): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown job ${name}`);
    await this.queue.upsertJobScheduler(
      `every:${name}`,
      { every: everyMs },
      {
        name,
        data: definition.schema.parse(payload),
        opts: { attempts: definition.attempts, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
      },
    );
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts("waiting", "delayed", "prioritized");
    return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  }

  /**
   * Polls until nothing waits or runs (delayed jobs of schedules excluded), seen twice in a row: a job moving between
   * states (delayed → waiting, active → retry) is not missed. For tests and the console.
   */
  async idle(): Promise<void> {
    let quiet = 0;
    while (quiet < 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      quiet = (await this.busy()) ? 0 : quiet + 1;
    }
  }

  private async busy(): Promise<boolean> {
    const delayed = (await this.queue.getDelayed()).filter((j) => !j.repeatJobKey).length;
    const counts = await this.queue.getJobCounts("waiting", "active", "prioritized", "waiting-children");
    return delayed + Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0) > 0;
  }

  /**
   * Graceful: stop taking jobs, ask running handlers to stop at their next safe point, wait for them (at most
   * `deadlineMs` when given), disconnect. A handler still running at the deadline is left: its job's lock lapses and
   * another worker (or this one's successor) runs it again.
   */
  async close(options: { deadlineMs?: number } = {}): Promise<boolean> {
    if (this.closed || this.closing) return true;
    this.closing = true;
    this.abort.abort();
    // Handlers may still enqueue follow-ups while they stop (another worker takes them): the queue closes last.
    const stopped = await withinDeadline(this.worker?.close() ?? Promise.resolve(), options.deadlineMs);
    this.closed = true;
    if (stopped) await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
    return stopped;
  }

  /** Like a killed process: stops at once, without waiting for running jobs (tests of crash recovery). */
  async crash(): Promise<void> {
    this.closed = true;
    await this.worker?.close(true);
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }

  /** Deletes every key of this queue (tests clean up their random prefix). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }
}

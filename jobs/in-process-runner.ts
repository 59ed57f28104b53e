/**
 * Runs the job definitions inside this process: the default when REDIS_URL is not set. Keeps the contract of
 * jobs/driver.ts (coalescing keys, retries with backoff, unrecoverable errors, schedules, graceful close), minus
 * durability: a job waiting here is lost if the process dies, which is why every job's real state lives in the
 * database (outbox and delivery rows) and the schedules pick it up again after a restart.
 */
import type { CoreContext } from "../core/context.js";
import { JOBS, type JobDefinition } from "./definitions.js";
import { type JobDriver, withinDeadline } from "./driver.js";
import { UnrecoverableJobError } from "./errors.js";
import { observeJob } from "./job-metrics.js";

interface Waiting {
  definition: JobDefinition<unknown>;
  payload: unknown;
  key: string | undefined;
  attempt: number;
  dueAt: number;
  timer: NodeJS.Timeout | null;
}

export class InProcessJobRunner implements JobDriver {
  private ctx: CoreContext | undefined;
  private readonly definitions = new Map<string, JobDefinition<unknown>>();
  private readonly waiting = new Set<Waiting>();
  private readonly waitingByKey = new Map<string, Waiting>();
  private readonly runningKeys = new Set<string>();
  /** A job enqueued while its key runs: started when the running one ends. */
  private readonly followUps = new Map<string, Waiting>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private schedules = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(definitions: readonly JobDefinition<never>[] = JOBS) {
    for (const d of definitions) this.definitions.set(d.name, d as unknown as JobDefinition<unknown>);
  }

  /** Jobs enqueued before start wait for it (the context needs this runner to exist first). */
  async start(ctx: CoreContext): Promise<void> {
    this.ctx = ctx;
    for (const w of this.waiting) this.arm(w);
  }

  async enqueue(name: string, payload: unknown, options: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown job ${name}`);
    const parsed = definition.schema.parse(payload);
    if (this.closed) return;
    // Drains coalesce even without a key: one waiting drain picks up everything written before it runs.
    const key = options.jobId ?? (name.endsWith(".drain") ? name : undefined);
    const dueAt = Date.now() + (options.delayMs ?? 0);
    if (key && this.runningKeys.has(key)) {
      if (!this.followUps.has(key)) {
        this.followUps.set(key, { definition, payload: parsed, key, attempt: 1, dueAt, timer: null });
      }
      return;
    }
    const existing = key ? this.waitingByKey.get(key) : undefined;
    if (existing) return;
    this.add({ definition, payload: parsed, key, attempt: 1, dueAt, timer: null });
  }

  private add(w: Waiting) {
    this.waiting.add(w);
    if (w.key) this.waitingByKey.set(w.key, w);
    this.arm(w);
  }

  private arm(w: Waiting) {
    if (w.timer) clearTimeout(w.timer);
    if (!this.ctx) return;
    w.timer = setTimeout(() => void this.run(w), Math.max(0, w.dueAt - Date.now()));
  }

  private async run(w: Waiting) {
    const ctx = this.ctx;
    if (!ctx || this.closed) return;
    this.waiting.delete(w);
    if (w.key) this.waitingByKey.delete(w.key);
    if (w.key) this.runningKeys.add(w.key);
    this.running += 1;
    const started = Date.now();
    let outcome: "completed" | "failed" | "retried" | "unrecoverable" = "completed";
    try {
      await w.definition.handle(ctx, w.payload, { signal: this.abort.signal, attempt: w.attempt });
    } catch (error) {
      const unrecoverable = error instanceof UnrecoverableJobError;
      const retry = !unrecoverable && w.attempt < w.definition.attempts && !this.closed;
      outcome = unrecoverable ? "unrecoverable" : retry ? "retried" : "failed";
      ctx.log.error(
        { job: w.definition.name, attempt: w.attempt, err: error instanceof Error ? error.message : String(error) },
        "job failed",
      );
      if (retry) {
        const delay = w.definition.backoffMs * 2 ** (w.attempt - 1);
        this.add({ ...w, key: undefined, attempt: w.attempt + 1, dueAt: Date.now() + delay, timer: null });
      }
    } finally {
      observeJob(w.definition.name, outcome, Date.now() - started, started - w.dueAt);
      this.running -= 1;
      if (w.key) {
        this.runningKeys.delete(w.key);
        const next = this.followUps.get(w.key);
        if (next) {
          this.followUps.delete(w.key);
          if (!this.closed) this.add(next);
        }
      }
      this.flushIdle();
    }
  }

  /** Runs `name` with `payload` every `everyMs` (timers do not keep the process alive). */
  async every(name: string, everyMs: number, payload: unknown = {}): Promise<void> {
    const timer = setInterval(() => void this.enqueue(name, payload, { jobId: `every:${name}` }), everyMs);
    timer.unref();
    this.schedules.add(timer);
  }

  async depth(): Promise<number> {
    return this.waiting.size + this.followUps.size;
  }

  /** Resolves when no job is waiting or running (tests, and the console before exiting). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle() {
    return this.waiting.size === 0 && this.running === 0 && this.followUps.size === 0;
  }

  private flushIdle() {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Stops taking jobs, drops the waiting ones (their state is in the database: the schedules and the next start pick
   * it up), aborts running handlers' signals and waits for them to return, at most `deadlineMs` when given.
   */
  async close(options: { deadlineMs?: number } = {}): Promise<boolean> {
    this.closed = true;
    for (const t of this.schedules) clearInterval(t);
    for (const w of this.waiting) if (w.timer) clearTimeout(w.timer);
    this.waiting.clear();
    this.waitingByKey.clear();
    this.followUps.clear();
    this.abort.abort();
    return withinDeadline(this.idle(), options.deadlineMs);
  }
}

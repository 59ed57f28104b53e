/**
 * Runs the job definitions inside this process: the default when REDIS_URL is not set. Jobs with the same `jobId`
 * waiting to run are merged; a failing job is logged and retried with backoff a few times.
 */
import type { CoreContext } from "../core/context.js";
import type { JobScheduler } from "../core/ports.js";
import { JOBS, type JobDefinition } from "./definitions.js";

const MAX_ATTEMPTS = 5;

export class InProcessJobRunner implements JobScheduler {
  private ctx: CoreContext | undefined;
  private readonly definitions = new Map<string, JobDefinition<unknown>>();
  private readonly waiting = new Set<string>();
  private running = 0;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(definitions: readonly JobDefinition<never>[] = JOBS) {
    for (const d of definitions) this.definitions.set(d.name, d as unknown as JobDefinition<unknown>);
  }

  /** Jobs enqueued before start wait for it (the context needs this runner to exist first). */
  start(ctx: CoreContext): void {
    this.ctx = ctx;
    this.flushIdle();
  }

  async enqueue(name: string, payload: unknown, options: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown job ${name}`);
    const parsed = definition.schema.parse(payload);
    // Drains coalesce: one waiting drain picks up everything written before it runs.
    const key = options.jobId ?? (name.endsWith(".drain") ? name : undefined);
    if (key && this.waiting.has(key)) return;
    if (key) this.waiting.add(key);
    this.schedule(definition, parsed, key, options.delayMs ?? 0, 1);
  }

  private schedule(
    definition: JobDefinition<unknown>,
    payload: unknown,
    key: string | undefined,
    delayMs: number,
    attempt: number,
  ) {
    if (this.closed) return;
    this.pending += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(definition, payload, key, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(definition: JobDefinition<unknown>, payload: unknown, key: string | undefined, attempt: number) {
    if (!this.ctx) {
      this.pending -= 1;
      this.schedule(definition, payload, key, 50, attempt);
      return;
    }
    if (key) this.waiting.delete(key);
    this.running += 1;
    try {
      await definition.handle(this.ctx, payload);
    } catch (error) {
      this.ctx.log.error(
        { job: definition.name, attempt, err: error instanceof Error ? error.message : String(error) },
        "job failed",
      );
      if (attempt < MAX_ATTEMPTS) this.schedule(definition, payload, undefined, 2 ** attempt * 500, attempt + 1);
    } finally {
      this.running -= 1;
      this.pending -= 1;
      this.flushIdle();
    }
  }

  /** Runs `name` every `everyMs` (timers do not keep the process alive). */
  every(name: string, everyMs: number): void {
    const timer = setInterval(() => void this.enqueue(name, {}, { jobId: `every:${name}` }), everyMs);
    timer.unref();
  }

  /** Resolves when no job is waiting or running (tests, and the console before exiting). */
  idle(): Promise<void> {
    if (this.pending === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flushIdle() {
    if (this.pending !== 0 || this.running !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.pending -= this.timers.size;
    this.timers.clear();
    this.flushIdle();
  }
}

/**
 * The contract every job driver keeps (the in-process runner and the BullMQ driver pass the same tests in
 * test/integration/jobs-contract.test.ts). What it deliberately leaves out: connections, queue names and anything
 * Redis-specific; core sees only the `JobScheduler` port.
 *
 * - `enqueue` validates the payload against the job's zod schema and throws on a bad one (nothing is queued).
 * - A `jobId` is a coalescing key: at most one job with that key waits and at most one runs; two never run at once.
 *   Enqueuing while one waits merges into it (it keeps its own delay); enqueuing while one runs queues one follow-up.
 * - A failing job is retried with exponential backoff up to its definition's `attempts`; an
 *   `UnrecoverableJobError` (or a payload that no longer parses) stops at once.
 * - `every` makes a schedule that survives restarts of the driver (BullMQ keeps it in Redis).
 * - `close` stops taking jobs, asks running handlers to stop (their `signal` aborts) and waits for them — at most
 *   `deadlineMs` when given: it then resolves `false` and leaves them (what they had claimed is settled by the next
 *   run: a delivery row's lease, an outbox item's `runAfter`, a BullMQ job's lock).
 */
import type { CoreContext } from "../core/context.js";
import type { JobScheduler } from "../core/ports.js";

/** Resolves `true` when `work` settles within `deadlineMs` (no deadline: waits), `false` when the deadline came first. */
export async function withinDeadline(work: Promise<unknown>, deadlineMs: number | undefined): Promise<boolean> {
  if (deadlineMs === undefined) {
    await work;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadlineMs));
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface JobDriver extends JobScheduler {
  /** Starts processing with this context (jobs enqueued before wait for it). */
  start(ctx: CoreContext): Promise<void>;
  /** A repeatable schedule: the job `name` with an empty payload every `everyMs`. */
  every(name: string, everyMs: number, payload?: unknown): Promise<void>;
  /** Resolves when nothing is waiting (delays included, schedules excluded) or running. */
  idle(): Promise<void>;
  /** Jobs waiting or delayed, per queue, for the metrics endpoint. */
  depth(): Promise<number>;
  /** Graceful stop; `true` when every running handler returned (within `deadlineMs`, when given). */
  close(options?: { deadlineMs?: number }): Promise<boolean>;
}

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
 * - `close` stops taking jobs, asks running handlers to stop (their `signal` aborts) and waits for them.
 */
import type { CoreContext } from "../core/context.js";
import type { JobScheduler } from "../core/ports.js";

export interface JobDriver extends JobScheduler {
  /** Starts processing with this context (jobs enqueued before wait for it). */
  start(ctx: CoreContext): Promise<void>;
  /** A repeatable schedule: the job `name` with an empty payload every `everyMs`. */
  every(name: string, everyMs: number, payload?: unknown): Promise<void>;
  /** Resolves when nothing is waiting (delays included, schedules excluded) or running. */
  idle(): Promise<void>;
  /** Jobs waiting or delayed, per queue, for the metrics endpoint. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The jobs: a name, a zod schema of the payload, and a thin handler that calls core. The same definitions run in
 * process (the single-machine default) and, later, on BullMQ workers.
 */
import { z } from "zod";
import { expireEntitlements } from "../core/access/expire-entitlements.js";
import { drainOutbox, OUTBOX_DRAIN_JOB } from "../core/access/outbox.js";
import { reconcileAllGates } from "../core/access/reconcile-gates.js";
import type { CoreContext } from "../core/context.js";
import { runOutboxMessage } from "../core/messaging/run-outbox-message.js";

export interface JobDefinition<T> {
  name: string;
  schema: z.ZodType<T>;
  handle(ctx: CoreContext, payload: T): Promise<void>;
}

export const ACCESS_SWEEP_JOB = "access.sweep";

export const drainOutboxJob: JobDefinition<Record<string, never>> = {
  name: OUTBOX_DRAIN_JOB,
  schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  async handle(ctx) {
    await drainOutbox(ctx, runOutboxMessage);
  },
};

/** Expiry and the reconciler sweep: revokes what has ended, then repairs every gate against the platform. */
export const accessSweepJob: JobDefinition<Record<string, never>> = {
  name: ACCESS_SWEEP_JOB,
  schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  async handle(ctx) {
    await expireEntitlements(ctx);
    await drainOutbox(ctx, runOutboxMessage);
    await reconcileAllGates(ctx);
  },
};

export const JOBS: readonly JobDefinition<never>[] = [
  drainOutboxJob,
  accessSweepJob,
] as unknown as JobDefinition<never>[];

/**
 * GET /metrics in Prometheus text format: job counts, durations and waits (jobs/job-metrics.ts), queue depth,
 * delivery rows by status, and what the senders did (sent, failed, unreachable, 429s) since this process started.
 */
import type { FastifyInstance } from "fastify";
import { Gauge } from "prom-client";
import type { CoreContext } from "../../core/context.js";
import { deliveryStats } from "../../core/messaging/delivery-stats.js";
import { metricsRegistry } from "../../jobs/job-metrics.js";

let queueDepth: (() => Promise<number>) | null = null;

/** The job driver tells the metrics how deep its queue is (set by bots/app.ts). */
export function setQueueDepthSource(source: () => Promise<number>): void {
  queueDepth = source;
}

let ctxForMetrics: CoreContext | null = null;

new Gauge({
  name: "lyceum_queue_depth",
  help: "Jobs waiting or delayed",
  registers: [metricsRegistry],
  async collect() {
    this.set(queueDepth ? await queueDepth().catch(() => -1) : 0);
  },
});

new Gauge({
  name: "lyceum_deliveries",
  help: "Delivery rows by kind and status",
  labelNames: ["kind", "status"] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!ctxForMetrics) return;
    const rows = await ctxForMetrics.prisma.delivery.groupBy({ by: ["kind", "status"], _count: { _all: true } });
    for (const row of rows) this.set({ kind: row.kind, status: row.status }, row._count._all);
  },
});

new Gauge({
  name: "lyceum_sender_messages_total",
  help: "Messages the senders handled in this process, by platform and outcome (rate_limited = 429 answers)",
  labelNames: ["platform", "outcome"] as const,
  registers: [metricsRegistry],
  collect() {
    for (const [platform, outcome, count] of deliveryStats.rows()) this.set({ platform, outcome }, count);
  },
});

export function registerMetrics(app: FastifyInstance, ctx: CoreContext): void {
  ctxForMetrics = ctx;
  app.get("/metrics", async (_request, reply) => {
    reply.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}

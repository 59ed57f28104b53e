/**
 * GET /metrics in Prometheus text format: job counts, durations and waits (jobs/job-metrics.ts), queue depth,
 * delivery rows by status, and what the senders did (sent, failed, unreachable, 429s) since this process started.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
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

/**
 * Mounts `GET /metrics`. With `token`, only a request carrying `Authorization: Bearer <token>` is answered (401
 * otherwise): how metrics are served on the public listener. Without it, anyone who reaches the listener may read
 * them: use that only on the metrics listener (METRICS_HOST, METRICS_PORT).
 */
export function registerMetrics(app: FastifyInstance, ctx: CoreContext, options: { token?: string } = {}): void {
  ctxForMetrics = ctx;
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  app.get("/metrics", async (request, reply) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? "");
      // Compared in constant time: the token must not leak one character at a time through response timing.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).header("www-authenticate", "Bearer").send({ error: "metrics need a bearer token" });
      }
    }
    reply.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}

/**
 * A listener of its own for `/metrics` (METRICS_HOST:METRICS_PORT, loopback by default), apart from the public one;
 * METRICS_TOKEN, when set, is asked for here too. Returns the listening server; a failure to listen is only a warning
 * (metrics are not what the product is for).
 */
export async function startMetricsListener(
  ctx: CoreContext,
  options: { host: string; port: number; token?: string },
): Promise<FastifyInstance | null> {
  const server = Fastify();
  registerMetrics(server, ctx, { token: options.token });
  try {
    const address = await server.listen({ host: options.host, port: options.port });
    ctx.log.info({ metrics: `${address}/metrics` }, "metrics listener started");
    return server;
  } catch (error) {
    ctx.log.warn({ err: error, host: options.host, port: options.port }, "metrics listener not started");
    await server.close().catch(() => {});
    return null;
  }
}

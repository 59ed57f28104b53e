/**
 * Benchmark: Stripe webhooks into a real database through the real HTTP server.
 *
 *   npm run bench:webhooks -- [--orders 500] [--concurrency 8]
 *
 * Creates N orders, completes each checkout on the local Stripe fake, then POSTs every signed
 * checkout.session.completed event (and each one a second time, as Stripe's at-least-once delivery may) with the
 * given concurrency. Prints throughput, latency percentiles, memory, and checks the money/access invariants:
 * exactly one payment and one entitlement per order, duplicates answered as such. Uses DATABASE_URL when set,
 * otherwise the embedded database in memory.
 */
import { parseArgs } from "node:util";
import { buildHttpServer } from "../bots/http/server.js";
import { createStripeProvider } from "../bots/stripe/stripe-provider.js";
import { createOrder } from "../core/commerce/create-order.js";
import { startCheckout } from "../core/commerce/start-checkout.js";
import { type CoreContext, defaultCoreConfig, silentLogger } from "../core/context.js";
import { systemClock } from "../core/ports.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import { openDatabase } from "../prisma/database.js";
import { seedDemoCatalog } from "../prisma/seed.js";
import { signStripeEvent, startStripeFake } from "../test/fakes/stripe-fake.js";

const { values } = parseArgs({
  options: { orders: { type: "string", default: "500" }, concurrency: { type: "string", default: "8" } },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const SECRET = "whsec_bench";

const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: "memory://" });
if (process.env.DATABASE_URL) {
  // A clean slate on a server database: the benchmark's own rows only.
  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  await db.prisma.$executeRawUnsafe(
    `TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`,
  );
}
await seedDemoCatalog(db.prisma);
const stripe = await startStripeFake();
const jobs = new InProcessJobRunner();
const ctx: CoreContext = {
  prisma: db.prisma,
  sql: db.sql,
  clock: systemClock,
  config: defaultCoreConfig,
  log: silentLogger,
  jobs,
  payments: {
    stripe: createStripeProvider({ secretKey: "sk_test_bench", webhookSecret: SECRET, apiBase: stripe.apiBase }),
  },
  gateways: {},
};
jobs.start(ctx);
const http = buildHttpServer(ctx);
const base = await http.listen({ host: "127.0.0.1", port: 0 });

console.log(`preparing ${ORDERS} orders (${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})…`);
const bodies: { body: string; signature: string }[] = [];
for (let i = 0; i < ORDERS; i += 1) {
  const member = await db.prisma.member.create({ data: { displayName: `m${i}`, referralCode: `B${i}` } });
  const order = await createOrder(ctx, { memberId: member.id, productId: 1 });
  await startCheckout(ctx, { orderId: order.id, locale: "en" });
  const { checkoutRef } = await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
  bodies.push(signStripeEvent(stripe.completeCheckout(checkoutRef!), SECRET));
}
const deliveries = [...bodies, ...bodies]; // every event twice

const latencies: number[] = [];
const outcomes = new Map<string, number>();
let next = 0;
const stripeRequestsBefore = stripe.requests.length;
const started = performance.now();
async function worker() {
  while (next < deliveries.length) {
    const delivery = deliveries[next++]!;
    const t0 = performance.now();
    const response = await fetch(`${base}/webhooks/stripe`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
      body: delivery.body,
    });
    const json = (await response.json()) as { outcome?: string };
    latencies.push(performance.now() - t0);
    const key = `${response.status} ${json.outcome ?? ""}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (performance.now() - started) / 1000;
await jobs.idle();

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const payments = await db.prisma.payment.count();
const entitlements = await db.prisma.entitlement.count();
const paid = await db.prisma.order.count({ where: { status: "PAID" } });
console.log(
  `deliveries        ${deliveries.length} (${ORDERS} events, each delivered twice), concurrency ${CONCURRENCY}`,
);
console.log(`throughput        ${(deliveries.length / seconds).toFixed(0)} deliveries/s`);
console.log(`latency ms        p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`);
console.log(
  `memory            rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
const reads = stripe.requests.length - stripeRequestsBefore;
// Each event is applied from Stripe's current state: the reads it costs, against Stripe's 100 reads/s live limit.
console.log(`stripe reads      ${reads} (${(reads / ORDERS).toFixed(1)} per new event, 0 per repeat)`);
console.log(`outcomes          ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(", ")}`);
console.log(
  `invariants        orders paid ${paid}/${ORDERS}, payments ${payments}, entitlements ${entitlements} (each must equal ${ORDERS})`,
);
console.log(
  `against Stripe    it wants a fast 2xx and retries for 3 days; p99 ${pct(99)} ms is ${(Number(pct(99)) / 1000).toFixed(3)} s`,
);
const ok = paid === ORDERS && payments === ORDERS && entitlements === ORDERS;
await http.close();
await stripe.close();
await jobs.close();
await db.close();
process.exit(ok ? 0 : 1);

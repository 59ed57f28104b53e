/**
 * Broadcasts on BullMQ against a real Redis: a worker killed mid-send and a worker stopped gracefully mid-way; a new
 * worker finishes the broadcast and nobody gets it twice.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../core/context.js";
import { confirmBroadcast } from "../../core/messaging/confirm-broadcast.js";
import { createBroadcast } from "../../core/messaging/create-broadcast.js";
import { OUTCOME_UNKNOWN } from "../../core/messaging/send-deliveries.js";
import { BullMqJobRunner } from "../../jobs/bullmq-runner.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";
import { REDIS_URL, randomPrefix } from "../support/redis.js";

const MEMBERS = Array.from({ length: 16 }, (_, i) => `m${i + 1}`);
const TEXT = "Course launch";

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("broadcast on BullMQ survives its worker", () => {
  let h: Harness;
  let runners: BullMqJobRunner[] = [];
  let prefix = "";
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    for (const name of [CREATOR, ...MEMBERS]) await h.say(name, "/start");
    h.gateway.sent.length = 0;
    prefix = randomPrefix();
  });
  afterEach(async () => {
    await runners[0]?.obliterate().catch(() => {});
    for (const r of runners) await r.close().catch(() => {});
    runners = [];
  });

  const worker = async () => {
    const runner = new BullMqJobRunner({ redisUrl: REDIS_URL, prefix, lockDurationMs: 1000 });
    const ctx: CoreContext = { ...h.ctx, jobs: runner };
    await runner.start(ctx);
    runners.push(runner);
    return { runner, ctx };
  };
  const start = async (ctx: CoreContext) => {
    const creator = await h.memberId(CREATOR);
    const draft = await createBroadcast(ctx, { staffMemberId: creator, text: TEXT });
    if (!draft.ok) throw new Error("draft refused");
    const confirmed = await confirmBroadcast(ctx, { staffMemberId: creator, broadcastId: draft.broadcastId });
    expect(confirmed).toEqual({ ok: true, recipients: MEMBERS.length + 1 });
    return draft.broadcastId;
  };
  const copies = () => {
    const counts = new Map<string, number>();
    for (const s of h.gateway.sent) if (s.text.includes(TEXT)) counts.set(s.to, (counts.get(s.to) ?? 0) + 1);
    return counts;
  };
  const done = (id: number) => async () =>
    (await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id } })).status === "DONE";

  it("a worker killed mid-send: another finishes, nobody gets two, the unknown one is reported failed", async () => {
    const a = await worker();
    let sends = 0;
    let crashed: string | null = null;
    h.gateway.beforeSend = async (account) => {
      sends += 1;
      if (sends === 6 && !crashed) {
        crashed = account.externalId;
        void a.runner.crash();
        await new Promise(() => {}); // this process "died" while the request was in flight
      }
    };
    const id = await start(a.ctx);
    await until(async () => crashed !== null, "the crash");
    const b = await worker();
    // The stalled job comes back to the new worker; everyone not in flight is sent.
    await until(
      async () => (await h.db.prisma.delivery.count({ where: { broadcastId: id, status: "SENT" } })) === MEMBERS.length,
      "the rest sent",
    );
    // After the in-flight row's lease, the sweep settles it without sending it again.
    h.clock.advanceDays(1 / 24);
    await b.ctx.jobs.enqueue(MESSAGING_SWEEP_JOB, {});
    await until(done(id), "the broadcast to finish");

    const counts = copies();
    expect(Math.max(...counts.values())).toBe(1);
    expect(counts.has(crashed!)).toBe(false);
    expect(counts.size).toBe(MEMBERS.length);
    const unknown = await h.db.prisma.delivery.findMany({ where: { broadcastId: id, status: "FAILED" } });
    expect(unknown.map((d) => d.lastError)).toEqual([OUTCOME_UNKNOWN]);
    // The tally goes out through the outbox just after the broadcast is marked done.
    await until(async () => h.gateway.messagesTo(CREATOR).some((t) => t.startsWith("📣")), "the creator's tally");
    expect(h.gateway.messagesTo(CREATOR).find((t) => t.startsWith("📣"))).toContain("failed 1");
  });

  it("a worker stopped gracefully mid-way: the message in flight is recorded, a new worker sends the rest once", async () => {
    const a = await worker();
    let sends = 0;
    let closing: Promise<unknown> | null = null;
    h.gateway.beforeSend = () => {
      sends += 1;
      if (sends === 5) closing = a.runner.close();
    };
    const id = await start(a.ctx);
    await until(async () => closing !== null, "the stop");
    await closing;
    const sentBefore = await h.db.prisma.delivery.count({ where: { broadcastId: id, status: "SENT" } });
    expect(sentBefore).toBe(5);
    await worker();
    await until(done(id), "the broadcast to finish");
    const counts = copies();
    expect(counts.size).toBe(MEMBERS.length + 1);
    expect(Math.max(...counts.values())).toBe(1);
  });
});

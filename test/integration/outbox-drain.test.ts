/**
 * The outbox drain job through the real in-process runner: a burst larger than one drain's share is carried out in
 * full by the drains that follow, without waiting for the periodic sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kickOutbox } from "../../core/access/outbox.js";
import { createHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe("outbox drain", () => {
  it("carries out a burst of 520 notices, more than one drain takes, with a single kick", async () => {
    await h.say("reader", "/start");
    const memberId = await h.memberId("reader");
    h.gateway.replies.length = 0;
    await h.ctx.prisma.outboxItem.createMany({
      data: Array.from({ length: 520 }, (_, i) => ({
        kind: "notify.member",
        payload: { kind: "notify.member", memberId, notice: { key: "paymentReceived", params: { order: i + 1 } } },
      })),
    });
    await kickOutbox(h.ctx);
    await h.jobs.idle();
    expect(await h.ctx.prisma.outboxItem.count({ where: { status: { not: "DONE" } } })).toBe(0);
    const received = h.gateway.replies.filter((r) => r.to === "reader");
    expect(received).toHaveLength(520);
  }, 120_000);
});

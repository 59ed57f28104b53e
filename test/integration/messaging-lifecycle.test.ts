/**
 * Access lifecycle messages: a reminder before access ends (with a one-tap renew), win-back after it ended, and
 * sweeps that do nothing twice when they run twice at once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expireEntitlements } from "../../core/access/expire-entitlements.js";
import { remindRenewals } from "../../core/messaging/remind-renewals.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

describe("reminders, win-back and idempotent sweeps", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const messagingSweep = async () => {
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, { reminderDays: 3 });
    await h.jobs.idle();
  };

  it("reminds once before the end with a Renew button, then revokes once, then wins back once", async () => {
    await h.say(CREATOR, "/grant @ann 1 5");
    expect(await h.db.prisma.entitlement.count()).toBe(0 + (await h.db.prisma.entitlement.count()));
    await h.say("ann", "/start");
    await h.say(CREATOR, "/grant @ann 1 5");
    h.gateway.sent.length = 0;
    await messagingSweep();
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("ends on"))).toHaveLength(0);

    h.clock.advanceDays(3);
    await Promise.all([messagingSweep(), messagingSweep(), remindRenewals(h.ctx, { daysBefore: 3 })]);
    await h.jobs.idle();
    const reminders = h.gateway.messagesTo("ann").filter((t) => t.includes("ends on"));
    expect(reminders).toHaveLength(1);
    const row = await h.db.prisma.delivery.findFirstOrThrow({ where: { kind: "REMINDER" } });
    expect(row.payload).toMatchObject({ buttons: [{ key: "buttonRenew", action: "buy 1" }] });

    // Two expiry sweeps at once revoke once and tell the member once.
    h.clock.advanceDays(3);
    const revoked = await Promise.all([expireEntitlements(h.ctx), expireEntitlements(h.ctx)]);
    await h.jobs.idle();
    expect(revoked[0]! + revoked[1]!).toBe(1);
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("has ended"))).toHaveLength(1);

    h.clock.advanceDays(2);
    await Promise.all([messagingSweep(), messagingSweep()]);
    await messagingSweep();
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("We miss you"))).toHaveLength(1);
  });

  it("no win-back for a member who opted out of offers", async () => {
    await h.say("bob", "/start");
    await h.say("bob", "/optout recommendations");
    await h.say(CREATOR, "/grant @bob 1 1");
    h.clock.advanceDays(2);
    await h.sweep();
    h.clock.advanceDays(2);
    await messagingSweep();
    expect(h.gateway.messagesTo("bob").filter((t) => t.includes("We miss you"))).toHaveLength(0);
    expect(await h.db.prisma.delivery.count({ where: { kind: "WIN_BACK" } })).toBe(0);
  });
});

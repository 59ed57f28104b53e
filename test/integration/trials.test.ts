/**
 * Free trials, as members take them in chat: once per member and product, access at once for Stars and manual
 * offers with a reminder before the end and an offer to buy after it, a purchase during the trial converting it, and
 * Stripe subscriptions whose trial runs in Checkout (and is given only to a member who never had one).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expireEntitlements } from "../../core/access/expire-entitlements.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const DAY = 86_400_000;

describe("free trials of Stars and manual offers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    await h.db.prisma.offer.updateMany({ where: { productId: 1 }, data: { trialDays: 7 } });
  });
  const messagingSweep = async () => {
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, { reminderDays: 2 });
    await h.jobs.idle();
  };
  const lessonTwo = (user: string) => h.say(user, "/lesson 1 2");

  it("a trial opens the course at once, is reminded before its end, ends unpaid, and is offered for sale", async () => {
    await h.say("ann", "/start");
    const page = await h.sayReply("ann", "/course 1");
    expect(page.messages.flatMap((m) => m.buttons ?? []).flat()).toContainEqual(
      expect.objectContaining({ label: "Try it free for 7 days", action: "trial 1" }),
    );
    expect(await lessonTwo("ann")).not.toContain("DataFrames in practice\n");
    const started = await h.press("ann", "trial 1");
    expect(started).toContain("7-day free trial of Python for Data Analysis has started");
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { source: "TRIAL" } });
    expect(entitlement.endsAt!.getTime() - h.clock.now().getTime()).toBe(7 * DAY);
    expect(await lessonTwo("ann")).toContain("DataFrames");
    expect(h.gateway.members("#members-lounge").has("ann")).toBe(true);
    // The page shows the trial and still sells the course; a second trial is refused.
    const during = await h.sayReply("ann", "/course 1");
    expect(during.messages.map((m) => m.text).join("\n")).toContain("Free trial until");
    expect(
      during.messages
        .flatMap((m) => m.buttons ?? [])
        .flat()
        .map((b) => ("action" in b ? b.action : b.url)),
    ).toEqual(expect.arrayContaining(["buy 1"]));
    expect(await h.say("ann", "/trial 1")).toContain("already had a free trial of #1");

    h.clock.advanceDays(6);
    await messagingSweep();
    await messagingSweep();
    const reminders = h.gateway
      .messagesTo("ann")
      .filter((t) => t.includes("free trial of Python for Data Analysis ends"));
    expect(reminders).toHaveLength(1);
    const reminder = await h.db.prisma.delivery.findFirstOrThrow({ where: { kind: "REMINDER" } });
    expect(reminder.payload).toMatchObject({ buttons: [{ key: "buttonKeepAccess", action: "buy 1" }] });

    h.clock.advanceDays(1);
    expect(await expireEntitlements(h.ctx)).toBe(1);
    await h.jobs.idle();
    expect(h.gateway.members("#members-lounge").has("ann")).toBe(false);
    expect(await lessonTwo("ann")).not.toContain("DataFrames in practice\n");
    h.clock.advanceDays(2);
    await messagingSweep();
    expect(
      h.gateway.messagesTo("ann").filter((t) => t.includes("free trial of Python for Data Analysis has ended")),
    ).toHaveLength(1);
    expect(await h.say("ann", "/trial 1")).toContain("already had a free trial");
    expect(await h.db.prisma.entitlement.count({ where: { source: "TRIAL" } })).toBe(1);
  });

  it("buying during the trial converts it: no reminder, no end, access for good", async () => {
    await h.say("bob", "/trial 1");
    expect(await h.say("bob", "/buy 1")).toContain("Order #");
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { productId: 1 } });
    expect(await h.say(CREATOR, `/confirm ${order.id}`)).toContain("confirmed");
    const trial = await h.db.prisma.trial.findFirstOrThrow();
    expect(trial.convertedAt).not.toBeNull();
    h.clock.advanceDays(6);
    await messagingSweep();
    h.clock.advanceDays(3);
    await expireEntitlements(h.ctx);
    await messagingSweep();
    const texts = h.gateway.messagesTo("bob").join("\n");
    expect(texts).not.toContain("free trial of Python for Data Analysis ends");
    expect(texts).not.toContain("has ended");
    expect(await lessonTwo("bob")).toContain("DataFrames");
    expect(await h.say("bob", "/course 1")).toContain("You own this");
  });

  it("two taps at once start one trial; no trial where the offer has none; in Chinese too", async () => {
    const [a, b] = await Promise.all([h.say("cai", "/trial 1", "zh"), h.say("cai", "/trial 1", "zh")]);
    expect([a, b].filter((t) => t.includes("天免费试用已开始"))).toHaveLength(1);
    expect([a, b].filter((t) => t.includes("已经试用过"))).toHaveLength(1);
    expect(await h.db.prisma.trial.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count({ where: { source: "TRIAL" } })).toBe(1);
    expect(await h.say("cai", "/trial 3", "zh")).toContain("不提供免费试用");
    expect(await h.say("dan", "/trial 3")).toContain("#3 has no free trial");
    expect(await h.say("dan", "/trial x")).toContain("/trial <id>");
    expect(await h.say("dan", "/trial 999")).not.toContain("started");
  });
});

describe("free trials of Stripe subscriptions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    await h.db.prisma.offer.updateMany({ where: { productId: 5 }, data: { trialDays: 14 } });
  });
  const lastSession = () =>
    h.stripe!.requests.findLast((r) => r.path === "/v1/checkout/sessions")!.body as Record<string, unknown>;

  it("the trial runs in Checkout, opens access until its end, and is not given a second time", async () => {
    const reply = await h.say("eve", "/trial 5");
    expect(reply).toContain("Pay");
    expect(lastSession()).toMatchObject({ subscription_data: expect.objectContaining({ trial_period_days: "14" }) });
    // Opening the checkout uses nothing up; completing it does.
    expect(await h.db.prisma.trial.count()).toBe(0);
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { productId: 5 } });
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    const subscriptionRef = h.stripe!.sessions.get(order.checkoutRef!)!.subscription as string;
    expect((await h.deliver(completed)).status).toBe(200);
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: order.id } });
    expect(entitlement.revokedAt).toBeNull();
    expect(entitlement.endsAt!.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(13 * DAY);
    expect(await h.db.prisma.trial.findFirstOrThrow()).toMatchObject({ provider: "STRIPE", productId: 5 });
    expect(await h.db.prisma.unmatchedPayment.count()).toBe(0);

    // Canceled during the trial: the next checkout for the same member charges from day one.
    await h.deliver(h.stripe!.cancelSubscription(subscriptionRef));
    expect(await h.say("eve", "/trial 5")).toContain("already had a free trial");
    await h.say("eve", "/buy 5");
    const second = lastSession();
    expect(JSON.stringify(second)).not.toContain("trial_period_days");
  });
});

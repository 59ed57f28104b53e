/**
 * Paid-conversion propensity against a real database: past members who bought did so after viewing course pages and
 * opening previews; a logistic regression learned from those snapshots ranks today's members with buying-like
 * behaviour above idle ones, and the first-purchase offer picker offers each the product they looked at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainText } from "../../core/conversation/reply.js";
import { holdoutExperimentKey } from "../../core/insights/experiment-keys.js";
import { firstPurchasePropensity } from "../../core/insights/first-purchase-propensity.js";
import { pickFirstPurchaseOffers } from "../../core/insights/pick-first-purchase-offers.js";
import { NUDGE_CAMPAIGNS } from "../../core/insights/plan-nudge.js";
import { flushActivity } from "../../core/learning/record-activity.js";
import { seededRandom } from "../../core/seeded-random.js";
import { MESSAGING_SWEEP_JOB, RECOMMENDATIONS_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const DAY_MS = 86_400_000;
let h: Harness;
const interested: number[] = [];
const idle: number[] = [];
const viewed = new Map<number, number>();

async function member(name: string, joinedDaysAgo: number): Promise<number> {
  const row = await h.ctx.prisma.member.create({
    data: {
      displayName: name,
      referralCode: `R-${name}`,
      createdAt: new Date(h.clock.now().getTime() - joinedDaysAgo * DAY_MS),
      accounts: { create: { platform: "CONSOLE", externalId: name, username: name, chatId: name } },
    },
  });
  return row.id;
}

beforeAll(async () => {
  h = await createHarness();
  const random = seededRandom(5);
  const now = h.clock.now().getTime();
  const offers = await h.ctx.prisma.offer.findMany({
    where: { active: true, currency: { not: "xtr" }, product: { published: true } },
    orderBy: { id: "asc" },
  });
  const events: { memberId: number; kind: string; productId: number | null; occurredAt: Date }[] = [];
  const browse = (memberId: number, productId: number, fromDay: number, toDay: number, rate: number) => {
    for (let day = fromDay; day > toDay; day -= 1) {
      if (random() >= rate) continue;
      const at = new Date(now - day * DAY_MS + Math.floor(random() * DAY_MS * 0.5));
      events.push({ memberId, kind: "course_viewed", productId, occurredAt: at });
      if (random() < 0.6) events.push({ memberId, kind: "preview_opened", productId, occurredAt: at });
    }
  };
  const wander = (memberId: number, fromDay: number, toDay: number, rate: number) => {
    for (let day = fromDay; day > toDay; day -= 1)
      if (random() < rate)
        events.push({ memberId, kind: "question_asked", productId: null, occurredAt: new Date(now - day * DAY_MS) });
  };
  // Past buyers: two or three weeks of looking at one course, then the purchase.
  for (let i = 0; i < 30; i += 1) {
    const id = await member(`buyer-${i}`, 160);
    const offer = offers[i % offers.length]!;
    const boughtDay = 40 + Math.floor(random() * 90);
    browse(id, offer.productId, boughtDay + 15 + Math.floor(random() * 7), boughtDay, 0.6);
    wander(id, 160, boughtDay + 20, 0.03);
    const paidAt = new Date(now - boughtDay * DAY_MS);
    await h.ctx.prisma.order.create({
      data: {
        memberId: id,
        productId: offer.productId,
        offerId: offer.id,
        listAmount: offer.amount,
        amount: offer.amount,
        currency: offer.currency,
        status: "PAID",
        createdAt: paidAt,
        paidAt,
      },
    });
  }
  // Members who never bought: now and then a question, no browsing.
  for (let i = 0; i < 40; i += 1) wander(await member(`visitor-${i}`, 160), 160, 0, 0.05);
  // Today: some browse a course like the buyers did, others are idle.
  for (let i = 0; i < 10; i += 1) {
    const id = await member(`interested-${i}`, 60);
    const productId = offers[(i + 1) % offers.length]!.productId;
    viewed.set(id, productId);
    browse(id, productId, 12, 0, 0.6);
    wander(id, 60, 0, 0.03);
    interested.push(id);
  }
  for (let i = 0; i < 10; i += 1) {
    const id = await member(`idle-${i}`, 60);
    wander(id, 60, 0, 0.05);
    idle.push(id);
  }
  await h.ctx.prisma.activityEvent.createMany({ data: events });
}, 120_000);
afterAll(async () => {
  await h.close();
});

describe("first-purchase propensity", () => {
  it("learns from past first purchases and ranks buying-like members above idle ones", async () => {
    const result = await firstPurchasePropensity(h.ctx);
    expect(result.kind).toBe("learned");
    expect(result.training.buyers).toBeGreaterThanOrEqual(20);
    const probability = new Map(result.members.map((m) => [m.memberId, m.probability]));
    // Those who bought are not ranked: the list is about a first purchase.
    const buyers = await h.ctx.prisma.order.findMany({ select: { memberId: true } });
    for (const b of buyers) expect(probability.has(b.memberId)).toBe(false);
    const lowestInterested = Math.min(...interested.map((id) => probability.get(id)!));
    const highestIdle = Math.max(...idle.map((id) => probability.get(id)!));
    expect(lowestInterested).toBeGreaterThan(highestIdle);
    // Ranked best first.
    const order = result.members.map((m) => m.probability);
    expect(order).toEqual([...order].sort((a, b) => b - a));
  }, 60_000);

  it("learns the same ranking from a bounded sample of its snapshot rows", async () => {
    const full = await firstPurchasePropensity(h.ctx);
    const sampled = await firstPurchasePropensity(h.ctx, { maxTrainingRows: 300 });
    expect(full.training.rows).toBeGreaterThan(700);
    expect(sampled.training.rows).toBeGreaterThan(200);
    expect(sampled.training.rows).toBeLessThan(400);
    expect(sampled.training.buyers).toBeLessThan(full.training.buyers);
    expect(sampled.kind).toBe("learned");
    const probability = new Map(sampled.members.map((m) => [m.memberId, m.probability]));
    expect(Math.min(...interested.map((id) => probability.get(id)!))).toBeGreaterThan(
      Math.max(...idle.map((id) => probability.get(id)!)),
    );
  }, 60_000);

  it("picks the likeliest buyers for a first-purchase offer of the course they looked at, skipping opted-out members", async () => {
    const optedOut = interested[0]!;
    await h.ctx.prisma.member.update({ where: { id: optedOut }, data: { marketingOptOut: true } });
    const picks = await pickFirstPurchaseOffers(h.ctx, { top: 5 });
    expect(picks).toHaveLength(5);
    for (const pick of picks) {
      expect(interested).toContain(pick.memberId);
      expect(pick.memberId).not.toBe(optedOut);
      expect(pick.productId).toBe(viewed.get(pick.memberId));
      const offer = await h.ctx.prisma.offer.findUniqueOrThrow({ where: { id: pick.offerId } });
      expect(offer.productId).toBe(pick.productId);
    }
  }, 60_000);

  it("the daily job sends the likely first buyers one coupon for the course they looked at; buying with it converts", async () => {
    // The creator chose a 10 % first-purchase discount (the default is none).
    h.ctx.recommendations = { holdoutPercent: 0, firstPurchaseCouponPercent: 10 };
    const optedOut = interested[0]!;
    await h.ctx.prisma.member.update({ where: { id: optedOut }, data: { marketingOptOut: true } });
    const chinese = interested[1]!;
    await h.ctx.prisma.member.update({ where: { id: chinese }, data: { locale: "zh" } });
    // One of them was given another course by the creator: a grant is not a purchase, and the offer is elsewhere.
    const granted = interested[2]!;
    await h.ctx.prisma.entitlement.create({
      data: { memberId: granted, productId: viewed.get(granted)!, source: "GRANT", startsAt: h.clock.now() },
    });
    h.gateway.replies.length = 0;
    await h.jobs.enqueue(RECOMMENDATIONS_JOB, {});
    await h.jobs.idle();

    const campaign = `${NUDGE_CAMPAIGNS.firstPurchase}:treatment`;
    const offers = await h.ctx.prisma.recommendation.findMany({ where: { variant: campaign } });
    const offered = new Map(offers.map((row) => [row.memberId, row]));
    // Interested members get it, but the opted-out one, and one at risk of leaving gets the retention nudge instead;
    // nobody idle gets it.
    const scores = await h.ctx.prisma.churnScore.findMany({ where: { memberId: { in: interested } } });
    const atRisk = new Set(scores.filter((s) => s.score >= 0.5).map((s) => s.memberId));
    const retained = await h.ctx.prisma.recommendation.findMany({
      where: { variant: `${NUDGE_CAMPAIGNS.retention}:treatment` },
    });
    for (const id of interested.slice(1)) {
      expect(offered.has(id), `member ${id}`).toBe(!atRisk.has(id));
      expect(retained.some((row) => row.memberId === id)).toBe(atRisk.has(id));
    }
    expect(offered.size).toBeGreaterThanOrEqual(6);
    expect(offered.has(optedOut)).toBe(false);
    for (const id of idle) expect(offered.has(id)).toBe(false);
    expect(await h.ctx.prisma.delivery.count({ where: { memberId: optedOut } })).toBe(0);
    expect(offered.get(granted)!.productId).not.toBe(viewed.get(granted));

    const names = await h.ctx.prisma.member.findMany({ where: { id: { in: interested } } });
    const nameOf = new Map(names.map((m) => [m.id, m.displayName]));
    const plain = interested.slice(3).filter((id) => offered.has(id));
    expect(plain.length).toBeGreaterThanOrEqual(4);
    for (const id of plain) {
      const row = offered.get(id)!;
      expect(row.productId).toBe(viewed.get(id));
      const product = await h.ctx.prisma.product.findUniqueOrThrow({ where: { id: row.productId } });
      const coupon = await h.ctx.prisma.coupon.findFirstOrThrow({ where: { memberId: id } });
      expect(coupon).toMatchObject({ percentOff: 10, productId: row.productId });
      const received = h.gateway.replies.filter((r) => r.to === nameOf.get(id));
      expect(received).toHaveLength(1);
      const text = plainText(received[0]!.reply.messages[0]!.text);
      expect(text).toContain(`For your first course: 10 % off ${product.titleEn}`);
      expect(text).toContain(coupon.code);
      const button = received[0]!.reply.messages[0]!.buttons!.flat()[0]!;
      expect("action" in button && button.action).toBe(`rec ${row.id} ${row.productId} buy ${coupon.code}`);
    }
    expect(offered.has(chinese)).toBe(true);
    const zh = h.gateway.replies.find((r) => r.to === nameOf.get(chinese))!;
    expect(plainText(zh.reply.messages[0]!.text)).toContain("你的第一门课");

    // The message's button buys at the discount; the creator's confirmation is the campaign's conversion.
    const buyer = plain[0]!;
    const row = offered.get(buyer)!;
    const coupon = await h.ctx.prisma.coupon.findFirstOrThrow({ where: { memberId: buyer } });
    const ordered = await h.press(nameOf.get(buyer)!, `rec ${row.id} ${row.productId} buy ${coupon.code}`);
    const order = await h.ctx.prisma.order.findFirstOrThrow({ where: { memberId: buyer } });
    expect(ordered).toContain(`#${order.id}`);
    expect(order.amount).toBe(Math.round(order.listAmount * 0.9));
    expect(await h.say(CREATOR, `/confirm ${order.id}`)).toContain(`#${order.id}`);
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, { reminderDays: 3 });
    await h.jobs.idle();
    const converted = await h.ctx.prisma.experimentAssignment.findMany({
      where: {
        convertedAt: { not: null },
        experiment: { key: holdoutExperimentKey(NUDGE_CAMPAIGNS.firstPurchase) },
      },
    });
    expect(converted.map((a) => a.memberId)).toEqual([buyer]);
    // Again today, and after the weekly cap: no second first-purchase offer within 30 days.
    await h.jobs.enqueue(RECOMMENDATIONS_JOB, {});
    await h.jobs.idle();
    // They keep looking at their course all week, so they stay likely buyers.
    h.clock.advanceDays(8);
    const now = h.clock.now().getTime();
    await h.ctx.prisma.activityEvent.createMany({
      data: offers.flatMap((row) =>
        [1, 2, 3, 5, 6].map((day) => ({
          memberId: row.memberId,
          kind: "preview_opened",
          productId: row.productId,
          occurredAt: new Date(now - day * DAY_MS),
        })),
      ),
    });
    const stillLikely = await pickFirstPurchaseOffers(h.ctx, { minProbability: 0.2 });
    expect(stillLikely.filter((pick) => offered.has(pick.memberId)).length).toBeGreaterThanOrEqual(4);
    await h.jobs.enqueue(RECOMMENDATIONS_JOB, {});
    await h.jobs.idle();
    expect(await h.ctx.prisma.recommendation.count({ where: { variant: campaign } })).toBe(offers.length);
  }, 120_000);

  it("without a discount set (the default), the offer names the course and why, with a button to see it", async () => {
    h.ctx.recommendations = { holdoutPercent: 0 };
    const browser = await member("window-shopper", 40);
    const productId = viewed.get(interested[3]!)!;
    const now = h.clock.now().getTime();
    await h.ctx.prisma.activityEvent.createMany({
      data: [1, 2, 3, 4, 6, 8, 9].flatMap((day) => [
        { memberId: browser, kind: "course_viewed", productId, occurredAt: new Date(now - day * DAY_MS) },
        { memberId: browser, kind: "preview_opened", productId, occurredAt: new Date(now - day * DAY_MS) },
      ]),
    });
    h.gateway.replies.length = 0;
    await h.jobs.enqueue(RECOMMENDATIONS_JOB, {});
    await h.jobs.idle();
    const row = await h.ctx.prisma.recommendation.findFirstOrThrow({
      where: { memberId: browser, variant: `${NUDGE_CAMPAIGNS.firstPurchase}:treatment` },
    });
    expect(row.productId).toBe(productId);
    expect(await h.ctx.prisma.coupon.count({ where: { memberId: browser } })).toBe(0);
    const product = await h.ctx.prisma.product.findUniqueOrThrow({ where: { id: productId } });
    const [received] = h.gateway.replies.filter((r) => r.to === "window-shopper");
    expect(plainText(received!.reply.messages[0]!.text)).toContain(
      `Picked for you: ${product.titleEn} — you have been looking at it.`,
    );
    const button = received!.reply.messages[0]!.buttons!.flat()[0]!;
    expect("action" in button && button.action).toBe(`rec ${row.id} ${productId}`);
  }, 60_000);

  it("records a course page view as activity, the interest propensity reads", async () => {
    const product = await h.ctx.prisma.product.findFirstOrThrow({ where: { published: true } });
    await h.say("browser", `/course ${product.id}`);
    await flushActivity(h.ctx);
    const browser = await h.memberId("browser");
    const views = await h.ctx.prisma.activityEvent.findMany({ where: { memberId: browser, kind: "course_viewed" } });
    expect(views.map((v) => v.productId)).toEqual([product.id]);
  });
});

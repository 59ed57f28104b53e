/**
 * Paid-conversion propensity against a real database: past members who bought did so after viewing course pages and
 * opening previews; a logistic regression learned from those snapshots ranks today's members with buying-like
 * behaviour above idle ones, and the first-purchase offer picker offers each the product they looked at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstPurchasePropensity } from "../../core/insights/first-purchase-propensity.js";
import { pickFirstPurchaseOffers } from "../../core/insights/pick-first-purchase-offers.js";
import { flushActivity } from "../../core/learning/record-activity.js";
import { seededRandom } from "../../core/seeded-random.js";
import { createHarness, type Harness } from "../support/harness.js";

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

  it("records a course page view as activity, the interest propensity reads", async () => {
    const product = await h.ctx.prisma.product.findFirstOrThrow({ where: { published: true } });
    await h.say("browser", `/course ${product.id}`);
    await flushActivity(h.ctx);
    const browser = await h.memberId("browser");
    const views = await h.ctx.prisma.activityEvent.findMany({ where: { memberId: browser, kind: "course_viewed" } });
    expect(views.map((v) => v.productId)).toEqual([product.id]);
  });
});

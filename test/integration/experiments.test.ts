/**
 * Experiments against a real database: stable assignment across processes and database connections, one row under
 * concurrent exposure, conversions only after an exposure and once, a price test seen and charged consistently through
 * /course and /buy, campaign holdouts near their weight, and /experiments for creators only.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../core/context.js";
import type { Reply } from "../../core/conversation/reply.js";
import { isHeldOut } from "../../core/insights/experiment-holdout.js";
import { holdoutExperimentKey } from "../../core/insights/experiment-keys.js";
import { recordConversion } from "../../core/insights/experiment-record-conversion.js";
import { exposeMember, findActiveExperiment, recordExposure } from "../../core/insights/experiment-record-exposure.js";
import { experimentResults } from "../../core/insights/experiment-results.js";
import { MIXTURE_SD, mixtureSdFor } from "../../core/insights/experiment-statistics.js";
import { pickVariant } from "../../core/insights/experiment-variants.js";
import { openDatabase } from "../../prisma/database.js";
import { databaseUrlWithName } from "../support/database-url.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";
import { importHelperMaterial } from "../support/helper-material.js";

const REPOSITORY = path.resolve(import.meta.dirname, "../..");
const VARIANTS = [
  { key: "A", weight: 1, control: true },
  { key: "B", weight: 1 },
  { key: "C", weight: 2 },
];

let h: Harness;

const labels = (reply: Reply) =>
  reply.messages.flatMap((message) => (message.buttons ?? []).flat().map((b) => b.label));

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

async function createMembers(count: number, prefix = "m"): Promise<number[]> {
  await h.ctx.prisma.member.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      displayName: `${prefix}${i}`,
      referralCode: `${prefix.toUpperCase()}${i}X`,
    })),
  });
  const rows = await h.ctx.prisma.member.findMany({
    where: { displayName: { startsWith: prefix } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.id);
}

/** A second connection to the same database, as another process would have (the embedded one cannot be shared). */
async function secondContext(): Promise<{ ctx: CoreContext; close(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { ctx: h.ctx, close: async () => {} };
  const [row] = await h.ctx.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const other = await openDatabase({ url: databaseUrlWithName(url, row!.name), migrate: false });
  return { ctx: { ...h.ctx, prisma: other.prisma, sql: other.sql }, close: () => other.close() };
}

describe("assignment", () => {
  it("gives every member the same variant in another process, with nothing stored", () => {
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    const script = path.join(os.tmpdir(), `lyceum-assign-${process.pid}.ts`);
    writeFileSync(
      script,
      `import { pickVariant } from ${JSON.stringify(path.join(REPOSITORY, "core/insights/experiment-variants.ts"))};
const variants = ${JSON.stringify(VARIANTS)};
console.log(JSON.stringify(${JSON.stringify(ids)}.map((id) => pickVariant("msg:welcome", id, variants).key)));`,
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: REPOSITORY, encoding: "utf8" });
    rmSync(script, { force: true });
    expect(child.stderr).toBe("");
    const there = JSON.parse(child.stdout) as string[];
    const here = ids.map((id) => pickVariant("msg:welcome", id, VARIANTS).key);
    expect(there).toEqual(here);
    // And the split follows the weights (1:1:2), so the hash is not stuck on one variant.
    const share = (key: string) => here.filter((k) => k === key).length / here.length;
    expect(share("C")).toBeGreaterThan(0.4);
    expect(share("C")).toBeLessThan(0.6);
    expect(share("A")).toBeGreaterThan(0.15);
    expect(share("B")).toBeGreaterThan(0.15);
  });

  it("writes one row when two connections expose the same members at once, and both get the stored variant", async () => {
    await h.ctx.prisma.experiment.create({ data: { key: "msg:welcome", variants: VARIANTS } });
    const members = await createMembers(25);
    const other = await secondContext();
    try {
      const experiment = (await findActiveExperiment(h.ctx, "msg:welcome"))!;
      const seen = await Promise.all(
        members.flatMap((memberId) =>
          [h.ctx, other.ctx, h.ctx, other.ctx].map((ctx) =>
            exposeMember(ctx, experiment, memberId).then((v) => ({ memberId, key: v.key })),
          ),
        ),
      );
      const rows = await h.ctx.prisma.experimentAssignment.findMany({ where: { experimentId: experiment.id } });
      expect(rows).toHaveLength(members.length);
      for (const { memberId, key } of seen) {
        expect(key).toBe(rows.find((r) => r.memberId === memberId)!.variant);
        expect(key).toBe(pickVariant("msg:welcome", memberId, VARIANTS).key);
      }
    } finally {
      await other.close();
    }
  });

  it("keeps an exposed member's variant when the weights change later; new members follow the new weights", async () => {
    await h.ctx.prisma.experiment.create({ data: { key: "msg:welcome", variants: VARIANTS } });
    const members = await createMembers(40);
    const before = new Map<number, string>();
    for (const id of members.slice(0, 20))
      before.set(id, (await recordExposure(h.ctx, { key: "msg:welcome", memberId: id }))!.key);
    // Everything to A from now on.
    await h.ctx.prisma.experiment.update({
      where: { key: "msg:welcome" },
      data: {
        variants: [
          { key: "A", weight: 1 },
          { key: "B", weight: 0 },
          { key: "C", weight: 0 },
        ],
      },
    });
    for (const [id, key] of before) {
      expect((await recordExposure(h.ctx, { key: "msg:welcome", memberId: id }))!.key).toBe(key);
    }
    expect(new Set(before.values()).size).toBeGreaterThan(1);
    for (const id of members.slice(20)) {
      expect((await recordExposure(h.ctx, { key: "msg:welcome", memberId: id }))!.key).toBe("A");
    }
  });
});

describe("conversions", () => {
  it("count only after an exposure, and only once", async () => {
    await h.ctx.prisma.experiment.create({ data: { key: "msg:welcome", variants: VARIANTS } });
    const [early, member] = await createMembers(2);
    // Converting without having been exposed counts for nothing, and does not expose.
    expect(await recordConversion(h.ctx, { key: "msg:welcome", memberId: early! })).toBe(false);
    expect(await h.ctx.prisma.experimentAssignment.count()).toBe(0);

    await recordExposure(h.ctx, { key: "msg:welcome", memberId: member! });
    // A conversion dated before the exposure (a late-arriving event) is not the experiment's doing.
    const yesterday = new Date(h.clock.now().getTime() - 86_400_000);
    expect(await recordConversion(h.ctx, { key: "msg:welcome", memberId: member!, at: yesterday })).toBe(false);
    h.clock.advanceDays(1);
    const twice = await Promise.all([
      recordConversion(h.ctx, { key: "msg:welcome", memberId: member! }),
      recordConversion(h.ctx, { key: "msg:welcome", memberId: member! }),
    ]);
    expect(twice.filter(Boolean)).toHaveLength(1);
    expect(await recordConversion(h.ctx, { key: "msg:welcome", memberId: member! })).toBe(false);
    const [result] = await experimentResults(h.ctx, { keys: ["msg:welcome"] });
    const total = result!.variants.reduce((sum, v) => sum + v.conversions, 0);
    expect(total).toBe(1);
    expect(result!.variants.reduce((sum, v) => sum + v.exposures, 0)).toBe(1);
  });
});

describe("price tests through /course and /buy", () => {
  async function course(): Promise<{ id: number; amount: number }> {
    const product = await h.ctx.prisma.product.findFirstOrThrow({
      where: { slug: "python-data-analysis" },
      include: { offers: { where: { active: true }, orderBy: { id: "asc" } } },
    });
    const offer = product.offers.find((o) => o.currency !== "xtr")!;
    return { id: product.id, amount: offer.amount };
  }

  it("shows each member one price on every visit, charges it, and counts the purchase", async () => {
    const { id, amount } = await course();
    const priceA = (amount / 100).toFixed(2);
    const priceB = ((amount + 1000) / 100).toFixed(2);
    const started = await h.say(CREATOR, `/experiments new price ${id} ${priceA} ${priceB}`);
    expect(started).toContain(`price:${id}`);
    // Its sequential test is tuned, at the start, to the community's size (a handful of members here).
    const members = await h.ctx.prisma.member.count({ where: { role: "MEMBER" } });
    const row = await h.ctx.prisma.experiment.findUniqueOrThrow({ where: { key: `price:${id}` } });
    expect(row.mixtureSd).toBeCloseTo(mixtureSdFor(members / 2), 10);
    expect(row.mixtureSd).toBeGreaterThan(MIXTURE_SD);
    const shownPrice = { A: `$${priceA}`, B: `$${priceB}` } as Record<string, string>;

    const seen: Record<string, string[]> = { A: [], B: [] };
    for (let i = 0; i < 12; i += 1) {
      const user = `buyer${i}`;
      const page = await h.say(user, `/course ${id}`);
      const again = await h.say(user, `/course ${id}`);
      const variant = page.includes(shownPrice.B!) ? "B" : "A";
      expect(page).toContain(shownPrice[variant]!);
      expect(page).not.toContain(shownPrice[variant === "A" ? "B" : "A"]!);
      expect(again).toBe(page);
      // The catalog list shows the same price.
      expect(await h.say(user, "/courses")).toContain(shownPrice[variant]!);
      const memberId = await h.memberId(user);
      expect(
        pickVariant(`price:${id}`, memberId, [
          { key: "A", weight: 1 },
          { key: "B", weight: 1 },
        ]).key,
      ).toBe(variant);
      seen[variant]!.push(user);
      // /buy charges what the page showed.
      const bought = await h.say(user, `/buy ${id}`);
      expect(bought).toContain(`To pay: ${shownPrice[variant]}`);
    }
    expect(seen.A!.length).toBeGreaterThan(0);
    expect(seen.B!.length).toBeGreaterThan(0);
    const orders = await h.ctx.prisma.order.findMany({ include: { member: true } });
    expect(orders).toHaveLength(12);

    // Only the creator's confirmation (the payment) converts; the first B buyer pays.
    const payer = seen.B![0]!;
    const order = orders.find((o) => o.member.displayName === payer)!;
    expect(order.amount).toBe(amount + 1000);
    let [result] = await experimentResults(h.ctx, { keys: [`price:${id}`] });
    expect(result!.variants.map((v) => v.conversions)).toEqual([0, 0]);
    expect(await h.say(CREATOR, `/confirm ${order.id}`)).toContain(`Order #${order.id} confirmed`);
    [result] = await experimentResults(h.ctx, { keys: [`price:${id}`] });
    expect(result!.variants.find((v) => v.key === "B")!.conversions).toBe(1);
    expect(result!.variants.find((v) => v.key === "A")!.conversions).toBe(0);
    expect(result!.variants.map((v) => v.exposures)).toEqual([seen.A!.length, seen.B!.length]);

    // The creator's page view is not an exposure, and the creator reads the results in words.
    await h.say(CREATOR, `/course ${id}`);
    const report = await h.say(CREATOR, "/experiments");
    expect(report).toContain(`price:${id}`);
    expect(report).toMatch(
      /B converts [\d.]+ % vs A [\d.]+ %, difference [+−][\d.]+ pt \(95 % interval [+−][\d.]+ to [+−][\d.]+\): not yet conclusive/,
    );
    expect(report).toContain("always-valid sequential test");
    expect(report).toContain(`${seen.B!.length} shown, 1 converted`);
    await h.say(CREATOR, "/language zh");
    const zhReport = await h.say(CREATOR, "/experiments");
    expect(zhReport).toContain("）：尚无定论");
    expect(zhReport).toContain("随时有效的序贯检验");
    await h.say(CREATOR, "/language en");

    // Stopping and keeping B: everyone sees B's price now, A's offer is off sale.
    expect(await h.say(CREATOR, `/experiments stop price:${id} B`)).toContain("stopped");
    const formerA = seen.A![0]!;
    const page = await h.say(formerA, `/course ${id}`);
    expect(page).toContain(shownPrice.B!);
    expect(await h.say(CREATOR, `/experiments new price ${id} ${priceA} ${priceA}`)).toContain("must differ");
    expect(await h.say(CREATOR, `/experiments stop price:${id}`)).toContain("already stopped");
  });

  it("shows the member's price wherever a Buy button appears: a locked lesson, /ask, /join", async () => {
    const courseId = await importHelperMaterial(h.ctx);
    const live = await h.ctx.prisma.product.findFirstOrThrow({ where: { kind: "LIVE_SESSION" } });
    const prices: Record<number, [string, string]> = {};
    for (const productId of [courseId, live.id]) {
      const offer = await h.ctx.prisma.offer.findFirstOrThrow({
        where: { productId, active: true, currency: { not: "xtr" } },
      });
      prices[productId] = [(offer.amount / 100).toFixed(2), ((offer.amount + 700) / 100).toFixed(2)];
      const [a, b] = prices[productId]!;
      expect(await h.say(CREATOR, `/experiments new price ${productId} ${a} ${b}`)).toContain("started");
    }
    // One member on each side of both tests.
    const users: Record<string, string> = {};
    for (let i = 0; Object.keys(users).length < 2; i += 1) {
      const user = `shopper${i}`;
      await h.say(user, "/start");
      const memberId = await h.memberId(user);
      const variant = pickVariant(`price:${courseId}`, memberId, [
        { key: "A", weight: 1 },
        { key: "B", weight: 1 },
      ]).key;
      users[variant] ??= user;
    }
    for (const [variant, user] of Object.entries(users)) {
      const side = variant === "A" ? 0 : 1;
      const price = `$${prices[courseId]![side]}`;
      const other = `$${prices[courseId]![1 - side]}`;
      const lesson = await h.sayReply(user, `/lesson ${courseId} 2`);
      expect(labels(lesson)).toContain(`Buy — ${price}`);
      expect(JSON.stringify(lesson)).not.toContain(other);
      const answer = await h.sayReply(user, "/ask How does a join match rows of two tables?");
      expect(labels(answer)).toContain(`Buy Query Craft — ${price}`);
      expect(JSON.stringify(answer)).not.toContain(other);
      expect(await h.say(user, `/buy ${courseId}`)).toContain(`To pay: ${price}`);

      const memberId = await h.memberId(user);
      const liveVariant = pickVariant(`price:${live.id}`, memberId, [
        { key: "A", weight: 1 },
        { key: "B", weight: 1 },
      ]).key;
      const livePrice = `$${prices[live.id]![liveVariant === "A" ? 0 : 1]}`;
      const join = await h.sayReply(user, `/join ${live.id}`);
      expect(labels(join)).toContain(`Buy — ${livePrice}`);
      expect(await h.say(user, `/buy ${live.id}`)).toContain(`To pay: ${livePrice}`);
    }
    // Showing a price in passing is not an exposure: only the two /buy pages of each test were.
    const [course] = await experimentResults(h.ctx, { keys: [`price:${courseId}`] });
    expect(course!.variants.map((v) => v.exposures)).toEqual([1, 1]);
  });

  it("refuses a second running test on the same product", async () => {
    const { id, amount } = await course();
    const a = (amount / 100).toFixed(2);
    const b = ((amount + 500) / 100).toFixed(2);
    expect(await h.say(CREATOR, `/experiments new price ${id} ${a} ${b}`)).toContain("started");
    expect(await h.say(CREATOR, `/experiments new price ${id} ${a} ${b}`)).toContain("already has a price test");
    expect(await h.ctx.prisma.experiment.count()).toBe(1);
  });
});

describe("campaign holdouts", () => {
  it("hold out close to their weight over 2,000 members, the same members every time", async () => {
    const members = await createMembers(2000, "h");
    const held: number[] = [];
    for (const id of members) if (await isHeldOut(h.ctx, "spring", id)) held.push(id);
    const share = held.length / members.length;
    // 10 % ± 3 standard deviations of a binomial share over 2,000 (±2 points).
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    // Asked again: the same answer, and no new rows.
    for (const id of members.slice(0, 200)) expect(await isHeldOut(h.ctx, "spring", id)).toBe(held.includes(id));
    expect(await h.ctx.prisma.experimentAssignment.count()).toBe(2000);
    // A custom share applies to a new campaign; the campaign's first share stays.
    let quarter = 0;
    for (const id of members.slice(0, 400))
      if (await isHeldOut(h.ctx, "summer", id, { holdoutPercent: 25 })) quarter += 1;
    expect(quarter / 400).toBeGreaterThan(0.18);
    expect(quarter / 400).toBeLessThan(0.32);
    // Each campaign's sequential test is tuned to the smaller arm it could reach when it started.
    const memberCount = await h.ctx.prisma.member.count({ where: { role: "MEMBER" } });
    const spring = await h.ctx.prisma.experiment.findUniqueOrThrow({ where: { key: holdoutExperimentKey("spring") } });
    const summer = await h.ctx.prisma.experiment.findUniqueOrThrow({ where: { key: holdoutExperimentKey("summer") } });
    expect(spring.mixtureSd).toBeCloseTo(mixtureSdFor(memberCount * 0.1), 10);
    expect(summer.mixtureSd).toBeCloseTo(mixtureSdFor(memberCount * 0.25), 10);
    expect(spring.mixtureSd!).toBeGreaterThan(summer.mixtureSd!);
    const [result] = await experimentResults(h.ctx, { keys: [holdoutExperimentKey("spring")] });
    expect(result!.control.key).toBe("holdout");
    expect(result!.control.exposures).toBe(held.length);
  });
});

describe("/experiments", () => {
  it("is refused to members, and a member cannot start a test", async () => {
    const product = await h.ctx.prisma.product.findFirstOrThrow({ where: { slug: "python-data-analysis" } });
    expect(await h.say("someone", "/experiments")).toContain("Only the creator can do that.");
    expect(await h.say("someone", `/experiments new price ${product.id} 10 20`)).toContain("Only the creator");
    expect(await h.ctx.prisma.experiment.count()).toBe(0);
    expect(await h.say(CREATOR, "/experiments")).toContain("No experiments yet");
  });
});

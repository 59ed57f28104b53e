/**
 * The community simulator end to end on a real database: what it reports is what the product wrote (activity log,
 * orders, payments, past-due renewals, cancelled subscriptions), the same seed makes the same community, and the
 * churn model the product trains on the community's own history ranks the members the simulator made leave above
 * the ones it made stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSimulation } from "../../bots/simulation-run.js";
import { type CoreContext, defaultCoreConfig, silentLogger } from "../../core/context.js";
import { assessChurnRisk } from "../../core/insights/assess-churn-risk.js";
import { computeAuc } from "../../core/insights/compute-auc.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const END = new Date("2026-06-01T00:00:00Z");

/** What a member did, in the product's own rows, without ids (they differ between databases). */
async function activitySignature(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql.query<{ line: string }>(`
    SELECT concat_ws(' ', a."externalId", e."kind", p."slug", to_char(e."occurredAt", 'YYYY-MM-DD"T"HH24:MI')) AS "line"
    FROM "ActivityEvent" e
    JOIN "PlatformAccount" a ON a."memberId" = e."memberId"
    LEFT JOIN "Product" p ON p."id" = e."productId"
    ORDER BY 1`);
  return rows.map((r) => r.line);
}

function readContext(db: TestDatabase, now: Date): CoreContext {
  return {
    prisma: db.prisma,
    sql: db.sql,
    clock: { now: () => now },
    config: defaultCoreConfig,
    log: silentLogger,
    jobs: { enqueue: async () => {} },
    payments: {},
    gateways: {},
  };
}

describe("community simulator", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("lives through the product's use cases, and the community's churn model finds its leavers", async () => {
    const result = await runSimulation({ db, members: 120, days: 60, seed: 1, end: END });
    if (!result.ok) throw new Error(result.reason);
    const { summary, truth } = result;
    expect(result.seededDemo).toBe(true);
    expect(summary.members).toBe(120);
    expect(summary.leavers).toBeGreaterThan(20);
    expect(summary.stayers).toBeGreaterThan(50);

    // --- What the summary says is what the product wrote.
    expect(await db.prisma.platformAccount.count({ where: { externalId: { startsWith: "sim-1-" } } })).toBe(120);
    expect(await db.prisma.activityEvent.count()).toBe(summary.activityEvents);
    const kinds = await db.prisma.activityEvent.groupBy({ by: ["kind"], _count: true });
    const count = (kind: string) => kinds.find((k) => k.kind === kind)?._count ?? 0;
    expect(count("lesson_opened")).toBe(summary.lessonOpens);
    expect(count("lesson_completed")).toBe(summary.lessonCompletions);
    expect(count("question_asked")).toBe(summary.questions);
    expect(count("order_created")).toBeGreaterThanOrEqual(summary.purchases);
    expect(await db.prisma.order.count({ where: { status: "PAID" } })).toBe(summary.purchases);
    // Every purchase and every paid renewal is one payment (a trial's first invoice is a payment of 0).
    expect(await db.prisma.payment.count()).toBe(summary.purchases + summary.renewals);
    expect(summary.subscriptionsStarted).toBeGreaterThan(0);
    expect(summary.renewals).toBeGreaterThan(0);
    expect(summary.failedRenewals).toBeGreaterThan(0);
    // A declined renewal went through the product's past-due path (the member is told, access kept for the grace).
    expect(await db.prisma.outboxItem.count({ where: { dedupeKey: { startsWith: "renewal-failed:" } } })).toBe(
      summary.failedRenewals,
    );
    expect(await db.prisma.subscription.count({ where: { status: "CANCELED" } })).toBe(summary.cancellations);
    expect(await db.prisma.outboxItem.count({ where: { status: { not: "DONE" } } })).toBe(0);
    // Members joined on their simulated day, not when the test ran.
    const joined = await db.prisma.member.aggregate({ where: { role: "MEMBER" }, _max: { createdAt: true } });
    expect(joined._max.createdAt!.getTime()).toBeLessThan(END.getTime());
    // The daily jobs' work was done at the end, on the simulated history: a score per current member, recommendations.
    expect(result.churnScored).toBeGreaterThan(50);
    // (The weekly runs of the daily messages job scored members too, on their simulated days.)
    expect(await db.prisma.churnScore.count({ where: { computedAt: END } })).toBe(result.churnScored);
    expect(result.recommended).toBeGreaterThan(50);

    // The creator's price test: members who came to buy the course saw one of two prices (the exposure), fewer bought
    // at the higher one, and each purchase counted as its variant's conversion through the payment.
    const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { key: { startsWith: "price:" } } });
    const productId = Number(experiment.key.slice("price:".length));
    // Started on the simulated first day (the experiment is dated by the clock, not by the database).
    expect(experiment.createdAt.getTime()).toBe(END.getTime() - 60 * 86_400_000);
    const assignments = await db.prisma.experimentAssignment.findMany({ where: { experimentId: experiment.id } });
    const rate = (variant: string) => {
      const shown = assignments.filter((a) => a.variant === variant);
      return shown.filter((a) => a.convertedAt).length / Math.max(1, shown.length);
    };
    expect(assignments.filter((a) => a.variant === "A").length).toBeGreaterThan(3);
    expect(assignments.filter((a) => a.variant === "B").length).toBeGreaterThan(3);
    expect(assignments.filter((a) => a.convertedAt).length).toBe(
      await db.prisma.order.count({ where: { productId, status: "PAID" } }),
    );
    expect(summary.priceWalkaways).toBeGreaterThan(0);
    expect(rate("B")).toBeGreaterThan(rate("A"));

    // --- The creator's daily messages over the last weeks: one delivery per message, a holdout that got nothing,
    // the members' taps on the rows, and purchases after a tap counted as their campaign's conversions.
    expect(summary.nudgesSent).toBeGreaterThan(20);
    expect(summary.nudgesHeldOut).toBeGreaterThan(0);
    const nudges = await db.prisma.recommendation.findMany({ where: { variant: { startsWith: "nudge-" } } });
    const treatment = nudges.filter((row) => row.variant!.endsWith(":treatment"));
    const heldOut = nudges.filter((row) => row.variant!.endsWith(":holdout"));
    expect(treatment).toHaveLength(summary.nudgesSent);
    expect(heldOut).toHaveLength(summary.nudgesHeldOut);
    expect(await db.prisma.delivery.count({ where: { kind: "RECOMMENDATION" } })).toBe(summary.nudgesSent);
    expect(heldOut.every((row) => row.sentAt === null && row.clickedAt === null)).toBe(true);
    expect(treatment.filter((row) => row.clickedAt).length).toBe(summary.nudgesTapped);
    expect(summary.nudgesTapped).toBeGreaterThan(0);
    expect(summary.nudgePurchases).toBeGreaterThan(0);
    const campaignConversions = await db.prisma.experimentAssignment.count({
      where: { variant: "treatment", convertedAt: { not: null }, experiment: { key: { startsWith: "campaign:" } } },
    });
    expect(campaignConversions).toBeGreaterThan(0);

    // --- The churn model, trained on the community's own history, against the simulator's truth.
    const { model, assessments } = await assessChurnRisk(readContext(db, END), {
      asOf: END,
      settings: { idleDays: 14, lookbackDays: 45, snapshotEveryDays: 7 },
    });
    expect(model.kind).toBe("learned");
    const leaver = new Map(truth.members.map((m) => [m.memberId, m.leaver ? 1 : 0]));
    const scored = assessments.filter((a) => leaver.has(a.memberId));
    const labels = scored.map((a) => leaver.get(a.memberId) as number);
    // Both kinds of member are still around to be scored (the long-gone are not "current" any more).
    expect(labels.filter((l) => l === 1).length).toBeGreaterThan(5);
    expect(labels.filter((l) => l === 0).length).toBeGreaterThan(40);
    const auc = computeAuc(
      scored.map((a) => a.score),
      labels,
    );
    expect(auc).toBeGreaterThan(0.75);
  }, 120_000); // about 25 s of simulation on a busy two-core machine

  it("makes the same community for the same seed", async () => {
    const other = await createTestDatabase();
    const another = await createTestDatabase();
    try {
      const first = await runSimulation({ db: other, members: 25, days: 20, seed: 7, end: END, insights: false });
      const second = await runSimulation({ db: another, members: 25, days: 20, seed: 7, end: END, insights: false });
      if (!first.ok || !second.ok) throw new Error("the simulation was refused");
      expect(second.summary).toEqual(first.summary);
      // Member ids are the database's (members of one simulated hour are created concurrently): compare the rest.
      const withoutIds = (truth: typeof first.truth) => ({
        ...truth,
        members: truth.members.map(({ memberId: _, ...member }) => member),
      });
      expect(withoutIds(second.truth)).toEqual(withoutIds(first.truth));
      const signature = await activitySignature(other);
      expect(signature.length).toBeGreaterThan(50);
      expect(await activitySignature(another)).toEqual(signature);
      // A second run of the same seed on the same database is refused: it would not be the same community.
      expect(await runSimulation({ db: other, members: 25, days: 20, seed: 7, end: END, insights: false })).toEqual({
        ok: false,
        reason: "ALREADY_SIMULATED",
      });
    } finally {
      await other.close();
      await another.close();
    }
  }, 60_000);
});

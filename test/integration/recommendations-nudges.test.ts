/**
 * Recommendations and nudges, driven the way members and the jobs drive them: /foryou and its tracked buttons
 * through the router every adapter uses, the daily job through the real job runner and the real sender (quiet
 * hours, pacing, the RecordingGateway), on a small community written into a real database. Holdouts, the frequency
 * cap, opt-outs, retention nudges for members at risk and conversions are checked on the rows and on what members
 * receive.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Button, Reply } from "../../core/conversation/reply.js";
import { holdoutExperimentKey } from "../../core/insights/experiment-keys.js";
import { NUDGE_CAMPAIGNS } from "../../core/insights/plan-nudge.js";
import { refreshRecommendations } from "../../core/insights/refresh-recommendations.js";
import { runDailyRecommendations } from "../../core/insights/run-daily-recommendations.js";
import { sendDailyNudges } from "../../core/insights/send-daily-nudges.js";
import { flushActivity } from "../../core/learning/record-activity.js";
import { MESSAGING_SWEEP_JOB, RECOMMENDATIONS_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const DAY = 86_400_000;

describe("recommendations and nudges", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await flushActivity(h.ctx);
    await h.reset();
    h.gateway.replies.length = 0;
    // Most tests look at who gets what; the holdout has its own test.
    h.ctx.recommendations = { holdoutPercent: 0 };
  });

  const buttons = (reply: Reply): Button[] => reply.messages.flatMap((m) => (m.buttons ?? []).flat());
  const actions = (reply: Reply) => buttons(reply).flatMap((b) => ("action" in b ? [b.action] : []));
  const product = (slug: string) =>
    h.db.prisma.product.findUniqueOrThrow({ where: { slug }, select: { id: true, titleEn: true, titleZh: true } });
  const prisma = () => h.db.prisma;

  async function member(user: string): Promise<number> {
    await h.say(user, "/start");
    return h.memberId(user);
  }
  async function grant(memberId: number, productId: number): Promise<void> {
    await prisma().entitlement.create({
      data: { memberId, productId, source: "GRANT", startsAt: new Date(h.clock.now().getTime() - DAY) },
    });
  }
  async function runJob(): Promise<void> {
    await h.jobs.enqueue(RECOMMENDATIONS_JOB, {});
    await h.jobs.idle();
  }
  async function sweep(): Promise<void> {
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, { reminderDays: 3 });
    await h.jobs.idle();
  }
  /** Nobody is at risk unless a test says so (a recent score exists, so the churn scoring is not run here). */
  async function nobodyAtRisk(memberId: number): Promise<void> {
    await prisma().churnScore.create({
      data: { memberId, score: 0.05, features: {}, modelVersion: "test", computedAt: h.clock.now() },
    });
  }

  /**
   * Five members took Python and the article together; a secret (unpublished) course is owned by all of them, so
   * the model would rank it first if the rules let it. Returns the products.
   */
  async function community() {
    const python = await product("python-data-analysis");
    const article = await product("ten-thousand-members");
    const prompt = await product("prompt-engineering");
    const secret = await prisma().product.create({
      data: {
        kind: "COURSE",
        slug: "secret-course",
        titleEn: "Secret Course",
        titleZh: "秘密课程",
        published: false,
        offers: { create: { amount: 1000, currency: "usd" } },
      },
    });
    for (let i = 1; i <= 5; i += 1) {
      const fan = await member(`fan${i}`);
      await grant(fan, python.id);
      await grant(fan, article.id);
      await grant(fan, secret.id);
      if (i <= 2) await grant(fan, prompt.id);
    }
    await nobodyAtRisk(await h.memberId("fan1"));
    return { python, article, prompt, secret };
  }

  it("/foryou shows what fits with its reason in the reader's language, never what they own or what is unpublished", async () => {
    const { python, article, secret } = await community();
    const ann = await member("ann");
    await grant(ann, python.id);

    const reply = await h.sayReply("ann", "/foryou");
    const text = reply.messages.map((m) => m.text).join("\n");
    expect(text).toContain("For you");
    expect(text).toContain("How I Grew to 10,000 Members");
    expect(text).toContain("because you took Python for Data Analysis");
    expect(text).not.toContain("Secret Course");
    expect(text).not.toMatch(/\*\*Python for Data Analysis\*\*/);
    // The stored rows agree: nothing owned, nothing unpublished.
    const stored = await prisma().recommendation.findMany({ where: { memberId: ann } });
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((r) => r.productId)).not.toContain(python.id);
    expect(stored.map((r) => r.productId)).not.toContain(secret.id);
    // Every item has a tracked Details button and a Buy button.
    expect(actions(reply).filter((a) => /^rec \d+ \d+$/.test(a)).length).toBe(stored.length);
    expect(actions(reply)).toContain(`${actions(reply)[0]} buy`);

    expect(await h.say("ann", "/language zh")).toBeTruthy();
    const chinese = await h.say("ann", "/foryou");
    expect(chinese).toContain("为你推荐");
    expect(chinese).toContain("我如何做到一万名会员");
    expect(chinese).toContain("因为你学过《Python 数据分析入门》");

    // Bought since the daily run: gone from the list at once, without waiting for the next run.
    await grant(ann, article.id);
    expect(await h.say("ann", "/foryou")).not.toContain("我如何做到一万名会员");
  });

  it("/foryou leads with a course the member previewed and never held, saying so; once theirs it is gone", async () => {
    const { python, article } = await community();
    const bea = await member("bea");
    await grant(bea, article.id);
    // The free preview of the Python course, twice: looking at it, not buying it.
    await h.say("bea", `/lesson ${python.id} 1`);
    await h.say("bea", `/lesson ${python.id} 1`);
    await flushActivity(h.ctx);

    const list = await h.say("bea", "/foryou");
    const lines = list.split("\n");
    expect(lines[1]).toMatch(/^1\. Python for Data Analysis — /);
    expect(lines[2]).toContain("you have been looking at it");
    const row = await prisma().recommendation.findFirstOrThrow({ where: { memberId: bea, productId: python.id } });
    expect(JSON.parse(row.reason)).toEqual({ key: "lookedAt" });
    expect(await h.say("bea", "/language zh")).toBeTruthy();
    expect(await h.say("bea", "/foryou")).toContain("你最近一直在看它");

    // Only the previewed course is "looked at"; once bought it leaves the list.
    expect(list.match(/looking at it/g)).toHaveLength(1);
    await grant(bea, python.id);
    await refreshRecommendations(h.ctx, { memberIds: [bea] });
    const after = await prisma().recommendation.findMany({ where: { memberId: bea, variant: null } });
    expect(after.map((r) => r.productId)).not.toContain(python.id);
    expect(after.every((r) => JSON.parse(r.reason).key !== "lookedAt")).toBe(true);
  });

  it("a tap on a recommendation records clickedAt once and shows the course; a tampered button records nothing", async () => {
    const { python } = await community();
    const ann = await member("ann");
    await grant(ann, python.id);
    const reply = await h.sayReply("ann", "/foryou");
    const details = actions(reply)[0]!;
    const [, id, productId] = details.split(" ").map(Number);
    const page = await h.press("ann", details);
    const row = await prisma().recommendation.findUniqueOrThrow({ where: { id } });
    expect(row.clickedAt).toEqual(h.clock.now());
    const title = await prisma().product.findUniqueOrThrow({ where: { id: productId } });
    expect(page).toContain(title.titleEn);
    h.clock.advanceDays(0.01);
    await h.press("ann", details);
    expect((await prisma().recommendation.findUniqueOrThrow({ where: { id } })).clickedAt).toEqual(row.clickedAt);

    // Bob presses Ann's row: no click recorded on it, and he sees only the course page anyone may open.
    const fresh = await prisma().recommendation.findFirstOrThrow({
      where: { memberId: ann, clickedAt: null },
      select: { id: true, productId: true },
    });
    await member("bob");
    expect(await h.press("bob", `rec ${fresh.id} ${fresh.productId}`)).toContain(`#${fresh.productId}`);
    expect((await prisma().recommendation.findUniqueOrThrow({ where: { id: fresh.id } })).clickedAt).toBeNull();
  });

  it("the daily job sends one recommendation per member, however often and however concurrently it runs", async () => {
    await community();
    const ann = await member("ann");
    await grant(ann, (await product("python-data-analysis")).id);

    await Promise.all([runDailyRecommendations(h.ctx), runDailyRecommendations(h.ctx), runJob()]);
    await runJob();
    await h.jobs.idle();

    const deliveries = await prisma().delivery.findMany({ where: { kind: "RECOMMENDATION" } });
    const perMember = new Map<number, number>();
    for (const d of deliveries) perMember.set(d.memberId, (perMember.get(d.memberId) ?? 0) + 1);
    expect(perMember.get(ann)).toBe(1);
    expect([...perMember.values()].every((count) => count === 1)).toBe(true);
    const toAnn = h.gateway.messagesTo("ann").filter((t) => t.includes("Picked for you"));
    expect(toAnn).toHaveLength(1);
    expect(toAnn[0]).toContain("because you took Python for Data Analysis");
    // The message's button is the tracked action of the campaign's own row.
    const sent = h.gateway.replies.find((r) => r.to === "ann" && r.reply.messages[0]!.text.includes("Picked"))!;
    const [action] = actions(sent.reply);
    const campaignRow = await prisma().recommendation.findFirstOrThrow({
      where: { memberId: ann, variant: `${NUDGE_CAMPAIGNS.recommendation}:treatment` },
    });
    expect(action).toBe(`rec ${campaignRow.id} ${campaignRow.productId}`);
    expect(campaignRow.sentAt).not.toBeNull();
  });

  it("a run that crashes part-way loses nothing and repeats nothing: the next run finishes it, one message each", async () => {
    const { python } = await community();
    for (const name of ["gia", "hal", "ivy", "jon"]) await grant(await member(name), python.id);
    await refreshRecommendations(h.ctx);
    // The third member's transaction fails as a crash would (the process dies there): the run stops part-way, after
    // the first members' rows were committed and before the sender was woken.
    const real = h.ctx.prisma;
    let transactions = 0;
    h.ctx.prisma = new Proxy(real, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "$transaction") return typeof value === "function" ? value.bind(target) : value;
        return (...args: Parameters<typeof real.$transaction>) => {
          transactions += 1;
          if (transactions === 3) throw new Error("crash between two members");
          return (real.$transaction as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
    try {
      await expect(sendDailyNudges(h.ctx)).rejects.toThrow("crash between two members");
    } finally {
      h.ctx.prisma = real;
    }
    const written = await prisma().delivery.count({ where: { kind: "RECOMMENDATION" } });
    expect(written).toBe(2);
    // The restarted job: the rows written before the crash are sent, nobody gets a second one.
    await sendDailyNudges(h.ctx);
    await sendDailyNudges(h.ctx);
    await sweep();
    await h.jobs.idle();
    const deliveries = await prisma().delivery.findMany({ where: { kind: "RECOMMENDATION" } });
    const perMember = new Map<number, number>();
    for (const d of deliveries) perMember.set(d.memberId, (perMember.get(d.memberId) ?? 0) + 1);
    expect(deliveries.length).toBeGreaterThan(written);
    expect([...perMember.values()].every((count) => count === 1)).toBe(true);
    const rows = await prisma().recommendation.groupBy({
      by: ["memberId"],
      where: { variant: { startsWith: "nudge-" } },
      _count: { _all: true },
    });
    expect(rows.every((row) => row._count._all === 1)).toBe(true);
    for (const name of ["gia", "hal", "ivy", "jon"]) {
      expect(h.gateway.messagesTo(name).filter((t) => t.includes("Picked for you"))).toHaveLength(1);
    }
  });

  it("opted-out members get nothing; a member messaged 3 days ago gets nothing more until the cap has passed", async () => {
    await community();
    const python = await product("python-data-analysis");
    const [ann, olga, late] = [await member("ann"), await member("olga"), await member("late")];
    for (const id of [ann, olga, late]) await grant(id, python.id);
    await h.say("olga", "/optout recommendations");
    await h.say("late", "/optout recommendations");

    await runJob();
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("Picked for you"))).toHaveLength(1);
    expect(await prisma().delivery.count({ where: { memberId: { in: [olga, late] } } })).toBe(0);

    // Three days on, "late" opts in: there is something for him, so there would be for Ann too; she is capped.
    h.clock.advanceDays(3);
    await h.say("late", "/optin recommendations");
    await nobodyAtRisk(ann);
    await runJob();
    expect(h.gateway.messagesTo("late").filter((t) => t.includes("Picked for you"))).toHaveLength(1);
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("Picked for you"))).toHaveLength(1);
    expect(await prisma().delivery.count({ where: { memberId: ann, kind: "RECOMMENDATION" } })).toBe(1);
    expect(await prisma().delivery.count({ where: { memberId: olga } })).toBe(0);

    // A week after her message, Ann hears of something new (not what she was messaged before).
    h.clock.advanceDays(4.5);
    await nobodyAtRisk(ann);
    await runJob();
    const rows = await prisma().recommendation.findMany({
      where: { memberId: ann, variant: { not: null } },
      orderBy: { id: "asc" },
    });
    expect(rows).toHaveLength(2);
    expect(rows[1]!.productId).not.toBe(rows[0]!.productId);
  });

  it("held-out members get nothing but are recorded; the rest get their message", async () => {
    h.ctx.recommendations = { holdoutPercent: 50 };
    await community();
    const python = await product("python-data-analysis");
    const users = Array.from({ length: 12 }, (_, i) => `m${i}`);
    for (const user of users) await grant(await member(user), python.id);

    await runJob();
    const experiment = await prisma().experiment.findUniqueOrThrow({
      where: { key: holdoutExperimentKey(NUDGE_CAMPAIGNS.recommendation) },
      include: { assignments: true },
    });
    const held = experiment.assignments.filter((a) => a.variant === "holdout").map((a) => a.memberId);
    const reached = experiment.assignments.filter((a) => a.variant === "treatment").map((a) => a.memberId);
    expect(held.length).toBeGreaterThan(0);
    expect(reached.length).toBeGreaterThan(0);
    expect(await prisma().delivery.count({ where: { memberId: { in: held } } })).toBe(0);
    const heldRows = await prisma().recommendation.findMany({
      where: { memberId: { in: held }, variant: { not: null } },
    });
    expect(heldRows).toHaveLength(held.length);
    expect(heldRows.every((r) => r.variant?.endsWith(":holdout") && r.sentAt === null)).toBe(true);
    expect(await prisma().delivery.count({ where: { memberId: { in: reached }, kind: "RECOMMENDATION" } })).toBe(
      reached.length,
    );
  });

  it("a member at risk gets their next lesson, and the button opens it", async () => {
    await community();
    const python = await prisma().product.findUniqueOrThrow({
      where: { slug: "python-data-analysis" },
      include: { lessons: { orderBy: { position: "asc" } } },
    });
    const risky = await member("risky");
    await grant(risky, python.id);
    await prisma().lessonProgress.create({
      data: {
        memberId: risky,
        lessonId: python.lessons[0]!.id,
        completedAt: new Date(h.clock.now().getTime() - 20 * DAY),
      },
    });
    await prisma().churnScore.create({
      data: { memberId: risky, score: 0.9, features: {}, modelVersion: "test", computedAt: h.clock.now() },
    });

    await runJob();
    const nudge = h.gateway.replies.find((r) => r.to === "risky")!;
    expect(nudge.reply.messages[0]!.text).toContain(`lesson 2, ${python.lessons[1]!.titleEn}`);
    const row = await prisma().recommendation.findFirstOrThrow({
      where: { memberId: risky, variant: `${NUDGE_CAMPAIGNS.retention}:treatment` },
    });
    expect(actions(nudge.reply)).toEqual([`rec ${row.id} ${python.id}`]);
    const opened = await h.press("risky", `rec ${row.id} ${python.id}`);
    expect(opened).toContain(python.lessons[1]!.titleEn);
    expect((await prisma().recommendation.findUniqueOrThrow({ where: { id: row.id } })).clickedAt).not.toBeNull();
  });

  it("a purchase of the recommended course after the message counts as the campaign's conversion", async () => {
    await community();
    const buyer = await member("buyer");
    await grant(buyer, (await product("python-data-analysis")).id);
    await runJob();
    const row = await prisma().recommendation.findFirstOrThrow({
      where: { memberId: buyer, variant: `${NUDGE_CAMPAIGNS.recommendation}:treatment` },
    });
    h.clock.advanceDays(1);
    // The message's button, then Buy: a manual payment the creator confirms.
    const ordered = await h.press("buyer", `rec ${row.id} ${row.productId} buy`);
    const order = Number(/#(\d+)/.exec(ordered)?.[1]);
    expect(await h.say(CREATOR, `/confirm ${order}`)).toContain(`#${order}`);
    await sweep();

    const assignment = await prisma().experimentAssignment.findFirstOrThrow({
      where: { memberId: buyer, experiment: { key: holdoutExperimentKey(NUDGE_CAMPAIGNS.recommendation) } },
    });
    expect(assignment.variant).toBe("treatment");
    expect(assignment.convertedAt).not.toBeNull();
    // Only the buyer converted (the other members were messaged and bought nothing).
    const others = await prisma().experimentAssignment.count({ where: { convertedAt: { not: null } } });
    expect(others).toBe(1);
  });
});

/**
 * The daily messages: who gets what. Members at risk of leaving (their latest churn score at or above the risk
 * threshold) get a retention nudge, members who have never bought and likely will (first-purchase propensity at or
 * above its threshold) a first-purchase offer, the others a recommendation when something new fits (plan-nudge.ts). Left
 * out: staff, erased members, members who opted out of offers, members without a reachable account, and members
 * messaged within the frequency cap (a nudge of either kind, or a creator's retention message from /atrisk, within
 * `capDays`). Each campaign keeps a holdout (`isHeldOut`): a held-out member gets nothing, and what they would have
 * got is recorded as a Recommendation row (variant `<campaign>:holdout`) so conversions compare like with like.
 *
 * Exactly once per member and day, even when two runs overlap: the member's recommendation row, coupon and
 * delivery row are written in one transaction under a per-member-day lock, after checking that no run wrote today's
 * row already; the delivery's dedupe key (`nudge:<member>:<day>`) backs that up. The delivery rows go to the sender
 * like every personal message (quiet hours, pacing, opt-out checked again at sending).
 *
 * @example const report = await sendDailyNudges(ctx) // { queued: 40, heldOut: 5, capped: 12, nothing: 80 }
 */
import type { Platform } from "../../prisma/generated/enums.js";
import { addDays } from "../access/entitlement-window.js";
import { createMemberCoupon } from "../commerce/create-member-coupon.js";
import type { CoreContext } from "../context.js";
import { kickSenders } from "../messaging/send-deliveries.js";
import { isHeldOut } from "./experiment-holdout.js";
import { findAtRiskMembers } from "./find-at-risk-members.js";
import { type FirstPurchaseOffer, pickFirstPurchaseOffers } from "./pick-first-purchase-offers.js";
import { planNudge } from "./plan-nudge.js";
import { encodeRecommendationReason } from "./recommendation-reason.js";
import { recommendationSettings } from "./recommendation-settings.js";

export interface DailyNudgesReport {
  /** Messages queued today by this run. */
  queued: number;
  /** Members held out (recorded, sent nothing). */
  heldOut: number;
  /** Members skipped for the frequency cap (or already handled today). */
  capped: number;
  /** Members with nothing worth a message. */
  nothing: number;
}

const DAY_MS = 86_400_000;

export async function sendDailyNudges(
  ctx: CoreContext,
  options: { signal?: AbortSignal } = {},
): Promise<DailyNudgesReport> {
  const settings = recommendationSettings(ctx);
  const now = ctx.clock.now();
  const day = now.toISOString().slice(0, 10);
  const dayStart = new Date(`${day}T00:00:00.000Z`);
  const report: DailyNudgesReport = { queued: 0, heldOut: 0, capped: 0, nothing: 0 };
  const members = await ctx.prisma.member.findMany({
    where: { erasedAt: null, marketingOptOut: false, role: "MEMBER" },
    select: {
      id: true,
      role: true,
      accounts: { where: { unreachableSince: null }, orderBy: { id: "asc" }, select: { id: true, platform: true } },
    },
    orderBy: { id: "asc" },
  });
  const audience = members.flatMap((member) => {
    const account = member.accounts.find((a) => ctx.gateways[a.platform]);
    return account ? [{ member, account }] : [];
  });
  if (!audience.length) return report;
  const capped = await cappedMembers(ctx, new Date(now.getTime() - settings.capDays * DAY_MS));
  const atRisk = await findAtRiskMembers(ctx, { threshold: settings.riskThreshold });
  // Who has bought: the others may get a first-purchase offer. The propensity model behind those offers learns from
  // the whole community, so it runs only once someone needs it: the job runs hourly, and after the day's first run
  // nearly everyone is capped.
  const buyers = new Set(
    (
      await ctx.prisma.order.findMany({
        where: { paidAt: { not: null } },
        select: { memberId: true },
        distinct: ["memberId"],
      })
    ).map((order) => order.memberId),
  );
  let firstPurchase: Promise<Map<number, FirstPurchaseOffer>> | null = null;
  const firstPurchaseFor = (memberId: number) => {
    firstPurchase ??= pickFirstPurchaseOffers(ctx, { minProbability: settings.firstPurchaseProbability }).then(
      (picks) => new Map(picks.map((pick) => [pick.memberId, pick])),
    );
    return firstPurchase.then((picks) => picks.get(memberId));
  };
  const platforms = new Set<Platform>();
  for (const { member, account } of audience) {
    if (options.signal?.aborted) break;
    if (capped.has(member.id)) {
      report.capped += 1;
      continue;
    }
    const risky = atRisk.has(member.id);
    const plan = await planNudge(ctx, {
      member,
      atRisk: risky,
      settings,
      firstPurchase: risky || buyers.has(member.id) ? undefined : await firstPurchaseFor(member.id),
    });
    if (!plan) {
      report.nothing += 1;
      continue;
    }
    // Asked only of members who would get a message: both arms are drawn from the same people.
    const heldOut = await isHeldOut(ctx, plan.campaign, member.id, { holdoutPercent: settings.holdoutPercent });
    const dedupeKey = `nudge:${member.id}:${day}`;
    const outcome = await ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${dedupeKey}))`;
      const already = await tx.recommendation.findFirst({
        where: { memberId: member.id, variant: { startsWith: "nudge-" }, createdAt: { gte: dayStart } },
        select: { id: true },
      });
      if (already) return "already" as const;
      const row = await tx.recommendation.create({
        data: {
          memberId: member.id,
          productId: plan.productId,
          score: plan.score,
          reason: encodeRecommendationReason(plan.reason),
          variant: `${plan.campaign}:${heldOut ? "holdout" : "treatment"}`,
          createdAt: now,
          sentAt: heldOut ? null : now,
        },
      });
      if (heldOut) return "heldOut" as const;
      const coupon =
        plan.couponPercent > 0
          ? await createMemberCoupon(tx, {
              memberId: member.id,
              percentOff: plan.couponPercent,
              productId: plan.productId,
              expiresAt: addDays(now, settings.couponDays),
            })
          : null;
      const created = await tx.delivery.createMany({
        data: [
          {
            kind: "RECOMMENDATION",
            memberId: member.id,
            accountId: account.id,
            dedupeKey,
            payload: plan.payload(row.id, coupon && { code: coupon.code, expiresAt: coupon.expiresAt! }),
            notBefore: now,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      if (!created.count) throw new Error(`nudge ${dedupeKey} exists without its recommendation row`);
      return "queued" as const;
    });
    if (outcome === "queued") {
      report.queued += 1;
      platforms.add(account.platform);
    } else if (outcome === "heldOut") report.heldOut += 1;
    else report.capped += 1;
  }
  if (platforms.size) await kickSenders(ctx, [...platforms]);
  ctx.log.info({ ...report }, "daily nudges");
  return report;
}

/**
 * Members messaged within the cap window: a daily nudge (sent or still waiting; one the sender dropped or could not
 * deliver does not count), a creator's retention message from /atrisk, or a holdout record (a held-out member is
 * capped like one who got the message, or the holdout would be asked more often than the treatment).
 */
async function cappedMembers(ctx: CoreContext, since: Date): Promise<Set<number>> {
  const [deliveries, heldOut] = await Promise.all([
    ctx.prisma.delivery.findMany({
      where: {
        createdAt: { gte: since },
        status: { in: ["PENDING", "SENT", "FAILED"] },
        OR: [{ kind: "RECOMMENDATION" }, { dedupeKey: { startsWith: "retention-" } }],
      },
      select: { memberId: true },
      distinct: ["memberId"],
    }),
    ctx.prisma.recommendation.findMany({
      where: { createdAt: { gte: since }, variant: { startsWith: "nudge-", endsWith: ":holdout" } },
      select: { memberId: true },
      distinct: ["memberId"],
    }),
  ]);
  return new Set([...deliveries, ...heldOut].map((row) => row.memberId));
}

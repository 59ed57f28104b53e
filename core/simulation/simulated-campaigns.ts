/**
 * The creator's daily messages in a simulated community, and the members' answer to them. The job (`scoreChurnDaily`,
 * then `runDailyRecommendations`: retention nudges, first-purchase offers and recommendations, each campaign with its
 * holdout) runs every CAMPAIGN_EVERY_DAYS days over the last CAMPAIGN_WEEKS weeks: fewer runs than production's daily
 * ones keep the simulation quick, and the frequency cap allows one message a week anyway. A member reads a message on
 * an active day within a week of it and taps its button with TAP_CHANCE (LEAVER_TAP_CHANCE once they decided to
 * leave); a tap on a course they hold opens its next lesson, on anything else buys it with BUY_AFTER_TAP, using the
 * message's coupon. Held-out members get nothing and so tap nothing: their conversions are the ones that would have
 * happened anyway, and /experiments shows what the messages added.
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import { recordRecommendationClick } from "../insights/record-recommendation-click.js";
import { runDailyRecommendations } from "../insights/run-daily-recommendations.js";
import { scoreChurnDaily } from "../insights/score-churn-daily.js";
import { openLesson } from "../learning/open-lesson.js";
import { flushActivity } from "../learning/record-activity.js";
import { purchase } from "./simulated-checkout.js";
import { DAY_MS, hasDecidedToLeave } from "./simulated-people.js";
import type { SimulatedMember, SimulationWorld } from "./simulation-world.js";

const CAMPAIGN_EVERY_DAYS = 7;
const CAMPAIGN_WEEKS = 4;
/** A message is read (and may be acted on) within this many days. */
const READ_WITHIN_DAYS = 7;
const TAP_CHANCE = 0.3;
const LEAVER_TAP_CHANCE = 0.1;
const BUY_AFTER_TAP = 0.4;

/** Whether the daily messages job runs at the start of simulated day `day` of `days`. */
export function isCampaignDay(day: number, days: number): boolean {
  const fromEnd = days - day;
  return fromEnd > 0 && fromEnd <= CAMPAIGN_WEEKS * CAMPAIGN_EVERY_DAYS && fromEnd % CAMPAIGN_EVERY_DAYS === 0;
}

/** One run of the daily messages job, as the product schedules it, on the simulation's clock. */
export async function runSimulatedCampaigns(world: SimulationWorld): Promise<void> {
  await flushActivity(world.ctx);
  await scoreChurnDaily(world.ctx);
  const { nudges } = await runDailyRecommendations(world.ctx);
  world.tallies.nudgesSent += nudges?.queued ?? 0;
  world.tallies.nudgesHeldOut += nudges?.heldOut ?? 0;
  // What this run sent lands in the members' inboxes (a newer message replaces an older one), so a member's day
  // reads it from memory rather than asking the database every simulated day.
  const sent = await world.ctx.prisma.recommendation.findMany({
    where: { variant: { startsWith: "nudge-", endsWith: ":treatment" }, sentAt: world.ctx.clock.now() },
    orderBy: { id: "asc" },
    select: { id: true, memberId: true, productId: true, sentAt: true },
  });
  for (const row of sent) world.inbox.set(row.memberId, { id: row.id, productId: row.productId, sentAt: row.sentAt! });
}

/** The member's latest unread message of the daily job, perhaps tapped and acted on. */
export async function respondToNudge(world: SimulationWorld, member: SimulatedMember, day: number): Promise<void> {
  if (!member.member) return;
  const { ctx } = world;
  const { person } = member;
  const memberId = member.member.id;
  const now = ctx.clock.now();
  const message = world.inbox.get(memberId);
  if (!message || message.sentAt.getTime() < now.getTime() - READ_WITHIN_DAYS * DAY_MS) return;
  if (person.random() >= (hasDecidedToLeave(person, day) ? LEAVER_TAP_CHANCE : TAP_CHANCE)) return;
  world.inbox.delete(memberId);
  await recordRecommendationClick(ctx, { memberId, recommendationId: message.id, productId: message.productId });
  world.tallies.nudgesTapped += 1;
  const holds = await ctx.prisma.entitlement.findFirst({
    where: { memberId, productId: message.productId, ...activeEntitlementWhere(now) },
    select: { id: true },
  });
  if (holds) {
    const opened = await openLesson(ctx, { member: member.member, target: { course: message.productId } });
    if (opened.ok && opened.via !== "PREVIEW") world.tallies.lessonOpens += 1;
    return;
  }
  const product = world.products.find((p) => p.id === message.productId);
  if (!product || person.random() >= BUY_AFTER_TAP) return;
  const coupon = await ctx.prisma.coupon.findFirst({
    where: { memberId, productId: product.id, expiresAt: { gt: now } },
    orderBy: { id: "desc" },
    select: { code: true },
  });
  if (await purchase(world, member, product, { couponCode: coupon?.code })) world.tallies.nudgePurchases += 1;
}

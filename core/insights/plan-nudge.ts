/**
 * What the daily nudge says to one member, decided before anything is written: a member at risk of leaving gets
 * their next lesson (where /learn would take them), or, with nothing to continue, a recommended course (with a
 * coupon when the creator set one); a member who has never bought and is likely to (`firstPurchase`, picked by
 * pick-first-purchase-offers.ts) gets a first-purchase offer of the course they looked at, with a one-member coupon
 * unless the creator set none; any other member gets a recommendation, only when there is one they have not been
 * shown in a message before. Null: nothing worth a message today.
 *
 * Every message's button is the tracked `rec <recommendation> <product>` action; the recommendation row it names is
 * written with the delivery, so the payload is built once that id exists.
 *
 * @example const plan = await planNudge(ctx, { member, atRisk: true, settings }); if (plan) plan.payload(rowId, null)
 */
import type { Role } from "../../prisma/generated/enums.js";
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import { plainText } from "../conversation/reply.js";
import type { DeliveryPayload } from "../messaging/delivery-payload.js";
import { nextLessonPayload } from "./nudge-at-risk-member.js";
import {
  describeRecommendationReason,
  parseRecommendationReason,
  type RecommendationReason,
  reasonProductIds,
} from "./recommendation-reason.js";
import type { RecommendationSettings } from "./recommendation-settings.js";

/** The campaigns of the daily job, each with its own holdout experiment (`campaign:<key>`). */
export const NUDGE_CAMPAIGNS = {
  retention: "nudge-retention",
  firstPurchase: "nudge-first-purchase",
  recommendation: "nudge-recommendation",
} as const;

/** A member gets at most one first-purchase offer in this many days, and never twice for the same product. */
export const FIRST_PURCHASE_OFFER_EVERY_DAYS = 30;
export type NudgeCampaign = (typeof NUDGE_CAMPAIGNS)[keyof typeof NUDGE_CAMPAIGNS];

export interface NudgePlan {
  campaign: NudgeCampaign;
  productId: number;
  score: number;
  reason: RecommendationReason;
  /** A coupon of this many percent goes with it (0: none). */
  couponPercent: number;
  /** The message, once its recommendation row (the tracked button's target) and coupon exist. */
  payload(recommendationId: number, coupon: { code: string; expiresAt: Date } | null): DeliveryPayload;
}

export async function planNudge(
  ctx: CoreContext,
  options: {
    member: { id: number; role: Role };
    atRisk: boolean;
    settings: RecommendationSettings;
    /** The product of a first-purchase offer, when the member was picked for one today. */
    firstPurchase?: { productId: number; probability: number };
  },
): Promise<NudgePlan | null> {
  const { member, atRisk, settings } = options;
  if (atRisk) {
    const lesson = await nextLessonPayload(ctx, member);
    const button = lesson?.type === "message" ? lesson.buttons?.[0] : undefined;
    const target = button && "action" in button ? /^lesson (\d+) (\d+)$/.exec(button.action) : null;
    if (lesson?.type === "message" && target) {
      const [courseId, number] = [Number(target[1]), Number(target[2])];
      return {
        campaign: NUDGE_CAMPAIGNS.retention,
        productId: courseId,
        score: 1,
        reason: { key: "nextLesson", number },
        couponPercent: 0,
        payload: (recommendationId) => ({
          ...lesson,
          buttons: [{ key: "buttonOpenLesson", action: `rec ${recommendationId} ${courseId}` }],
          marketing: true,
        }),
      };
    }
  }
  if (!atRisk && options.firstPurchase) {
    const plan = await planFirstPurchase(ctx, member.id, options.firstPurchase, settings);
    if (plan) return plan;
  }
  const fresh = await freshRecommendation(ctx, member.id);
  if (!fresh) return null;
  const { product, reason, score } = fresh;
  const campaign = atRisk ? NUDGE_CAMPAIGNS.retention : NUDGE_CAMPAIGNS.recommendation;
  const couponPercent = atRisk ? settings.couponPercent : 0;
  return {
    campaign,
    productId: product.id,
    score,
    reason,
    couponPercent,
    payload: (recommendationId, coupon) =>
      productMessage({
        product,
        reason,
        titles: fresh.titles,
        recommendationId,
        coupon,
        couponKey: "retentionCoupon",
        couponPercent,
      }),
  };
}

/**
 * A first-purchase offer of the picked product, unless the member had one within FIRST_PURCHASE_OFFER_EVERY_DAYS or
 * had this product offered before (sent or held out), or the product is no longer for sale.
 */
async function planFirstPurchase(
  ctx: CoreContext,
  memberId: number,
  pick: { productId: number; probability: number },
  settings: RecommendationSettings,
): Promise<NudgePlan | null> {
  const since = new Date(ctx.clock.now().getTime() - FIRST_PURCHASE_OFFER_EVERY_DAYS * 86_400_000);
  const [earlier, product, holds] = await Promise.all([
    ctx.prisma.recommendation.findFirst({
      where: {
        memberId,
        variant: { startsWith: `${NUDGE_CAMPAIGNS.firstPurchase}:` },
        OR: [{ createdAt: { gte: since } }, { productId: pick.productId }],
      },
      select: { id: true },
    }),
    ctx.prisma.product.findFirst({
      where: { id: pick.productId, published: true, offers: { some: { active: true } } },
      select: { id: true, titleEn: true, titleZh: true },
    }),
    // Picked from the day's ranking: a course given to the member since is no longer an offer.
    ctx.prisma.entitlement.findFirst({
      where: { memberId, productId: pick.productId, ...activeEntitlementWhere(ctx.clock.now()) },
      select: { id: true },
    }),
  ]);
  if (earlier || !product || holds) return null;
  const reason: RecommendationReason = { key: "lookedAt" };
  const couponPercent = settings.firstPurchaseCouponPercent;
  return {
    campaign: NUDGE_CAMPAIGNS.firstPurchase,
    productId: product.id,
    score: pick.probability,
    reason,
    couponPercent,
    payload: (recommendationId, coupon) =>
      productMessage({
        product,
        reason,
        titles: new Map(),
        recommendationId,
        coupon,
        couponKey: "firstPurchaseCoupon",
        couponPercent,
      }),
  };
}

/**
 * A message naming a product, its button the tracked `rec` action: with a coupon, the coupon text (`couponKey`) and a
 * button that buys with it; without, "Picked for you" with the reason, put into words now in both languages (the
 * sender picks the reader's: renderDelivery's x / xZh).
 */
function productMessage(options: {
  product: { id: number; titleEn: string; titleZh: string };
  reason: RecommendationReason;
  titles: ReadonlyMap<number, { titleEn: string; titleZh: string }>;
  recommendationId: number;
  coupon: { code: string; expiresAt: Date } | null;
  couponKey: "retentionCoupon" | "firstPurchaseCoupon";
  couponPercent: number;
}): DeliveryPayload {
  const { product, coupon, recommendationId } = options;
  if (coupon) {
    return {
      type: "message",
      key: options.couponKey,
      params: {
        percent: options.couponPercent,
        code: coupon.code,
        title: product.titleEn,
        titleZh: product.titleZh,
        date: coupon.expiresAt.toISOString(),
      },
      buttons: [{ key: "buttonUseCoupon", action: `rec ${recommendationId} ${product.id} buy ${coupon.code}` }],
      marketing: true,
    };
  }
  return {
    type: "message",
    key: "recommendationPick",
    params: {
      title: product.titleEn,
      titleZh: product.titleZh,
      reason: plainText(describeRecommendationReason("en", options.reason, options.titles)),
      reasonZh: plainText(describeRecommendationReason("zh", options.reason, options.titles)),
    },
    buttons: [{ key: "buttonSeeCourse", action: `rec ${recommendationId} ${product.id}` }],
    marketing: true,
  };
}

/**
 * The member's best current recommendation that no daily message has used before (sent, or recorded for the
 * holdout): "something new that fits". Its product is checked to be published with an offer.
 */
async function freshRecommendation(ctx: CoreContext, memberId: number) {
  const latest = await ctx.prisma.recommendation.findFirst({
    where: { memberId, variant: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { createdAt: true },
  });
  if (!latest) return null;
  const [current, used] = await Promise.all([
    ctx.prisma.recommendation.findMany({
      where: {
        memberId,
        variant: null,
        createdAt: latest.createdAt,
        product: { published: true, offers: { some: { active: true } } },
      },
      orderBy: { id: "asc" },
      select: {
        productId: true,
        score: true,
        reason: true,
        product: { select: { id: true, titleEn: true, titleZh: true } },
      },
    }),
    ctx.prisma.recommendation.findMany({
      where: { memberId, variant: { not: null } },
      select: { productId: true },
      distinct: ["productId"],
    }),
  ]);
  const usedIds = new Set(used.map((row) => row.productId));
  const pick = current.find((row) => !usedIds.has(row.productId));
  if (!pick) return null;
  const reason = parseRecommendationReason(pick.reason);
  const named = reasonProductIds([reason]);
  const titles = new Map(
    (named.length
      ? await ctx.prisma.product.findMany({
          where: { id: { in: named } },
          select: { id: true, titleEn: true, titleZh: true },
        })
      : []
    ).map((p) => [p.id, p] as const),
  );
  return { product: pick.product, reason, score: pick.score, titles };
}

/**
 * The creator's "Offer a coupon" on /atrisk: a one-member coupon (default 20 % for 7 days, one use) for what the
 * member paid for last, or the course they are learning, or any course; and a personal message with the code and
 * a button that buys with it. The coupon and its message are written in one transaction under the day's dedupe key,
 * so pressing twice (or two creators at once) makes one coupon and one message a day; a member who opted out of
 * offers gets neither.
 *
 * @example const result = await offerRetentionCoupon(ctx, { staffMemberId: creator.id, memberId: 42 })
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { addDays } from "../access/entitlement-window.js";
import { createMemberCoupon } from "../commerce/create-member-coupon.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { continueLearning } from "../learning/continue-learning.js";
import type { DeliveryPayload } from "../messaging/delivery-payload.js";
import { kickSenders } from "../messaging/send-deliveries.js";
import { utcDay } from "./daily-churn-model.js";
import { type RetentionRefusal, retentionRecipient } from "./retention-recipient.js";

export type CouponOfferResult =
  | { ok: true; code: string; percentOff: number; productId: number | null; created: boolean }
  | { ok: false; reason: RetentionRefusal };

/** The product the coupon is for: the last one paid for, else the course being learned (with an offer), else none. */
async function couponProduct(
  ctx: CoreContext,
  member: { id: number; role: "OWNER" | "CREATOR" | "MODERATOR" | "MEMBER" },
) {
  const sellable = { published: true, offers: { some: { active: true } } } satisfies Prisma.ProductWhereInput;
  const paid = await ctx.prisma.entitlement.findFirst({
    where: { memberId: member.id, source: { not: "GRANT" }, product: sellable },
    orderBy: { createdAt: "desc" },
    select: { product: { select: { id: true, titleEn: true, titleZh: true } } },
  });
  if (paid) return paid.product;
  const learning = await continueLearning(ctx, { member });
  if (learning.kind !== "continue") return null;
  return ctx.prisma.product.findFirst({
    where: { id: learning.courseId, ...sellable },
    select: { id: true, titleEn: true, titleZh: true },
  });
}

function payloadCode(payload: unknown): string {
  const code = (payload as { params?: { code?: unknown } } | null)?.params?.code;
  return typeof code === "string" ? code : "";
}

export async function offerRetentionCoupon(
  ctx: CoreContext,
  options: { staffMemberId: number; memberId: number; percentOff?: number; days?: number },
): Promise<CouponOfferResult> {
  await requireStaff(ctx, options.staffMemberId);
  const recipient = await retentionRecipient(ctx, options.memberId);
  if (!recipient.ok) return recipient;
  const percentOff = options.percentOff ?? 20;
  const now = ctx.clock.now();
  const dedupeKey = `retention-coupon:${recipient.member.id}:${utcDay(now)}`;
  const existing = await ctx.prisma.delivery.findUnique({ where: { dedupeKey }, select: { payload: true } });
  const product = await couponProduct(ctx, recipient.member);
  const already = (payload: unknown): CouponOfferResult => ({
    ok: true,
    code: payloadCode(payload),
    percentOff,
    productId: product?.id ?? null,
    created: false,
  });
  if (existing) return already(existing.payload);
  const expiresAt = addDays(now, options.days ?? 7);
  try {
    const code = await ctx.prisma.$transaction(async (tx) => {
      const coupon = await createMemberCoupon(tx, {
        memberId: recipient.member.id,
        percentOff,
        productId: product?.id ?? null,
        expiresAt,
      });
      const payload: DeliveryPayload = product
        ? {
            type: "message",
            key: "retentionCoupon",
            params: {
              percent: percentOff,
              code: coupon.code,
              title: product.titleEn,
              titleZh: product.titleZh,
              date: expiresAt.toISOString(),
            },
            buttons: [{ key: "buttonUseCoupon", action: `buy ${product.id} ${coupon.code}` }],
          }
        : {
            type: "message",
            key: "retentionCouponAny",
            params: { percent: percentOff, code: coupon.code, date: expiresAt.toISOString() },
            buttons: [{ key: "buttonBrowseCourses", action: "courses" }],
          };
      await tx.delivery.create({
        data: {
          kind: "WIN_BACK",
          memberId: recipient.member.id,
          accountId: recipient.account.id,
          dedupeKey,
          payload,
          notBefore: now,
        },
      });
      return coupon.code;
    });
    await kickSenders(ctx, [recipient.account.platform]);
    return { ok: true, code, percentOff, productId: product?.id ?? null, created: true };
  } catch (error) {
    // Someone else offered one a moment ago: their coupon stands, ours was rolled back with the message.
    if ((error as { code?: string }).code !== "P2002") throw error;
    const winner = await ctx.prisma.delivery.findUnique({ where: { dedupeKey }, select: { payload: true } });
    return already(winner?.payload);
  }
}

/**
 * Who may review a product: a member who holds it now or held it before (its own entitlement or a bundle's), and who
 * opened enough of it — REVIEW_MIN_LESSONS lessons of a course (all of them when it has fewer); for a product without
 * lessons (an article, a live session) owning it is enough. Not the team on a product that is theirs (the creator's
 * own, or one with no creator: the house's), and not a muted or banned member.
 */

import type { CoreContext } from "../../context.js";
import { isStaff } from "../../identity/roles.js";
import { communitySettings } from "../community-settings.js";

export type ReviewRefusal =
  | { reason: "NOT_FOUND" }
  | { reason: "NOT_OWNED" }
  | { reason: "TOO_FEW_LESSONS"; needed: number; opened: number }
  | { reason: "OWN_PRODUCT" }
  | { reason: "MUTED"; until: Date }
  | { reason: "BANNED" };

export interface ReviewableProduct {
  id: number;
  titleEn: string;
  titleZh: string;
}

/** A course by id, or by slug (`sql-basics`), as members see the catalog (published only). */
export async function findReviewableProduct(
  ctx: CoreContext,
  course: number | string,
): Promise<(ReviewableProduct & { creatorId: number | null }) | null> {
  return ctx.prisma.product.findFirst({
    where: { ...(typeof course === "number" ? { id: course } : { slug: course }), published: true },
    select: { id: true, titleEn: true, titleZh: true, creatorId: true },
  });
}

/**
 * Null when the member may review the product, else why not.
 *
 * @example const refusal = await reviewRefusal(ctx, { memberId, product }); if (refusal) return refusal
 */
export async function reviewRefusal(
  ctx: CoreContext,
  options: { memberId: number; product: { id: number; creatorId: number | null } },
): Promise<ReviewRefusal | null> {
  const now = ctx.clock.now();
  const member = await ctx.prisma.member.findUnique({
    where: { id: options.memberId },
    select: { role: true, mutedUntil: true, bannedAt: true },
  });
  if (!member) return { reason: "NOT_FOUND" };
  if (member.bannedAt) return { reason: "BANNED" };
  if (member.mutedUntil && member.mutedUntil > now) return { reason: "MUTED", until: member.mutedUntil };
  const productId = options.product.id;
  if (isStaff(member.role) && (options.product.creatorId === null || options.product.creatorId === options.memberId))
    return { reason: "OWN_PRODUCT" };
  // Held now or before: an entitlement that began, its own or a bundle's that contains the product.
  const held = await ctx.prisma.entitlement.findFirst({
    where: {
      memberId: options.memberId,
      startsAt: { lte: now },
      OR: [{ productId }, { product: { bundleItems: { some: { productId } } } }],
    },
    select: { id: true },
  });
  if (!held) return { reason: "NOT_OWNED" };
  const lessons = await ctx.prisma.lesson.count({ where: { productId, published: true } });
  if (lessons === 0) return null;
  const needed = Math.min(communitySettings(ctx).reviewMinLessons, lessons);
  const opened = await ctx.prisma.lessonProgress.count({
    where: { memberId: options.memberId, lesson: { productId, published: true } },
  });
  return opened >= needed ? null : { reason: "TOO_FEW_LESSONS", needed, opened };
}

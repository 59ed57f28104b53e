/**
 * The courses a member can learn now: those with an active entitlement, directly or through a bundle, that have
 * lessons the member can see, each with its progress. What `/learn` lists when there is nothing to continue.
 *
 * @example const courses = await listLearnerCourses(ctx, { memberId }) // [{ id, titleEn, titleZh, progress }]
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import { type CourseProgress, courseProgress } from "./course-progress.js";

export interface LearnerCourse {
  id: number;
  titleEn: string;
  titleZh: string;
  progress: CourseProgress;
}

export async function listLearnerCourses(ctx: CoreContext, options: { memberId: number }): Promise<LearnerCourse[]> {
  const owned = await ctx.prisma.entitlement.findMany({
    where: { memberId: options.memberId, ...activeEntitlementWhere(ctx.clock.now()) },
    select: { productId: true, product: { select: { bundleItems: { select: { productId: true } } } } },
  });
  // A bundle's courses count even when it was put together after the purchase (no entitlement row of their own).
  const ids = [...new Set(owned.flatMap((e) => [e.productId, ...e.product.bundleItems.map((i) => i.productId)]))];
  const [products, progress] = await Promise.all([
    ctx.prisma.product.findMany({
      where: { id: { in: ids }, published: true },
      select: { id: true, titleEn: true, titleZh: true },
      orderBy: { id: "asc" },
    }),
    courseProgress(ctx, { memberId: options.memberId, courseIds: ids }),
  ]);
  return products.flatMap((p) => {
    const entry = progress.get(p.id);
    return entry ? [{ ...p, progress: entry }] : [];
  });
}

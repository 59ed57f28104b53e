/**
 * The creator publishes or hides a whole product, or one lesson of a course. Members never see what is not published
 * (the catalog, decideLessonAccess and progress all filter on it); the team still does, marked as a draft. Staff only.
 */

import { requestKnowledgeIndex } from "../assistant/request-knowledge-index.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export interface PublishContentOptions {
  staffMemberId: number;
  productId: number;
  /** Only this lesson; none: the product itself (its lessons keep their own state). */
  lessonId?: number;
  published: boolean;
}

/**
 * @returns whether anything changed (publishing what is already published is no error)
 * @example await publishContent(ctx, { staffMemberId, productId: 3, lessonId: 41, published: false })
 */
export async function publishContent(ctx: CoreContext, options: PublishContentOptions): Promise<{ changed: boolean }> {
  await requireStaff(ctx, options.staffMemberId);
  const changed =
    options.lessonId === undefined
      ? await ctx.prisma.product.updateMany({
          where: { id: options.productId, published: !options.published },
          data: { published: options.published },
        })
      : await ctx.prisma.lesson.updateMany({
          where: { id: options.lessonId, productId: options.productId, published: !options.published },
          data: { published: options.published },
        });
  // Published material becomes quotable, hidden material stops being quoted: the index follows.
  if (changed.count > 0) await requestKnowledgeIndex(ctx);
  return { changed: changed.count > 0 };
}

/**
 * What members see of a product's reviews: the average of the visible ones (hidden ones — flagged or reported,
 * pending a moderator — are neither counted nor shown) and a page of them, newest first, each with its author's name,
 * stars, text, helpful count and the creator's reply.
 *
 * @example const { average, count, reviews } = await listReviews(ctx, { productId: 3, page: 1, pageSize: 3 })
 */
import type { CoreContext } from "../../context.js";

export interface ShownReview {
  id: number;
  author: string;
  rating: number;
  body: string;
  reply: string | null;
  helpfulCount: number;
}

export interface ReviewPage {
  /** Rounded to one decimal; null when there is no visible review. */
  average: number | null;
  count: number;
  pages: number;
  reviews: ShownReview[];
}

export async function listReviews(
  ctx: CoreContext,
  options: { productId: number; page?: number; pageSize: number },
): Promise<ReviewPage> {
  const where = { productId: options.productId, hiddenAt: null };
  const page = Math.max(1, options.page ?? 1);
  const [summary, rows] = await Promise.all([
    ctx.prisma.review.aggregate({ where, _avg: { rating: true }, _count: { _all: true } }),
    ctx.prisma.review.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * options.pageSize,
      take: options.pageSize,
      select: {
        id: true,
        rating: true,
        body: true,
        reply: true,
        helpfulCount: true,
        member: { select: { displayName: true } },
      },
    }),
  ]);
  const count = summary._count._all;
  const average = summary._avg.rating === null ? null : Math.round(summary._avg.rating * 10) / 10;
  return {
    average,
    count,
    pages: Math.max(1, Math.ceil(count / options.pageSize)),
    reviews: rows.map(({ member, ...row }) => ({ ...row, author: member.displayName })),
  };
}

/**
 * The creator answers a review in public: the reply is shown under it on /course and /reviews, and the reviewer is
 * told (through the outbox, after the reply is saved). Replying again replaces the reply.
 *
 * @example const result = await replyToReview(ctx, { staffId, reviewId: 4, text: "Thank you!" })
 */
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import type { CoreContext } from "../../context.js";
import { requireStaff } from "../../identity/roles.js";
import { stripControlCharacters, truncateText } from "../../text.js";

export const REVIEW_REPLY_MAX_CHARS = 1000;

export type ReplyToReviewResult =
  | { ok: true; reviewId: number; productId: number }
  | { ok: false; reason: "NOT_FOUND" };

export async function replyToReview(
  ctx: CoreContext,
  options: { staffId: number; reviewId: number; text: string },
): Promise<ReplyToReviewResult> {
  await requireStaff(ctx, options.staffId);
  const text = truncateText(stripControlCharacters(options.text).trim(), REVIEW_REPLY_MAX_CHARS);
  const now = ctx.clock.now();
  const done = await ctx.prisma.$transaction(async (tx) => {
    const review = await tx.review.findUnique({
      where: { id: options.reviewId },
      select: { id: true, memberId: true, productId: true, product: { select: { titleEn: true, titleZh: true } } },
    });
    if (!review) return null;
    await tx.review.update({ where: { id: review.id }, data: { reply: text, repliedAt: now } });
    const params = {
      review: review.id,
      course: review.product.titleEn,
      courseZh: review.product.titleZh || review.product.titleEn,
      id: review.productId,
      reply: truncateText(text.replace(/\s+/g, " "), 300, "…"),
    };
    await addToOutbox(
      tx,
      { kind: "notify.member", memberId: review.memberId, notice: { key: "reviewReplied", params } },
      `review-reply:${review.id}:${now.getTime()}`,
    );
    return review;
  });
  if (!done) return { ok: false, reason: "NOT_FOUND" };
  await kickOutbox(ctx);
  return { ok: true, reviewId: done.id, productId: done.productId };
}

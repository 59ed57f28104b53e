/**
 * A member rates a product 1–5 with an optional text; posting again edits the one review they have of it. The text is
 * moderated like a question (moderate-text.ts): a flagged review is hidden (not shown, not in the average), its
 * moderation case opened and the creator told, in the transaction that saves it. A hidden review stays hidden when
 * edited: only a moderator's decision shows it again, so nobody un-hides their own review by rewording it.
 *
 * @example const result = await postReview(ctx, { memberId, course: 3, rating: 5, body: "Clear and practical" })
 */
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import { moderateText } from "../../assistant/moderate-text.js";
import type { CoreContext } from "../../context.js";
import { openModerationCase } from "../../moderation/open-moderation-case.js";
import { stripControlCharacters, truncateText } from "../../text.js";
import {
  findReviewableProduct,
  type ReviewableProduct,
  type ReviewRefusal,
  reviewRefusal,
} from "./review-eligibility.js";

export const REVIEW_MAX_CHARS = 1000;

export type PostReviewResult =
  | { ok: true; reviewId: number; product: ReviewableProduct; edited: boolean; hidden: boolean }
  | ({ ok: false } & ReviewRefusal);

export async function postReview(
  ctx: CoreContext,
  options: { memberId: number; course: number | string; rating: number; body: string },
): Promise<PostReviewResult> {
  if (!Number.isInteger(options.rating) || options.rating < 1 || options.rating > 5)
    throw new RangeError(`rating ${options.rating} is not 1–5`);
  const product = await findReviewableProduct(ctx, options.course);
  if (!product) return { ok: false, reason: "NOT_FOUND" };
  const refusal = await reviewRefusal(ctx, { memberId: options.memberId, product });
  if (refusal) return { ok: false, ...refusal };
  const body = truncateText(stripControlCharacters(options.body).trim(), REVIEW_MAX_CHARS);
  const author = await ctx.prisma.member.findUniqueOrThrow({
    where: { id: options.memberId },
    select: { id: true, role: true, createdAt: true, displayName: true },
  });
  // Reviews have no flood rule of their own (one per product): judged like an answer.
  const verdict = body ? await moderateText(ctx, { text: body, kind: "answer", author }) : { flagged: false as const };
  const now = ctx.clock.now();
  const key = { memberId_productId: { memberId: options.memberId, productId: product.id } };
  const saved = await ctx.prisma.$transaction(async (tx) => {
    const before = await tx.review.findUnique({ where: key, select: { id: true, hiddenAt: true } });
    const flagged = verdict.flagged ? { hiddenAt: now, flaggedReason: verdict.reason } : {};
    const review = await tx.review.upsert({
      where: key,
      create: {
        memberId: options.memberId,
        productId: product.id,
        rating: options.rating,
        body,
        createdAt: now,
        ...flagged,
      },
      update: { rating: options.rating, body, updatedAt: now, ...flagged },
      select: { id: true, hiddenAt: true },
    });
    if (verdict.flagged) {
      const opened = await openModerationCase(tx, {
        target: "REVIEW",
        targetId: review.id,
        reason: verdict.reason,
        authorId: author.id,
      });
      if (opened.newlyPending) {
        const params = {
          id: review.id,
          member: author.displayName,
          course: product.titleEn,
          reason: verdict.reason,
          text: truncateText(body.replace(/\s+/g, " "), 300, "…"),
        };
        await addToOutbox(
          tx,
          { kind: "notify.staff", notice: { key: "staffReviewFlagged", params } },
          `review-flagged:${review.id}:${now.getTime()}`,
        );
      }
    }
    return { id: review.id, hidden: review.hiddenAt !== null, edited: before !== null };
  });
  if (verdict.flagged) await kickOutbox(ctx);
  return { ok: true, reviewId: saved.id, product, edited: saved.edited, hidden: saved.hidden };
}

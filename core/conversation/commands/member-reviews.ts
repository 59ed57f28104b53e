/**
 * Reviews and reputation in chat: `/review <course> <1-5> [text]` (again: edit; `remove`), `/reviews <course> [page]`
 * with a Helpful button under each, `/helpful <review>` (what the button runs), the creator's `/reply <review> <text>`,
 * and `/top`. The course is an id or a name (slug), as /lesson takes it. The rules live in core/community: these only
 * parse, call and word the outcome.
 */
import { communitySettings, REPUTATION_POINTS } from "../../community/community-settings.js";
import { listLeaderboard } from "../../community/reputation/list-leaderboard.js";
import { listReviews } from "../../community/reviews/list-reviews.js";
import { postReview } from "../../community/reviews/post-review.js";
import { removeReview } from "../../community/reviews/remove-review.js";
import { replyToReview } from "../../community/reviews/reply-to-review.js";
import { findReviewableProduct } from "../../community/reviews/review-eligibility.js";
import { voteReviewHelpful } from "../../community/reviews/vote-review-helpful.js";
import { formatDateTime } from "../../i18n/index.js";
import { isStaff } from "../../identity/roles.js";
import type { ReaderStanding } from "../../learning/reader-standing.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Button, type Reply, textReply } from "../reply.js";
import { courseArgument } from "./lesson-arguments.js";

const PAGE_SIZE = 5;
/** Reviews shown on a course's own page (/course). */
export const COURSE_PAGE_REVIEWS = 3;

/** `★★★★☆` */
export function stars(rating: number): string {
  return "★".repeat(rating) + "☆".repeat(5 - rating);
}

/**
 * The reviews part of a course page (read with the reader's standing, readerStanding): the average, the latest ones,
 * and a button to all of them.
 */
export function reviewSection(
  session: Session,
  productId: number,
  page: ReaderStanding["reviews"],
): { lines: string[]; buttons: Button[][] } {
  const { m } = session;
  if (page.count === 0) return { lines: ["", m.reviews.none], buttons: [] };
  const lines = ["", m.reviews.summary({ average: page.average!.toFixed(1), count: page.count }), m.reviews.latest];
  lines.push(...reviewLines(session, page.latest));
  return { lines, buttons: [[{ label: m.reviews.buttonAll({ count: page.count }), action: `reviews ${productId}` }]] };
}

function reviewLines(session: Session, reviews: Awaited<ReturnType<typeof listReviews>>["reviews"]): string[] {
  const { m } = session;
  // The team sees review ids, which /reply takes.
  const line = isStaff(session.member.role) ? m.reviews.lineStaff : m.reviews.line;
  return reviews.flatMap((review) => [
    line({
      id: review.id,
      stars: stars(review.rating),
      author: review.author,
      text: truncateText(review.body.replace(/\s+/g, " "), 200, "…"),
      helpful: review.helpfulCount,
    }),
    ...(review.reply
      ? [m.reviews.replyLine({ reply: truncateText(review.reply.replace(/\s+/g, " "), 200, "…") })]
      : []),
  ]);
}

export const reviewCommand: Command = {
  name: "review",
  async run(session, args, raw) {
    const { ctx, m, locale, member } = session;
    const course = courseArgument(args[0], session, "review");
    const choice = args[1]?.toLowerCase();
    if (choice === "remove" || choice === "delete") {
      const removed = await removeReview(ctx, { memberId: member.id, course });
      if (!removed.product) return textReply(m.reviews.notFound({ course: String(course) }));
      const title = productTitle(locale, removed.product);
      return textReply(removed.ok ? m.reviews.removed({ course: title }) : m.reviews.noReview({ course: title }));
    }
    if (!choice || !/^[1-5]$/.test(choice)) return textReply(m.errors.BAD_ARGUMENTS({ usage: m.usage.review ?? "" }));
    const rating = Number(choice);
    // Everything after the course and the stars, as typed (line breaks kept).
    const body = raw.replace(/^\s*\S+\s+\S+\s*/, "");
    const result = await postReview(ctx, { memberId: member.id, course, rating, body });
    if (!result.ok) return refusal(session, result, course);
    const params = { course: productTitle(locale, result.product), stars: stars(rating), id: result.product.id };
    if (result.hidden) return textReply(m.reviews.held(params));
    return textReply(result.edited ? m.reviews.edited(params) : m.reviews.posted(params));
  },
};

async function refusal(
  session: Session,
  result: Exclude<Awaited<ReturnType<typeof postReview>>, { ok: true }>,
  course: number | string,
): Promise<Reply> {
  const { m, locale, ctx } = session;
  const product = await findReviewableProduct(ctx, course);
  const title = product ? productTitle(locale, product) : String(course);
  const id = product?.id ?? course;
  switch (result.reason) {
    case "NOT_FOUND":
      return textReply(m.reviews.notFound({ course: String(course) }));
    case "NOT_OWNED":
      return textReply(m.reviews.notOwned({ course: title, id }));
    case "TOO_FEW_LESSONS":
      return textReply(m.reviews.tooFewLessons({ course: title, id, needed: result.needed, opened: result.opened }));
    case "OWN_PRODUCT":
      return textReply(m.reviews.ownProduct);
    case "MUTED":
      return textReply(m.reviews.muted({ until: formatDateTime(locale, result.until, session.member.timeZone) }));
    case "BANNED":
      return textReply(m.reviews.banned);
  }
}

export const reviewsCommand: Command = {
  name: "reviews",
  async run(session, args) {
    const { ctx, m, locale } = session;
    const course = courseArgument(args[0], session, "reviews");
    const pageArgument = args[1];
    if (pageArgument !== undefined && !/^[1-9]\d{0,3}$/.test(pageArgument))
      return textReply(m.errors.BAD_ARGUMENTS({ usage: m.usage.reviews ?? "" }));
    const product = await findReviewableProduct(ctx, course);
    if (!product) return textReply(m.reviews.notFound({ course: String(course) }));
    const requested = pageArgument ? Number(pageArgument) : 1;
    let page = await listReviews(ctx, { productId: product.id, page: requested, pageSize: PAGE_SIZE });
    // Past the last page: the last one.
    if (requested > page.pages)
      page = await listReviews(ctx, { productId: product.id, page: page.pages, pageSize: PAGE_SIZE });
    const current = Math.min(requested, page.pages);
    const title = productTitle(locale, product);
    if (page.count === 0)
      return textReply(`${m.reviews.listTitle({ course: title, page: 1, pages: 1 })}\n${m.reviews.none}`);
    const lines = [
      m.reviews.listTitle({ course: title, page: current, pages: page.pages }),
      m.reviews.summary({ average: page.average!.toFixed(1), count: page.count }),
      "",
      ...reviewLines(session, page.reviews),
    ];
    const buttons: Button[][] = page.reviews.map((review) => [
      { label: m.reviews.buttonHelpful({ id: review.id }), action: `helpful ${review.id}` },
    ]);
    if (current < page.pages)
      buttons.push([{ label: m.reviews.buttonMore, action: `reviews ${product.id} ${current + 1}` }]);
    return textReply(lines.join("\n"), buttons);
  },
};

export const helpfulCommand: Command = {
  name: "helpful",
  async run({ ctx, m, member }, args) {
    const reviewId = idArgument(args[0], m, "helpful");
    const result = await voteReviewHelpful(ctx, { memberId: member.id, reviewId });
    if (!result.ok) return textReply(result.reason === "OWN_REVIEW" ? m.reviews.ownReview : m.reviews.gone);
    return textReply(
      result.counted ? m.reviews.voted({ count: result.helpful }) : m.reviews.alreadyVoted({ count: result.helpful }),
    );
  },
};

export const replyCommand: Command = {
  name: "reply",
  staffOnly: true,
  async run({ ctx, m, member }, args, raw) {
    const reviewId = idArgument(args[0], m, "reply");
    const text = raw.replace(/^\s*\S+\s*/, "");
    if (!text.trim()) return textReply(m.errors.BAD_ARGUMENTS({ usage: m.usage.reply ?? "" }));
    const result = await replyToReview(ctx, { staffId: member.id, reviewId, text });
    return textReply(result.ok ? m.reviews.replied({ id: reviewId }) : m.reviews.noSuchReview({ id: reviewId }));
  },
};

export const topCommand: Command = {
  name: "top",
  async run({ ctx, m, member }) {
    const { top, me } = await listLeaderboard(ctx, { memberId: member.id, limit: 10 });
    const lines = [m.reputation.topTitle];
    if (top.length === 0) lines.push(m.reputation.topEmpty);
    for (const entry of top) {
      lines.push(
        m.reputation.topLine({
          rank: entry.rank,
          name: entry.name,
          points: entry.reputation,
          helper: entry.helper ? 1 : 0,
        }),
      );
    }
    lines.push(
      "",
      me.rank
        ? m.reputation.you({ rank: me.rank, points: me.reputation })
        : m.reputation.youUnranked({ points: me.reputation }),
    );
    const level = communitySettings(ctx).helperReputation;
    const points = REPUTATION_POINTS;
    lines.push(
      m.reputation.howTo({
        level,
        accepted: points.acceptedAnswer,
        answer: points.helpfulAnswer,
        review: points.helpfulReview,
      }),
    );
    return textReply(lines.join("\n"));
  },
};

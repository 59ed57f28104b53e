/**
 * A lesson's visible discussion, a page at a time: top-level comments oldest first, each with its first visible
 * replies. Hidden comments (pending review or removed) are left out, with their replies. The caller has checked that
 * the reader may open the lesson.
 */
import type { CoreContext } from "../../context.js";
import { discussionSettings } from "./discussion-settings.js";

export interface ListedComment {
  id: number;
  author: string;
  body: string;
  createdAt: Date;
}

export interface CommentPage {
  comments: (ListedComment & { replies: ListedComment[]; moreReplies: number })[];
  page: number;
  pages: number;
  /** Every visible comment and reply. */
  total: number;
}

/** How many comments and replies readers see under the lesson (the "Discuss (N)" button). */
export async function countLessonComments(ctx: CoreContext, lessonId: number): Promise<number> {
  return ctx.prisma.lessonComment.count({
    where: { lessonId, hiddenAt: null, OR: [{ parentId: null }, { parent: { hiddenAt: null } }] },
  });
}

/**
 * @example const page = await listLessonComments(ctx, { lessonId, page: 1 })
 */
export async function listLessonComments(
  ctx: CoreContext,
  options: { lessonId: number; page: number },
): Promise<CommentPage> {
  const { pageSize, repliesShown } = discussionSettings(ctx);
  const topLevel = { lessonId: options.lessonId, parentId: null, hiddenAt: null };
  const [count, total] = await Promise.all([
    ctx.prisma.lessonComment.count({ where: topLevel }),
    countLessonComments(ctx, options.lessonId),
  ]);
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const page = Math.min(Math.max(1, options.page), pages);
  const author = { select: { displayName: true } };
  const rows = await ctx.prisma.lessonComment.findMany({
    where: topLevel,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: {
      id: true,
      body: true,
      createdAt: true,
      member: author,
      replies: {
        where: { hiddenAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, body: true, createdAt: true, member: author },
      },
    },
  });
  const listed = (row: { id: number; body: string; createdAt: Date; member: { displayName: string } }) => ({
    id: row.id,
    author: row.member.displayName,
    body: row.body,
    createdAt: row.createdAt,
  });
  return {
    comments: rows.map((row) => ({
      ...listed(row),
      replies: row.replies.slice(0, repliesShown).map(listed),
      moreReplies: Math.max(0, row.replies.length - repliesShown),
    })),
    page,
    pages,
    total,
  };
}

/**
 * A comment (or a reply to one) under a lesson, from any platform: `/comment` and `/replyto` in a private chat, or a
 * message in the lesson's Telegram topic or Discord thread. The caller has checked that the member may open the
 * lesson; this checks the member may post (not muted, not banned), moderates the text like a question (the provider's
 * endpoint when configured, the creator's rules always), and records it. A flagged comment is hidden and opens a
 * moderation case; a visible one is mirrored into the lesson's threads through the outbox.
 */
import type { Platform, Role } from "../../../prisma/generated/enums.js";
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import { moderateText } from "../../assistant/moderate-text.js";
import type { CoreContext } from "../../context.js";
import { openModerationCase } from "../../moderation/open-moderation-case.js";
import { truncateText } from "../../text.js";
import { discussionSettings, postingRefusal } from "./discussion-settings.js";

export interface CommentAuthor {
  id: number;
  role: Role;
  createdAt: Date;
  displayName: string;
  bannedAt: Date | null;
  mutedUntil: Date | null;
}

export interface PostLessonCommentOptions {
  author: CommentAuthor;
  lessonId: number;
  /** The comment replied to (a reply to a reply joins the same top-level comment). */
  parentId?: number | null;
  body: string;
  platform: Platform;
  /** The platform message it was posted as (`tg:<chat>:<message>`), for a comment written in a thread. */
  messageRef?: string | null;
}

export type PostLessonCommentResult =
  | { ok: true; commentId: number; lessonId: number; parentId: number | null; hidden: boolean }
  | { ok: false; reason: "BANNED" | "EMPTY" | "TOO_LONG" | "PARENT_NOT_FOUND" }
  | { ok: false; reason: "MUTED"; until: Date };

/**
 * @example const posted = await postLessonComment(ctx, { author: member, lessonId, body, platform: "CONSOLE" })
 */
export async function postLessonComment(
  ctx: CoreContext,
  options: PostLessonCommentOptions,
): Promise<PostLessonCommentResult> {
  const { author } = options;
  const refusal = postingRefusal(author, ctx.clock.now());
  if (refusal) return { ok: false, ...refusal };
  const body = options.body.trim();
  if (!body) return { ok: false, reason: "EMPTY" };
  if (body.length > discussionSettings(ctx).maxCommentChars) return { ok: false, reason: "TOO_LONG" };

  let parentId: number | null = null;
  if (options.parentId) {
    const parent = await ctx.prisma.lessonComment.findUnique({
      where: { id: options.parentId },
      select: { id: true, lessonId: true, parentId: true, hiddenAt: true },
    });
    if (!parent || parent.lessonId !== options.lessonId || parent.hiddenAt) {
      return { ok: false, reason: "PARENT_NOT_FOUND" };
    }
    parentId = parent.parentId ?? parent.id;
  }

  const verdict = await moderateText(ctx, { text: body, kind: "answer", author });
  const flaggedReason = verdict.flagged ? verdict.reason : null;
  const comment = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.lessonComment.create({
      data: {
        lessonId: options.lessonId,
        memberId: author.id,
        parentId,
        body,
        platform: options.platform,
        messageRef: options.messageRef ?? null,
        hiddenAt: flaggedReason ? ctx.clock.now() : null,
        flaggedReason,
      },
      select: { id: true },
    });
    if (!flaggedReason) {
      await addToOutbox(tx, { kind: "discussion.post", commentId: created.id }, `comment-post:${created.id}`);
      return created;
    }
    const opened = await openModerationCase(tx, {
      target: "COMMENT",
      targetId: created.id,
      reason: flaggedReason,
      authorId: author.id,
    });
    if (opened.newlyPending) {
      const params = {
        case: opened.caseId,
        target: "COMMENT",
        member: author.displayName,
        reason: flaggedReason,
        text: truncateText(body.replace(/\s+/g, " "), 300, "…"),
      };
      await addToOutbox(
        tx,
        { kind: "notify.team", notice: { key: "staffModerationPending", params } },
        `moderation-pending:${opened.caseId}:${ctx.clock.now().getTime()}`,
      );
    }
    // Written in a thread: its message is already there for everyone to see.
    if (options.messageRef) {
      await addToOutbox(tx, { kind: "discussion.hide", commentId: created.id }, `comment-hide:${created.id}`);
    }
    return created;
  });
  await kickOutbox(ctx);
  return { ok: true, commentId: comment.id, lessonId: options.lessonId, parentId, hidden: flaggedReason !== null };
}

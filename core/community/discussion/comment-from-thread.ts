/**
 * A member's message in a lesson's thread (its Telegram forum topic, its Discord thread) becomes a comment, and a
 * reply to a comment's message there becomes a reply to that comment. The thread is known by its handle
 * (LessonThread); a message anywhere else is not ours. The same rules apply as in chat: only members who may open
 * the lesson, not muted, not banned, and the text moderated. The comment is then mirrored to the other platforms.
 */
import type { Platform } from "../../../prisma/generated/enums.js";
import type { CoreContext } from "../../context.js";
import { type PlatformUser, resolveMember } from "../../identity/resolve-member.js";
import { decideLessonAccess } from "../../learning/decide-lesson-access.js";
import { byMessageRef } from "./comment-refs.js";
import { postLessonComment } from "./post-lesson-comment.js";

export interface CommentFromThreadOptions {
  user: PlatformUser;
  platform: Platform;
  /** The thread's handle as stored in LessonThread (`tg:<chat>:<topic>`, `dc:<thread>`). */
  threadRef: string;
  body: string;
  /** This message (`tg:<chat>:<message>`, `dc:<thread>:<message>`). */
  messageRef: string;
  /** The message it replies to, if any. */
  replyToRef: string | null;
}

/**
 * What became of the message: `not-a-lesson-thread` (not ours: let Q&A or the host have it), `recorded`, or
 * `refused` (a lesson thread, but this member may not comment now; nothing recorded).
 *
 * @example if ((await commentFromThread(ctx, { user, platform: "TELEGRAM", threadRef, … })) !== "not-a-lesson-thread") return true
 */
export async function commentFromThread(
  ctx: CoreContext,
  options: CommentFromThreadOptions,
): Promise<"not-a-lesson-thread" | "recorded" | "refused"> {
  const thread = await ctx.prisma.lessonThread.findUnique({
    where: { platform_threadRef: { platform: options.platform, threadRef: options.threadRef } },
    select: { lessonId: true },
  });
  if (!thread) return "not-a-lesson-thread";
  const { member } = await resolveMember(ctx, options.user);
  const access = await decideLessonAccess(ctx, { member, target: { lessonId: thread.lessonId } });
  if (!access.ok) return "refused";
  const parent = options.replyToRef
    ? await ctx.prisma.lessonComment.findFirst({
        where: { lessonId: thread.lessonId, ...byMessageRef(options.replyToRef) },
        select: { id: true },
      })
    : null;
  const posted = await postLessonComment(ctx, {
    author: member,
    lessonId: thread.lessonId,
    parentId: parent?.id ?? null,
    body: options.body,
    platform: options.platform,
    messageRef: options.messageRef,
  });
  return posted.ok ? "recorded" : "refused";
}

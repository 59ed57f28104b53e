/**
 * Lesson comments carried to the platforms' threads (outbox items, so a 429 or a 5xx is retried and nothing is lost):
 * `discussion.post` opens the lesson's thread on first use (a Telegram forum topic, a Discord thread; once per lesson
 * and platform) and posts the comment there, a reply as a reply to its comment's copy; `discussion.hide` deletes a
 * hidden comment's copies where the bot may. A platform without a discussion place gets nothing.
 */
import type { Platform } from "../../../prisma/generated/enums.js";
import type { CoreContext } from "../../context.js";
import { textReply } from "../../conversation/reply.js";
import { messages } from "../../i18n/index.js";
import type { ChatGateway } from "../../ports.js";
import { commentRefs, refOn } from "./comment-refs.js";

/** A thread being opened by another worker; taken over when older than this (that worker died). */
const PENDING_STALE_MS = 5 * 60_000;
const pendingRef = (lessonId: number) => `pending:${lessonId}`;

/**
 * @example await mirrorLessonComment(ctx, { commentId }) // from the outbox
 */
export async function mirrorLessonComment(ctx: CoreContext, options: { commentId: number }): Promise<void> {
  const comment = await ctx.prisma.lessonComment.findUnique({
    where: { id: options.commentId },
    include: {
      member: { select: { displayName: true, locale: true } },
      parent: { select: { id: true, messageRef: true } },
    },
  });
  if (!comment || comment.hiddenAt) return;
  const problems: string[] = [];
  for (const gateway of Object.values(ctx.gateways)) {
    if (!gateway?.openLessonThread || !gateway.postInThread) continue;
    // Already there: written in this platform's thread, or mirrored by an earlier try.
    if (refOn(comment.messageRef, gateway.platform)) continue;
    const threadRef = await lessonThread(ctx, gateway, comment.lessonId);
    if (!threadRef) continue;
    const m = messages(comment.member.locale).discussion;
    const name = comment.member.displayName;
    const text = comment.parent
      ? m.mirroredReply({ name, id: comment.id, parent: comment.parent.id, body: comment.body })
      : m.mirrored({ name, id: comment.id, body: comment.body });
    const replyTo = comment.parent ? refOn(comment.parent.messageRef, gateway.platform) : null;
    const posted = await gateway.postInThread({ threadRef, messageRef: replyTo }, textReply(text));
    if (posted.ok) {
      if (posted.messageRef) await addRef(ctx, comment.id, posted.messageRef);
      continue;
    }
    // Perhaps posted: never posted twice. Refused or rate limited: the outbox tries again.
    if (posted.reason === "OUTCOME_UNKNOWN") {
      ctx.log.warn({ commentId: comment.id, platform: gateway.platform }, "comment mirror outcome unknown");
    } else {
      problems.push(`${gateway.platform}: ${posted.reason}`);
    }
  }
  if (problems.length) throw new Error(`comment ${comment.id} not mirrored: ${problems.join("; ")}`);
}

/** Adds a mirrored copy's handle, keeping the others (a concurrent retry on another platform). */
async function addRef(ctx: CoreContext, commentId: number, ref: string): Promise<void> {
  await ctx.prisma.$executeRaw`
    UPDATE "LessonComment" SET "messageRef" = CASE WHEN "messageRef" IS NULL OR "messageRef" = '' THEN ${ref}
      ELSE "messageRef" || ' ' || ${ref} END
    WHERE "id" = ${commentId}`;
}

/**
 * The lesson's thread on the platform, opened on first use. One opener at a time: a `pending:` row claims the
 * (lesson, platform) pair, so two comments at once never make two topics; the loser is retried by the outbox.
 */
async function lessonThread(ctx: CoreContext, gateway: ChatGateway, lessonId: number): Promise<string | null> {
  const platform: Platform = gateway.platform;
  const key = { lessonId_platform: { lessonId, platform } };
  const existing = await ctx.prisma.lessonThread.findUnique({ where: key });
  if (existing && !existing.threadRef.startsWith("pending:")) return existing.threadRef;
  if (existing && Date.now() - existing.createdAt.getTime() < PENDING_STALE_MS) {
    throw new Error(`lesson ${lessonId}'s ${platform} thread is being opened`);
  }
  if (existing) await ctx.prisma.lessonThread.deleteMany({ where: { id: existing.id } });
  const claimed = await ctx.prisma.lessonThread.createMany({
    data: [{ lessonId, platform, threadRef: pendingRef(lessonId), createdAt: new Date() }],
    skipDuplicates: true,
  });
  if (claimed.count === 0) throw new Error(`lesson ${lessonId}'s ${platform} thread is being opened`);
  const lesson = await ctx.prisma.lesson.findUniqueOrThrow({
    where: { id: lessonId },
    select: { titleEn: true, position: true, product: { select: { titleEn: true } } },
  });
  const opened = await gateway.openLessonThread!({
    lessonId,
    title: `${lesson.product.titleEn} · ${lesson.titleEn}`.slice(0, 120),
  });
  if (opened.ok) {
    await ctx.prisma.lessonThread.update({ where: key, data: { threadRef: opened.threadRef } });
    return opened.threadRef;
  }
  await ctx.prisma.lessonThread.deleteMany({ where: { lessonId, platform, threadRef: pendingRef(lessonId) } });
  if (opened.reason === "NOT_CONFIGURED") return null;
  throw new Error(`could not open lesson ${lessonId}'s ${platform} thread: ${opened.reason}`);
}

/**
 * @example await hideLessonComment(ctx, { commentId }) // a flagged or removed comment
 */
export async function hideLessonComment(ctx: CoreContext, options: { commentId: number }): Promise<void> {
  const comment = await ctx.prisma.lessonComment.findUnique({
    where: { id: options.commentId },
    select: { id: true, lessonId: true, hiddenAt: true, messageRef: true },
  });
  if (!comment?.hiddenAt) return;
  const threads = await ctx.prisma.lessonThread.findMany({ where: { lessonId: comment.lessonId } });
  for (const ref of commentRefs(comment.messageRef)) {
    const platform: Platform = ref.startsWith("tg:") ? "TELEGRAM" : "DISCORD";
    const gateway = ctx.gateways[platform];
    const thread = threads.find((t) => t.platform === platform);
    if (!gateway?.hideInThread || !thread) continue;
    const hidden = await gateway.hideInThread({ threadRef: thread.threadRef, messageRef: ref, what: "answer" });
    if (!hidden) ctx.log.warn({ commentId: comment.id, platform }, "could not hide a comment's message");
  }
}

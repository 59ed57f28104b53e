/**
 * Flagged content out of sight where the platform lets the bot (the `qa.hide` outbox item): the question's message
 * or post, or one answer's message. A platform that cannot, or a bot without the rights, leaves it in place — the
 * creator has been told either way, and nothing was answered.
 */
import type { CoreContext } from "../context.js";

/**
 * @example await hideFlaggedContent(ctx, { questionId, answerId: null }) // the question itself
 */
export async function hideFlaggedContent(
  ctx: CoreContext,
  options: { questionId: number; answerId: number | null },
): Promise<boolean> {
  const question = await ctx.prisma.question.findUnique({
    where: { id: options.questionId },
    select: { platform: true, threadRef: true, messageRef: true },
  });
  if (!question?.threadRef) return false;
  const gateway = ctx.gateways[question.platform];
  if (!gateway?.hideInThread) return false;
  let messageRef = question.messageRef;
  if (options.answerId !== null) {
    const answer = await ctx.prisma.answer.findUnique({
      where: { id: options.answerId },
      select: { messageRef: true },
    });
    if (!answer?.messageRef) return false;
    messageRef = answer.messageRef;
  }
  const hidden = await gateway.hideInThread({
    threadRef: question.threadRef,
    messageRef,
    what: options.answerId === null ? "question" : "answer",
  });
  if (!hidden)
    ctx.log.warn({ questionId: options.questionId, answerId: options.answerId }, "could not hide flagged content");
  return hidden;
}

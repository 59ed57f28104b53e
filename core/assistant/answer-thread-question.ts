/**
 * A new question in a Q&A thread (a Telegram forum topic or reply thread, a Discord forum post) gets the helper's
 * answer, when the place's mode says so. Everyone in the thread reads it, so only what anyone may read is quoted.
 * Null: the helper stays out of this place; the adapter posts nothing.
 */
import type { CoreContext } from "../context.js";
import { type AnsweredQuestion, answerQuestion } from "./answer-question.js";
import { helperModeFor } from "./helper-mode.js";

/**
 * @example const answered = await answerThreadQuestion(ctx, { questionId }); if (answered) post(answered.reply)
 */
export async function answerThreadQuestion(
  ctx: CoreContext,
  options: { questionId: number },
): Promise<AnsweredQuestion | null> {
  const question = await ctx.prisma.question.findUniqueOrThrow({
    where: { id: options.questionId },
    select: { platform: true, threadRef: true },
  });
  if ((await helperModeFor(ctx, question)) !== "auto") return null;
  return answerQuestion(ctx, { questionId: options.questionId, audience: "everyone" });
}

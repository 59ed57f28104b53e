/**
 * The answer helper's work for a question asked in a Q&A thread (a Telegram forum topic or reply thread, a Discord
 * forum post), run by the `helper.answer` job — off the update's path, so a slow model never holds up the chat's
 * other updates. The place's mode decides: "auto" posts the answer in the thread, "draft" sends it to the creator
 * for approval, "off" does nothing. What is posted goes through the outbox (answer-question.ts); the adapter's
 * gateway carries it into the thread (post-helper-reply.ts).
 */
import type { CoreContext } from "../context.js";
import { type AnsweredQuestion, answerQuestion } from "./answer-question.js";
import { helperModeFor } from "./helper-mode.js";

/**
 * @example await answerThreadQuestion(ctx, { questionId }) // null: the helper stays out of this place
 */
export async function answerThreadQuestion(
  ctx: CoreContext,
  options: { questionId: number },
): Promise<AnsweredQuestion | null> {
  const question = await ctx.prisma.question.findUnique({
    where: { id: options.questionId },
    select: { platform: true, placeRef: true, helperAt: true, acceptedAnswerId: true },
  });
  // Gone (erased), or already handled by an earlier run of this job: nothing to do twice.
  if (!question || question.helperAt || question.acceptedAnswerId) return null;
  const mode = await helperModeFor(ctx, question);
  if (mode === "off") return null;
  return answerQuestion(ctx, { questionId: options.questionId, audience: "everyone", draft: mode === "draft" });
}

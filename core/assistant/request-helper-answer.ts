/**
 * Asks for the helper's answer to a new thread question, in the background (the `helper.answer` job runs
 * answerThreadQuestion). One job per question — its id is the job's key — so a platform delivering the same post
 * twice answers once.
 */
import type { CoreContext } from "../context.js";

export const HELPER_ANSWER_JOB = "helper.answer";

/**
 * @example await requestHelperAnswer(ctx, { questionId }) // after telling the asker their question was recorded
 */
export async function requestHelperAnswer(ctx: CoreContext, options: { questionId: number }): Promise<void> {
  await ctx.jobs.enqueue(
    HELPER_ANSWER_JOB,
    { questionId: options.questionId },
    { jobId: `helper-answer:${options.questionId}` },
  );
}

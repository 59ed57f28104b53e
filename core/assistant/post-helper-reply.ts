/**
 * Carries the helper's reply into the question's thread through the platform's gateway (the `helper.post` outbox
 * item): a stored answer with its Helpful / Not helpful buttons, recorded under the message it became so it can be
 * accepted like any answer; or a reply with no answer behind it ("I don't know", a limit reached).
 *
 * Never twice: an answer already recorded under a message is not posted again; a post whose outcome is unknown (the
 * request left, no clear answer came back) is not retried. A refusal or a rate limit throws, and the outbox retries.
 */
import type { CoreContext } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import { withVoteButtons } from "./helper-reply.js";
import { recordHelperMessage } from "./record-helper-message.js";

/**
 * @example await postHelperReply(ctx, { questionId: 4, answerId: 9 })
 */
export async function postHelperReply(
  ctx: CoreContext,
  options: { questionId: number; answerId: number | null; reply?: Reply },
): Promise<void> {
  const question = await ctx.prisma.question.findUnique({
    where: { id: options.questionId },
    select: { platform: true, threadRef: true, messageRef: true, flaggedReason: true },
  });
  if (!question?.threadRef || question.flaggedReason) return;
  let reply = options.reply ?? null;
  if (options.answerId !== null) {
    const answer = await ctx.prisma.answer.findUnique({
      where: { id: options.answerId },
      select: { state: true, reply: true, messageRef: true, flaggedReason: true },
    });
    if (answer?.state !== "POSTED" || answer.messageRef || answer.flaggedReason || !answer.reply) return;
    reply = withVoteButtons(answer.reply as unknown as Reply, options.answerId);
  }
  if (!reply) return;
  const gateway = ctx.gateways[question.platform];
  if (!gateway?.postInThread) {
    ctx.log.warn({ questionId: options.questionId, platform: question.platform }, "no gateway posts in threads here");
    return;
  }
  const result = await gateway.postInThread({ threadRef: question.threadRef, messageRef: question.messageRef }, reply);
  if (result.ok) {
    if (options.answerId !== null && result.messageRef) {
      await recordHelperMessage(ctx, { answerId: options.answerId, messageRef: result.messageRef });
    }
    return;
  }
  if (result.reason === "OUTCOME_UNKNOWN" || result.reason === "UNREACHABLE") {
    ctx.log.warn(
      { questionId: options.questionId, reason: result.reason },
      "the helper's reply may not be in the thread",
    );
    return;
  }
  throw new Error(`posting the helper's reply failed: ${result.reason}`);
}

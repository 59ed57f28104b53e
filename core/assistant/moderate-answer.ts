/**
 * A person's answer in a Q&A thread, moderated like a question (moderate-text.ts: the endpoint when configured, the
 * creator's rules always) by the `qa.moderate` job, off the update's path. A flagged answer is hidden where the
 * platform lets the bot, no longer counts as an answer (its question is open again unless another answer stands), and
 * the creator is told — once, in the transaction that flags it.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { openModerationCase } from "../moderation/open-moderation-case.js";
import { truncateText } from "../text.js";
import { moderateText } from "./moderate-text.js";

export const MODERATE_ANSWER_JOB = "qa.moderate";

/**
 * @example await ctx.jobs.enqueue(MODERATE_ANSWER_JOB, { answerId }) // after a reply in a thread became an answer
 */
export async function moderateAnswer(ctx: CoreContext, options: { answerId: number }): Promise<boolean> {
  const answer = await ctx.prisma.answer.findUnique({
    where: { id: options.answerId },
    select: {
      id: true,
      body: true,
      fromHelper: true,
      flaggedReason: true,
      questionId: true,
      author: { select: { id: true, role: true, createdAt: true, displayName: true } },
    },
  });
  if (!answer || answer.fromHelper || answer.flaggedReason || !answer.author) return false;
  const verdict = await moderateText(ctx, { text: answer.body, kind: "answer", author: answer.author });
  if (!verdict.flagged) return false;
  const author = answer.author;
  await ctx.prisma.$transaction(async (tx) => {
    const marked = await tx.answer.updateMany({
      where: { id: answer.id, flaggedReason: null },
      data: { flaggedReason: verdict.reason },
    });
    if (marked.count === 0) return;
    const standing = await tx.answer.count({
      where: { questionId: answer.questionId, fromHelper: false, flaggedReason: null, authorId: { not: null } },
    });
    if (standing === 0) {
      await tx.question.updateMany({ where: { id: answer.questionId, status: "ANSWERED" }, data: { status: "OPEN" } });
    }
    await openModerationCase(tx, {
      target: "ANSWER",
      targetId: answer.id,
      reason: verdict.reason,
      authorId: author.id,
    });
    const params = {
      id: answer.questionId,
      member: author.displayName,
      reason: verdict.reason,
      answer: truncateText(answer.body.replace(/\s+/g, " "), 300, "…"),
    };
    await addToOutbox(
      tx,
      { kind: "notify.team", notice: { key: "staffAnswerFlagged", params } },
      `answer-flagged:${answer.id}`,
    );
    await addToOutbox(
      tx,
      { kind: "qa.hide", questionId: answer.questionId, answerId: answer.id },
      `answer-hide:${answer.id}`,
    );
  });
  await kickOutbox(ctx);
  return true;
}

/**
 * A reply in a question thread becomes an answer. Replies elsewhere are not ours (null). The same platform message
 * delivered twice is one answer. Each new answer is moderated in the background (the `qa.moderate` job).
 */
import { MODERATE_ANSWER_JOB } from "../assistant/moderate-answer.js";
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { stripControlCharacters, truncateText } from "../text.js";

export async function answerQuestion(
  ctx: CoreContext,
  options: { user: PlatformUser; threadRef: string; body: string; messageRef: string },
): Promise<{ answerId: number } | null> {
  const question = await ctx.prisma.question.findUnique({
    where: { platform_threadRef: { platform: options.user.platform, threadRef: options.threadRef } },
  });
  if (!question) return null;
  const seen = await ctx.prisma.answer.findFirst({
    where: { questionId: question.id, messageRef: options.messageRef },
  });
  if (seen) return { answerId: seen.id };
  const { member } = await resolveMember(ctx, options.user);
  const answer = await ctx.prisma.answer.create({
    data: {
      questionId: question.id,
      authorId: member.id,
      body: truncateText(stripControlCharacters(options.body), 4000),
      messageRef: options.messageRef,
    },
  });
  if (question.status === "OPEN" && member.id !== question.memberId) {
    await ctx.prisma.question.update({ where: { id: question.id }, data: { status: "ANSWERED" } });
  }
  await ctx.jobs.enqueue(MODERATE_ANSWER_JOB, { answerId: answer.id }, { jobId: `qa-moderate:${answer.id}` });
  return { answerId: answer.id };
}

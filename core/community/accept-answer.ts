/**
 * The asker or the staff marks an answer as the accepted one; the question is solved and the author earns reputation.
 * Accepting again (or another answer) moves the mark; reputation follows it.
 */

import { requestKnowledgeIndex } from "../assistant/request-knowledge-index.js";
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { isStaff } from "../identity/roles.js";

export type AcceptAnswerResult =
  | { ok: true; questionId: number; threadRef: string; answerId: number }
  | { ok: false; reason: "NOT_FOUND" | "FORBIDDEN" };

const REPUTATION_FOR_ACCEPTED = 10;

export async function acceptAnswer(
  ctx: CoreContext,
  options: { user: PlatformUser; messageRef: string },
): Promise<AcceptAnswerResult> {
  const answer = await ctx.prisma.answer.findFirst({
    where: { messageRef: options.messageRef },
    include: { question: true },
  });
  if (!answer || answer.question.platform !== options.user.platform) return { ok: false, reason: "NOT_FOUND" };
  const { member } = await resolveMember(ctx, options.user);
  if (member.id !== answer.question.memberId && !isStaff(member.role)) return { ok: false, reason: "FORBIDDEN" };
  const question = answer.question;
  await ctx.prisma.$transaction(async (tx) => {
    if (question.acceptedAnswerId === answer.id) return;
    if (question.acceptedAnswerId) {
      const previous = await tx.answer.findUnique({ where: { id: question.acceptedAnswerId } });
      if (previous?.authorId && previous.authorId !== question.memberId) {
        await tx.member.update({
          where: { id: previous.authorId },
          data: { reputation: { decrement: REPUTATION_FOR_ACCEPTED } },
        });
      }
    }
    await tx.question.update({ where: { id: question.id }, data: { acceptedAnswerId: answer.id, status: "SOLVED" } });
    if (answer.authorId && answer.authorId !== question.memberId) {
      await tx.member.update({
        where: { id: answer.authorId },
        data: { reputation: { increment: REPUTATION_FOR_ACCEPTED } },
      });
    }
  });
  // An accepted answer a person wrote becomes material the helper can cite (the helper's own are never indexed).
  if (!answer.fromHelper) await requestKnowledgeIndex(ctx);
  return { ok: true, questionId: question.id, threadRef: question.threadRef ?? "", answerId: answer.id };
}

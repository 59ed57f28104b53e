/**
 * The asker, the staff or a community helper (reputation at the helper level) marks an answer as the accepted one;
 * the question is solved and the author earns reputation. Accepting again (or another answer) moves the mark, and the
 * points follow it: one `accept:<question>` event at a time, never for the asker's own answer or the helper's.
 */

import { kickOutbox } from "../access/outbox.js";
import { requestKnowledgeIndex } from "../assistant/request-knowledge-index.js";
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { isStaff } from "../identity/roles.js";
import { communitySettings, REPUTATION_POINTS } from "./community-settings.js";
import { awardReputation, revokeReputation } from "./reputation/award-reputation.js";

export type AcceptAnswerResult =
  | { ok: true; questionId: number; threadRef: string; answerId: number }
  | { ok: false; reason: "NOT_FOUND" | "FORBIDDEN" };

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
  // A helper accepts for others, never their own answer (that would be points for themselves).
  const asHelper = member.helperSince !== null && answer.authorId !== member.id;
  const mayAccept = member.id === answer.question.memberId || isStaff(member.role) || asHelper;
  if (!mayAccept) return { ok: false, reason: "FORBIDDEN" };
  const question = answer.question;
  const { helperReputation } = communitySettings(ctx);
  const sourceKey = `accept:${question.id}`;
  await ctx.prisma.$transaction(async (tx) => {
    // Conditional: of two people accepting at once, the later one moves the mark (and the points) once more.
    const moved = await tx.question.updateMany({
      where: { id: question.id, OR: [{ acceptedAnswerId: null }, { acceptedAnswerId: { not: answer.id } }] },
      data: { acceptedAnswerId: answer.id, status: "SOLVED" },
    });
    if (moved.count === 0) return;
    await revokeReputation(tx, { sourceKey, helperReputation });
    // The asker's own answer, and the helper's (no author), earn nothing.
    if (answer.authorId && answer.authorId !== question.memberId) {
      await awardReputation(tx, {
        memberId: answer.authorId,
        points: REPUTATION_POINTS.acceptedAnswer,
        reason: "accepted-answer",
        sourceKey,
        helperReputation,
      });
    }
  });
  await kickOutbox(ctx);
  // An accepted answer a person wrote becomes material the helper can cite (the helper's own are never indexed).
  if (!answer.fromHelper) await requestKnowledgeIndex(ctx);
  return { ok: true, questionId: question.id, threadRef: question.threadRef ?? "", answerId: answer.id };
}

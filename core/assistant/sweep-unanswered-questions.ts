/**
 * The unanswered sweep (the `helper.sweep` job, every minute by default): a question still open
 * (find-open-questions.ts) `unansweredMinutes` after it was asked reaches the creator once — the flag and the notice
 * are written in one transaction, and a question the helper already escalated (it did not know) is not told twice.
 */
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { truncateText } from "../text.js";
import { assistantSettings } from "./assistant-settings.js";
import { findOpenQuestions } from "./find-open-questions.js";
import { askedText } from "./question-text-key.js";

export const HELPER_SWEEP_JOB = "helper.sweep";

/**
 * @example const told = await sweepUnansweredQuestions(ctx) // how many questions reached the creator now
 */
export async function sweepUnansweredQuestions(ctx: CoreContext): Promise<number> {
  const { unansweredMinutes } = assistantSettings(ctx);
  const cutoff = new Date(ctx.clock.now().getTime() - unansweredMinutes * 60_000);
  const open = await findOpenQuestions(ctx, { askedBefore: cutoff, notEscalated: true });
  let told = 0;
  for (const question of open) {
    const link = question.threadRef ? (ctx.gateways[question.platform]?.threadLink?.(question.threadRef) ?? "") : "";
    const notified = await ctx.prisma.$transaction(async (tx) => {
      const marked = await tx.question.updateMany({
        where: { id: question.id, escalatedAt: null },
        data: { escalatedAt: ctx.clock.now() },
      });
      if (marked.count === 0) return false;
      const params = {
        id: question.id,
        member: question.member.displayName,
        minutes: unansweredMinutes,
        question: truncateText(askedText(question).replace(/\s+/g, " "), 300, "…"),
        link,
      };
      await addToOutbox(
        tx,
        { kind: "notify.staff", notice: { key: "staffQuestionUnanswered", params } },
        `question-unanswered:${question.id}`,
      );
      return true;
    });
    if (notified) told += 1;
  }
  if (told) await kickOutbox(ctx);
  return told;
}

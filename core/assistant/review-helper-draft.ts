/**
 * The creator decides on a draft (approval mode): approve posts it as drafted, edit posts the creator's own text in
 * its place (the draft's source buttons kept), reject posts nothing. The first decision wins — a second creator
 * pressing a button of the same draft is told it was already handled — and posting goes through the outbox in the
 * same transaction as the decision.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import { messages } from "../i18n/index.js";
import { stripControlCharacters, truncateText } from "../text.js";

export type ReviewDecision = { kind: "approve" } | { kind: "reject" } | { kind: "edit"; text: string };

export type ReviewHelperDraftResult = { ok: true; questionId: number } | { ok: false; reason: "NOT_A_DRAFT" };

/** The creator's text as the posted reply: literal (the template escapes it), under the draft's source buttons. */
function editedReply(draft: Reply, text: string): Reply {
  const language = draft.locale ?? "en";
  const buttons = draft.messages.flatMap((message) => message.buttons ?? []);
  const body = truncateText(stripControlCharacters(text).trim(), 3500, "…");
  return {
    messages: [{ text: messages(language).qa.reviewedAnswer({ body }), ...(buttons.length ? { buttons } : {}) }],
    locale: language,
  };
}

/**
 * @example await reviewHelperDraft(ctx, { answerId, reviewerId: member.id, decision: { kind: "approve" } })
 */
export async function reviewHelperDraft(
  ctx: CoreContext,
  options: { answerId: number; reviewerId: number; decision: ReviewDecision },
): Promise<ReviewHelperDraftResult> {
  const { decision } = options;
  const result = await ctx.prisma.$transaction(async (tx) => {
    const draft = await tx.answer.findUnique({
      where: { id: options.answerId },
      select: { state: true, fromHelper: true, reply: true, questionId: true },
    });
    if (!draft?.fromHelper || draft.state !== "DRAFT") return null;
    const data: Prisma.AnswerUpdateManyMutationInput =
      decision.kind === "reject"
        ? { state: "REJECTED" }
        : decision.kind === "approve"
          ? { state: "POSTED" }
          : (() => {
              const reply = editedReply(draft.reply as unknown as Reply, decision.text);
              return {
                state: "POSTED" as const,
                reply: reply as unknown as Prisma.InputJsonValue,
                body: reply.messages[0]!.text,
              };
            })();
    // Only a draft still waiting changes: two creators pressing at once decide once.
    const changed = await tx.answer.updateMany({ where: { id: options.answerId, state: "DRAFT" }, data });
    if (changed.count === 0) return null;
    if (decision.kind !== "reject") {
      await addToOutbox(
        tx,
        { kind: "helper.post", questionId: draft.questionId, answerId: options.answerId },
        `helper-post:${options.answerId}`,
      );
    }
    ctx.log.info(
      { answerId: options.answerId, reviewerId: options.reviewerId, decision: decision.kind },
      "draft reviewed",
    );
    return draft.questionId;
  });
  if (result === null) return { ok: false, reason: "NOT_A_DRAFT" };
  if (decision.kind !== "reject") await kickOutbox(ctx);
  return { ok: true, questionId: result };
}

/**
 * Approval mode: the helper's draft goes to every owner and creator in their own language, with the question, the
 * draft as it would be posted, and Approve / Edit / Reject buttons (`draft <answer> approve|edit|reject`, checked
 * again when pressed). The `helper.draft` outbox item runs it.
 */
import type { CoreContext } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import { messages } from "../i18n/index.js";
import { sendToMember } from "../messaging/notify.js";
import { truncateText } from "../text.js";
import { askedText } from "./question-text-key.js";

/**
 * @example await sendHelperDraft(ctx, { answerId })
 */
export async function sendHelperDraft(ctx: CoreContext, options: { answerId: number }): Promise<number> {
  const answer = await ctx.prisma.answer.findUnique({
    where: { id: options.answerId },
    select: {
      state: true,
      reply: true,
      question: { select: { id: true, title: true, body: true, member: { select: { displayName: true } } } },
    },
  });
  if (answer?.state !== "DRAFT" || !answer.reply) return 0;
  const draft = answer.reply as unknown as Reply;
  const { question } = answer;
  const staff = await ctx.prisma.member.findMany({
    where: { role: { in: ["OWNER", "CREATOR"] }, erasedAt: null },
    select: { id: true },
  });
  let sent = 0;
  for (const member of staff) {
    sent += await sendToMember(ctx, member.id, (locale) => {
      const m = messages(locale).qa;
      const header = m.draftHeader({
        id: question.id,
        member: question.member.displayName,
        question: truncateText(askedText(question).replace(/\s+/g, " "), 300, "…"),
      });
      // The draft's own text is markup already (escaped when it was written): joined, never re-templated.
      const body = draft.messages.map((message) => message.text).join("\n\n");
      const action = (verb: string) => `draft ${options.answerId} ${verb}`;
      return {
        messages: [
          {
            text: `${header}\n\n${body}`,
            buttons: [
              [
                { label: m.buttonApprove, action: action("approve") },
                { label: m.buttonEdit, action: action("edit") },
                { label: m.buttonReject, action: action("reject") },
              ],
            ],
          },
        ],
      };
    });
  }
  return sent;
}

/**
 * `/ask <question>` in a private chat (Telegram, Discord, the console): the question is recorded like one asked in a
 * Q&A thread, and the answer helper replies at once — quoting what this member may read, naming (with a Buy button)
 * what they may not, or saying it does not know and asking the creator.
 */
import { answerQuestion } from "../../assistant/answer-question.js";
import { askQuestion } from "../../community/ask-question.js";
import { truncateText } from "../../text.js";
import type { Command } from "../command.js";
import { textReply } from "../reply.js";

export const askCommand: Command = {
  name: "ask",
  async run(session, _args, raw) {
    const { ctx, m, request } = session;
    const question = raw.trim();
    if (!question) return textReply(m.assistant.askUsage);
    const { questionId } = await askQuestion(ctx, {
      user: request.user,
      threadRef: null,
      title: truncateText(question, 120, "…"),
      body: question,
    });
    // In a private chat the asker waits for this reply in the same exchange (a Discord interaction, the console):
    // answered inline, within the model's time limit, rather than through a job.
    const { reply } = await answerQuestion(ctx, { questionId, audience: "asker" });
    return reply ?? textReply(m.assistant.askUsage);
  },
};

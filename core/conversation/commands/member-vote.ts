/**
 * `/vote <answer> up|down`: what the Helpful / Not helpful buttons under an answer run. One vote per member and
 * answer; pressing the other button changes it.
 */
import { voteOnAnswer } from "../../assistant/vote-on-answer.js";
import { type Command, idArgument } from "../command.js";
import { textReply } from "../reply.js";

export const voteCommand: Command = {
  name: "vote",
  async run({ ctx, m, member }, args) {
    const answerId = idArgument(args[0], m, "vote");
    const direction = args[1]?.toLowerCase();
    if (direction !== "up" && direction !== "down") {
      return textReply(m.errors.BAD_ARGUMENTS({ usage: m.usage.vote ?? "" }));
    }
    const result = await voteOnAnswer(ctx, { memberId: member.id, answerId, helpful: direction === "up" });
    if (!result.ok) return textReply(m.qa.voteGone);
    return textReply(m.qa.voted({ up: result.helpful, down: result.notHelpful }));
  },
};

/**
 * Where the helper's answer was posted (`tg:<chat>:<message>`, `dc:<thread>:<message>`): the same handle a human
 * answer gets, so the asker or the creator can accept the helper's answer like any other.
 */
import type { CoreContext } from "../context.js";

/**
 * @example await recordHelperMessage(ctx, { answerId, messageRef: `tg:${chatId}:${messageId}` })
 */
export async function recordHelperMessage(
  ctx: CoreContext,
  options: { answerId: number; messageRef: string },
): Promise<void> {
  await ctx.prisma.answer.update({
    where: { id: options.answerId, fromHelper: true },
    data: { messageRef: options.messageRef },
  });
}

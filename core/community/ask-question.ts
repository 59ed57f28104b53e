/**
 * A question thread on a platform (a Telegram forum topic or reply thread, a Discord forum post) becomes a core
 * question. `threadRef` is the adapter's platform-prefixed handle (`tg:<chat>:<topic>`, `dc:<thread>`); asking again
 * in the same thread returns the same question. A question asked in a private chat (`/ask`) has no thread (null):
 * each one is new.
 */
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { recordActivity } from "../learning/record-activity.js";
import { stripControlCharacters, truncateText } from "../text.js";

export async function askQuestion(
  ctx: CoreContext,
  options: { user: PlatformUser; threadRef: string | null; title: string; body: string },
): Promise<{ questionId: number; isNew: boolean }> {
  const { member } = await resolveMember(ctx, options.user);
  const body = stripControlCharacters(options.body);
  const key = options.threadRef
    ? { platform_threadRef: { platform: options.user.platform, threadRef: options.threadRef } }
    : null;
  const existing = key ? await ctx.prisma.question.findUnique({ where: key }) : null;
  if (existing) return { questionId: existing.id, isNew: false };
  try {
    const question = await ctx.prisma.question.create({
      data: {
        memberId: member.id,
        platform: options.user.platform,
        threadRef: options.threadRef,
        title: truncateText(stripControlCharacters(options.title).trim(), 200) || truncateText(body.trim(), 80),
        body: truncateText(body, 4000),
      },
    });
    recordActivity(ctx, { memberId: member.id, kind: "question_asked", data: { questionId: question.id } });
    return { questionId: question.id, isNew: true };
  } catch (error) {
    const again = key ? await ctx.prisma.question.findUnique({ where: key }) : null;
    if (again) return { questionId: again.id, isNew: false };
    throw error;
  }
}

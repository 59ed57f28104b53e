/**
 * A question thread on a platform (a Telegram forum topic or reply thread, a Discord forum post) becomes a core
 * question. `threadRef` is the adapter's platform-prefixed handle (`tg:<chat>:<topic>`, `dc:<thread>`); asking again
 * in the same thread returns the same question.
 */
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";

export async function askQuestion(
  ctx: CoreContext,
  options: { user: PlatformUser; threadRef: string; title: string; body: string },
): Promise<{ questionId: number; isNew: boolean }> {
  const { member } = await resolveMember(ctx, options.user);
  const key = { platform_threadRef: { platform: options.user.platform, threadRef: options.threadRef } };
  const existing = await ctx.prisma.question.findUnique({ where: key });
  if (existing) return { questionId: existing.id, isNew: false };
  try {
    const question = await ctx.prisma.question.create({
      data: {
        memberId: member.id,
        platform: options.user.platform,
        threadRef: options.threadRef,
        title: options.title.trim().slice(0, 200) || options.body.trim().slice(0, 80),
        body: options.body.slice(0, 4000),
      },
    });
    await ctx.prisma.activityEvent.create({
      data: { memberId: member.id, kind: "question.asked", data: { questionId: question.id } },
    });
    return { questionId: question.id, isNew: true };
  } catch (error) {
    const again = await ctx.prisma.question.findUnique({ where: key });
    if (again) return { questionId: again.id, isNew: false };
    throw error;
  }
}

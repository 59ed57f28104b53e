/**
 * A question thread on a platform (a Telegram forum topic or reply thread, a Discord forum post) becomes a core
 * question. `threadRef` is the adapter's platform-prefixed handle (`tg:<chat>:<topic>`, `dc:<thread>`); asking again
 * in the same thread returns the same question. A question asked in a private chat (`/ask`) has no thread (null):
 * each one is new. `placeRef` names the Q&A place (whose helper mode applies) and `messageRef` the asking message
 * (the helper's answer replies to it); the normalised text's key lets identical questions reuse an answer.
 */

import { askedText, questionTextKey } from "../assistant/question-text-key.js";
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { recordActivity } from "../learning/record-activity.js";
import { stripControlCharacters, truncateText } from "../text.js";

export async function askQuestion(
  ctx: CoreContext,
  options: {
    user: PlatformUser;
    threadRef: string | null;
    title: string;
    body: string;
    placeRef?: string | null;
    /** What the platform calls the place (the group's or forum's name), shown to creators in /helper. */
    placeTitle?: string | null;
    messageRef?: string | null;
  },
): Promise<{ questionId: number; isNew: boolean }> {
  const { member } = await resolveMember(ctx, options.user);
  const body = stripControlCharacters(options.body);
  const key = options.threadRef
    ? { platform_threadRef: { platform: options.user.platform, threadRef: options.threadRef } }
    : null;
  const existing = key ? await ctx.prisma.question.findUnique({ where: key }) : null;
  if (existing) return { questionId: existing.id, isNew: false };
  if (options.placeRef) {
    // The place becomes known (listed by /helper) with no mode of its own: HELPER_MODE applies until one is set.
    const place = { platform: options.user.platform, placeRef: options.placeRef };
    const title = options.placeTitle ? truncateText(stripControlCharacters(options.placeTitle), 100) : null;
    await ctx.prisma.qaPlace.upsert({
      where: { platform_placeRef: place },
      create: { ...place, title },
      update: title ? { title } : {},
    });
  }
  const title = truncateText(stripControlCharacters(options.title).trim(), 200) || truncateText(body.trim(), 80);
  try {
    const question = await ctx.prisma.question.create({
      data: {
        memberId: member.id,
        platform: options.user.platform,
        threadRef: options.threadRef,
        title,
        body: truncateText(body, 4000),
        placeRef: options.placeRef ?? null,
        messageRef: options.messageRef ?? null,
        textKey: questionTextKey(askedText({ title, body })),
        // Domain time, like every window the helper counts in (daily limit, floods, the unanswered sweep).
        createdAt: ctx.clock.now(),
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

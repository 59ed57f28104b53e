/**
 * A moderator's mute or ban carried to the platforms (the `moderation.restrict` outbox item), best effort: on
 * Telegram in every Q&A chat and the lesson discussion chat, on Discord in the guild. A platform that refuses (the
 * bot lacks the right) is logged and left; one that did not answer is retried by the outbox.
 */
import type { CoreContext } from "../context.js";

/**
 * @example await restrictOnPlatforms(ctx, { memberId, mutedUntil: null }) // a ban
 */
export async function restrictOnPlatforms(
  ctx: CoreContext,
  options: { memberId: number; mutedUntil: string | null },
): Promise<void> {
  const accounts = await ctx.prisma.platformAccount.findMany({ where: { memberId: options.memberId } });
  const places = await telegramPlaces(ctx);
  const failures: string[] = [];
  for (const account of accounts) {
    const gateway = ctx.gateways[account.platform];
    if (!gateway?.restrictMember) continue;
    const result = await gateway.restrictMember(
      { accountId: account.id, platform: account.platform, externalId: account.externalId, chatId: account.chatId },
      { mutedUntil: options.mutedUntil ? new Date(options.mutedUntil) : null, places },
    );
    if (result.ok) continue;
    ctx.log.warn({ accountId: account.id, reason: result.reason, detail: result.detail }, "could not restrict member");
    if (result.reason === "FAILED") failures.push(`${account.platform}: ${result.detail}`);
  }
  // Thrown so the outbox tries again later; gateways apply restrictions idempotently.
  if (failures.length) throw new Error(`restriction not applied: ${failures.join("; ")}`);
}

/** Telegram chats where members post: the Q&A places (`tg:<chat>`) and the chats of lesson topics (`tg:<chat>:<topic>`). */
async function telegramPlaces(ctx: CoreContext): Promise<string[]> {
  const [questions, threads] = await Promise.all([
    ctx.prisma.question.findMany({
      where: { platform: "TELEGRAM", placeRef: { startsWith: "tg:" } },
      distinct: ["placeRef"],
      select: { placeRef: true },
    }),
    ctx.prisma.lessonThread.findMany({ where: { platform: "TELEGRAM" }, select: { threadRef: true } }),
  ]);
  const chats = new Set<string>();
  for (const q of questions) if (q.placeRef) chats.add(q.placeRef.split(":")[1]!);
  for (const t of threads) {
    const chat = t.threadRef.split(":")[1];
    if (t.threadRef.startsWith("tg:") && chat) chats.add(chat);
  }
  return [...chats];
}

/**
 * Whether a question or an answer may be processed. The provider's moderation endpoint judges the content when one is
 * configured (a failure there is logged and the rules still apply); the creator's own rules always apply, because they
 * are the creator's explicit choices and cost nothing:
 * - a link from a new member (someone first seen less than `newMemberDays` ago): the usual spam pattern;
 * - a word from the banned-words list (English and Chinese, matched case-insensitively inside words, since Chinese
 *   has no spaces to match whole words on);
 * - a flood: more than `floodQuestions` questions from one member within `floodMinutes` (questions only).
 * Staff are never held back by the rules: a creator posts links and may quote any word.
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { isStaff } from "../identity/roles.js";
import { assistantSettings } from "./assistant-settings.js";

export type ModerationResult = { flagged: false } | { flagged: true; reason: string };

/** http(s) links, bare `www.` addresses and Telegram / Discord invites. */
const LINK = /(https?:\/\/|www\.|t\.me\/|discord\.gg\/|discord\.com\/invite)/i;

const fold = (text: string) => text.normalize("NFKC").toLowerCase();

/** The first banned word the text contains, or null. */
export function bannedWordIn(text: string, bannedWords: readonly string[]): string | null {
  const folded = fold(text);
  for (const word of bannedWords) {
    const needle = fold(word).trim();
    if (needle && folded.includes(needle)) return word;
  }
  return null;
}

export interface ModerateTextOptions {
  text: string;
  kind: "question" | "answer";
  /** Who wrote it; null for the helper's own answer (only the endpoint and the banned words apply). */
  author: { id: number; role: Role; createdAt: Date } | null;
}

/**
 * @example const verdict = await moderateText(ctx, { text, kind: "question", author: member }); if (verdict.flagged) …
 */
export async function moderateText(ctx: CoreContext, options: ModerateTextOptions): Promise<ModerationResult> {
  const settings = assistantSettings(ctx);
  if (settings.moderation) {
    try {
      const verdict = await settings.moderation.moderate(options.text);
      if (verdict.flagged)
        return { flagged: true, reason: `MODERATION: ${verdict.categories.join(", ") || "flagged"}` };
    } catch (error) {
      // Only the kind of failure: an SDK error may carry request details.
      ctx.log.warn(
        { reason: error instanceof Error ? error.name : "unknown" },
        "moderation endpoint failed; rules only",
      );
    }
  }
  const { author } = options;
  if (author && isStaff(author.role)) return { flagged: false };
  if (bannedWordIn(options.text, settings.bannedWords)) return { flagged: true, reason: "BANNED_WORD" };
  if (!author) return { flagged: false };
  const now = ctx.clock.now();
  const isNew = now.getTime() - author.createdAt.getTime() < settings.newMemberDays * 86_400_000;
  if (isNew && LINK.test(options.text)) return { flagged: true, reason: "LINK" };
  if (options.kind === "question" && settings.floodQuestions > 0) {
    const recent = await ctx.prisma.question.count({
      where: { memberId: author.id, createdAt: { gte: new Date(now.getTime() - settings.floodMinutes * 60_000) } },
    });
    if (recent > settings.floodQuestions) return { flagged: true, reason: "FLOOD" };
  }
  return { flagged: false };
}

/**
 * Lesson discussion on Discord: a public thread per lesson in the discussion text channel
 * (LESSON_DISCUSSION_CHANNEL_ID), members' messages there recorded as comments (a reply as a reply), and a
 * moderator's mute (a timeout) or ban applied in the guild. Decisions stay in core; this only speaks Discord.
 */
import { type Client, DiscordAPIError, type Message, RateLimitError, Routes } from "discord.js";
import { commentFromThread } from "../../core/community/discussion/comment-from-thread.js";
import type { CoreContext } from "../../core/context.js";
import type { AccessResult, LessonThreadResult, MemberRestriction } from "../../core/ports.js";
import { stripControlCharacters } from "../../core/text.js";
import { DiscordCode, describeError } from "./discord-gateway.js";
import { platformUser } from "./discord-roles.js";

/** Discord's longest automatic archive (a week): a quiet lesson's thread is archived, and a new post unarchives it. */
const ARCHIVE_MINUTES = 10_080;
const PUBLIC_THREAD = 11;

/** @example const opened = await openDiscordLessonThread(client, channelId, "SQL basics · Joins") */
export async function openDiscordLessonThread(
  client: Client,
  channelId: string | null | undefined,
  title: string,
): Promise<LessonThreadResult> {
  if (!channelId) return { ok: false, reason: "NOT_CONFIGURED" };
  try {
    const thread = (await client.rest.post(Routes.threads(channelId), {
      body: { name: [...title].slice(0, 100).join(""), type: PUBLIC_THREAD, auto_archive_duration: ARCHIVE_MINUTES },
      reason: "Lyceum: lesson discussion",
    })) as { id: string };
    return { ok: true, threadRef: `dc:${thread.id}` };
  } catch (error) {
    if (error instanceof RateLimitError) {
      return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: Math.ceil(error.retryAfter / 1000) };
    }
    if (error instanceof DiscordAPIError) return { ok: false, reason: "FAILED", detail: describeError(error) };
    return { ok: false, reason: "OUTCOME_UNKNOWN", detail: describeError(error) };
  }
}

/**
 * A timeout until the time (Moderate Members), or a ban (Ban Members). A refusal for missing rights, or someone not
 * in the guild, is NOT_ALLOWED (left to the creator); anything else may be tried again.
 */
export async function restrictDiscordMember(
  client: Client,
  guildId: string,
  userId: string,
  restriction: MemberRestriction,
): Promise<AccessResult> {
  try {
    if (restriction.mutedUntil) {
      await client.rest.patch(Routes.guildMember(guildId, userId), {
        body: { communication_disabled_until: restriction.mutedUntil.toISOString() },
        reason: "Lyceum: muted by a moderator",
      });
    } else {
      await client.rest.put(Routes.guildBan(guildId, userId), { body: {}, reason: "Lyceum: banned by a moderator" });
    }
    return { ok: true };
  } catch (error) {
    const code = error instanceof DiscordAPIError ? error.code : null;
    if (
      code === DiscordCode.MISSING_PERMISSIONS ||
      code === DiscordCode.UNKNOWN_MEMBER ||
      code === DiscordCode.UNKNOWN_USER
    ) {
      return { ok: false, reason: "NOT_ALLOWED", detail: describeError(error) };
    }
    return { ok: false, reason: "FAILED", detail: describeError(error) };
  }
}

/** A member's message in a lesson thread of the discussion channel: a comment, or a reply to one. */
export async function onDiscussionMessage(ctx: CoreContext, channelId: string, message: Message): Promise<void> {
  const channel = message.channel;
  if (message.author.bot || !channel.isThread() || channel.parentId !== channelId) return;
  const body = stripControlCharacters(message.content);
  if (!body.trim()) return;
  const replied = message.reference?.messageId;
  await commentFromThread(ctx, {
    user: platformUser(message.author),
    platform: "DISCORD",
    threadRef: `dc:${channel.id}`,
    body,
    messageRef: `dc:${channel.id}:${message.id}`,
    replyToRef: replied ? `dc:${channel.id}:${replied}` : null,
  });
}

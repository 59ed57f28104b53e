/**
 * Q&A in a forum channel: each post is a core question (its starter message, whose id is the post's id, is the body),
 * every other message in the post is an answer, and the "Accept answer" message command marks one accepted and tags
 * the post "Solved". Who may accept is the core's decision (the asker or the staff).
 */
import type { AnyThreadChannel, Message, MessageContextMenuCommandInteraction } from "discord.js";
import { requestHelperAnswer } from "../../core/assistant/request-helper-answer.js";
import { acceptAnswer } from "../../core/community/accept-answer.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { askQuestion } from "../../core/community/ask-question.js";
import type { CoreContext } from "../../core/context.js";
import { messages } from "../../core/i18n/index.js";
import { resolveMember } from "../../core/identity/resolve-member.js";
import { stripControlCharacters } from "../../core/text.js";
import { describeError } from "./discord-gateway.js";
import { toDiscordMarkdown } from "./discord-render.js";
import { platformUser } from "./discord-roles.js";

const SOLVED_TAG = /^(solved|resolved|已解决|已解決)$/i;

export const threadRef = (threadId: string) => `dc:${threadId}`;
export const messageRef = (threadId: string, messageId: string) => `dc:${threadId}:${messageId}`;
/** The Q&A place: the forum channel (whose helper mode applies to its posts). */
export const placeRef = (forumId: string) => `dc:${forumId}`;

function inForum(channel: Message["channel"], forumId: string): channel is AnyThreadChannel {
  return channel.isThread() && channel.parentId === forumId;
}

async function recordQuestion(ctx: CoreContext, thread: AnyThreadChannel, starter: Message): Promise<number> {
  const user = platformUser(starter.author);
  const { questionId, isNew } = await askQuestion(ctx, {
    user,
    threadRef: threadRef(thread.id),
    title: stripControlCharacters(thread.name),
    body: stripControlCharacters(starter.content),
    placeRef: thread.parentId ? placeRef(thread.parentId) : null,
    placeTitle: thread.parent?.name ?? null,
    messageRef: messageRef(thread.id, starter.id),
  });
  if (isNew) {
    const { member } = await resolveMember(ctx, user);
    await thread
      .send({ content: toDiscordMarkdown(messages(member.locale).discord.questionRecorded({ id: questionId })) })
      .catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, "could not post in the Q&A thread"));
    // The helper answers in the background (a job); the gateway posts its answer in the post when ready.
    await requestHelperAnswer(ctx, { questionId });
  }
  return questionId;
}

/** A message in the Q&A forum: the starter message asks, the others answer. */
export async function onForumMessage(ctx: CoreContext, forumId: string, message: Message): Promise<void> {
  if (message.author.bot || !inForum(message.channel, forumId)) return;
  const thread = message.channel;
  if (message.id === thread.id) {
    await recordQuestion(ctx, thread, message);
    return;
  }
  const answer = {
    user: platformUser(message.author),
    threadRef: threadRef(thread.id),
    body: stripControlCharacters(message.content),
    messageRef: messageRef(thread.id, message.id),
  };
  if (await answerQuestion(ctx, answer)) return;
  // The post was made while the bot was away: record it from its starter message, then the answer.
  const starter = await thread.fetchStarterMessage().catch(() => null);
  if (!starter || starter.author.bot) return;
  await recordQuestion(ctx, thread, starter);
  await answerQuestion(ctx, answer);
}

/** "Accept answer" on a message: the core decides, the adapter tags the post. Returns the reply text. */
export async function onAcceptAnswer(
  ctx: CoreContext,
  interaction: MessageContextMenuCommandInteraction,
): Promise<string> {
  const user = platformUser(interaction.user, interaction.locale);
  const { member } = await resolveMember(ctx, user);
  const m = messages(member.locale).discord;
  const target = interaction.targetMessage;
  const result = await acceptAnswer(ctx, { user, messageRef: messageRef(target.channelId, target.id) });
  if (!result.ok) return result.reason === "FORBIDDEN" ? m.acceptForbidden : m.notAnAnswer;
  const channel = await interaction.client.channels.fetch(target.channelId).catch(() => null);
  if (channel?.isThread() && channel.parent && "availableTags" in channel.parent) {
    const solved = channel.parent.availableTags.find((tag) => SOLVED_TAG.test(tag.name));
    if (solved && !channel.appliedTags.includes(solved.id)) {
      await channel
        .setAppliedTags([...channel.appliedTags, solved.id].slice(0, 5), "Lyceum: answer accepted")
        .catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, "could not tag the Q&A post"));
    }
  }
  return m.accepted({ id: result.questionId });
}

/**
 * A reply that may hold a lesson, as Discord messages: the heading, then the parts core decided (markdown within
 * 2000 characters, the lesson's images and files uploaded as message attachments where the text refers to them, the
 * rest after), buttons on the last message. Discord shows an uploaded image inline, so no embed is needed.
 *
 * Files are uploaded from their bytes every time: an attachment's CDN address is signed and expires, so it is not
 * worth keeping. A file that only exists as a Discord address (sent by a creator in chat) is linked instead.
 */
import { AttachmentBuilder } from "discord.js";
import type { Reply, ReplyMessage } from "../../core/conversation/reply.js";
import type { Messages } from "../../core/i18n/index.js";
import type { AttachmentStore } from "../../core/learning/attachments.js";
import { renderLessonParts } from "../../core/learning/markdown/render-lesson-parts.js";
import {
  buttonRows,
  type DiscordMessagePayload,
  discordTexts,
  escapeDiscordText,
  renderReply,
} from "./discord-render.js";

/** Every message of the reply as Discord payloads, lessons with their files loaded through `attachments`. */
export async function renderReplyWithFiles(
  reply: Reply,
  m: Messages,
  attachments: AttachmentStore | undefined,
): Promise<DiscordMessagePayload[]> {
  if (!reply.messages.some((message) => message.markdown !== undefined)) return renderReply(reply, m);
  const payloads: DiscordMessagePayload[] = [];
  for (const message of reply.messages) {
    if (message.markdown === undefined) payloads.push(...renderReply({ ...reply, messages: [message] }, m));
    else payloads.push(...(await lessonPayloads({ ...message, markdown: message.markdown }, m, attachments)));
  }
  return payloads;
}

async function lessonPayloads(
  message: ReplyMessage & { markdown: string },
  m: Messages,
  attachments: AttachmentStore | undefined,
): Promise<DiscordMessagePayload[]> {
  const payloads: DiscordMessagePayload[] = discordTexts(message.text).map((content) => payload(content));
  const parts = renderLessonParts(message.markdown, { platform: "discord", attachments: message.attachments ?? [] });
  for (const part of parts) {
    if (part.kind === "text") {
      if (part.text.trim()) payloads.push(payload(part.text));
      continue;
    }
    const file = await attachments?.load(part.attachment.id);
    if (file?.data) {
      const upload = new AttachmentBuilder(Buffer.from(file.data), { name: safeFileName(file.fileName) });
      if (part.caption) upload.setDescription(part.caption.slice(0, 1024));
      payloads.push({ ...payload(part.caption), files: [upload] });
    } else {
      // Not stored here (deleted, or kept only on a platform): named, with its address when there is one.
      const name = `📎 ${part.caption || escapeDiscordText(part.attachment.fileName)}`;
      payloads.push(payload(file?.discordUrl ? `${name}\n${file.discordUrl}` : name));
    }
  }
  if (payloads.length === 0) payloads.push(payload("\u200b"));
  payloads[payloads.length - 1]!.components = buttonRows(message.buttons, m);
  return payloads;
}

function payload(content: string): DiscordMessagePayload {
  return { content, components: [], allowedMentions: { parse: [] } };
}

/** Discord shows an attachment by its name: no path, no characters its CDN address would mangle. */
function safeFileName(name: string): string {
  return name.replace(/^.*[\\/]/, "").replace(/[^\w.-]+/g, "_") || "file";
}

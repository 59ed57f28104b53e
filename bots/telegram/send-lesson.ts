/**
 * A lesson on Telegram: the heading, then the parts core decided (HTML texts within 4096 characters, the lesson's
 * images with sendPhoto and files with sendDocument where the text refers to them, the rest after), the buttons under
 * the last message. A file is uploaded once; Telegram's file_id is kept and sent instead from then on.
 */

import type { ReplyMessage } from "../../core/conversation/reply.js";
import type { AttachmentStore, LoadedAttachment } from "../../core/learning/attachments.js";
import { renderLessonParts } from "../../core/learning/markdown/render-lesson-parts.js";
import { type BotApi, BotApiError, UploadFile } from "./bot-api.js";

type Step = { kind: "text"; html: string } | { kind: "media"; attachmentId: number; fileName: string; caption: string };

/** One Bot API message id per step sent; the keyboard goes on the last step. */
export async function sendLesson(
  api: BotApi,
  where: Record<string, unknown>,
  message: ReplyMessage & { markdown: string },
  headings: string[],
  keyboard: Record<string, unknown> | undefined,
  attachments: AttachmentStore | undefined,
): Promise<number | undefined> {
  const steps: Step[] = headings.map((html) => ({ kind: "text", html }));
  for (const part of renderLessonParts(message.markdown, {
    platform: "telegram",
    attachments: message.attachments ?? [],
  })) {
    if (part.kind === "text") {
      if (part.text.trim()) steps.push({ kind: "text", html: part.text });
    } else {
      steps.push({
        kind: "media",
        attachmentId: part.attachment.id,
        fileName: part.attachment.fileName,
        caption: part.caption,
      });
    }
  }
  let lastId: number | undefined;
  for (const [index, step] of steps.entries()) {
    const markup = index === steps.length - 1 && keyboard ? { reply_markup: keyboard } : {};
    if (step.kind === "text") {
      const sent = await api.call<{ message_id: number }>("sendMessage", {
        ...where,
        text: step.html,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...markup,
      });
      lastId = sent.message_id;
      continue;
    }
    const file = await attachments?.load(step.attachmentId);
    if (!file || (!file.data && !file.telegramFileId)) {
      // Nothing to send (deleted, or only on another platform): the member still sees that a file belongs here.
      const sent = await api.call<{ message_id: number }>("sendMessage", {
        ...where,
        text: `📎 ${step.caption || escapeName(step.fileName)}`,
        parse_mode: "HTML",
        ...markup,
      });
      lastId = sent.message_id;
      continue;
    }
    lastId = await sendFile(
      api,
      { ...where, caption: step.caption, parse_mode: "HTML", ...markup },
      file,
      attachments!,
    );
  }
  return lastId;
}

interface SentFile {
  message_id: number;
  photo?: { file_id: string }[];
  document?: { file_id: string };
}

/** sendPhoto / sendDocument with the cached file_id, or an upload whose file_id is then kept. */
async function sendFile(
  api: BotApi,
  params: Record<string, unknown>,
  file: LoadedAttachment,
  attachments: AttachmentStore,
): Promise<number> {
  const method = file.kind === "photo" ? "sendPhoto" : "sendDocument";
  const field = file.kind === "photo" ? "photo" : "document";
  const upload = async () => {
    const sent = await api.call<SentFile>(method, { ...params, [field]: new UploadFile(file.data!, file.fileName) });
    // The largest size of a photo is last; its file_id serves every later send.
    const fileId = file.kind === "photo" ? sent.photo?.at(-1)?.file_id : sent.document?.file_id;
    if (fileId) await attachments.remember(file.id, { telegramFileId: fileId });
    return sent.message_id;
  };
  if (!file.telegramFileId) return upload();
  try {
    const sent = await api.call<SentFile>(method, { ...params, [field]: file.telegramFileId });
    return sent.message_id;
  } catch (error) {
    // A file id Telegram no longer knows (another bot's, or a token changed): upload the bytes again, if there are any.
    const stale = error instanceof BotApiError && error.code === 400 && /file|identifier/i.test(error.description);
    if (!stale || !file.data) throw error;
    return upload();
  }
}

const escapeName = (name: string) => name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

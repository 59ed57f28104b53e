/**
 * Renders a neutral reply for the terminal: bold spans become bold (on a terminal) or plain text (when piped), code is
 * plain text, buttons become numbered choices the user picks by typing the number. Text comes from the parsed markup,
 * which has no control characters left, so nothing a name or a title holds can drive the terminal.
 */
import { markupLines, plainText } from "../../core/conversation/markup.js";
import type { Reply, ReplyMessage } from "../../core/conversation/reply.js";
import { renderLessonParts } from "../../core/learning/markdown/render-lesson-parts.js";
import { stripControlCharacters } from "../../core/text.js";

export type Choice = { action: string } | { url: string };

/**
 * The reply as terminal text and the choices its numbers stand for. A lesson (`markdown`) follows its heading as
 * plain text, each image or file as a line with its path in `files` (saveLessonFiles), or its name when not saved.
 */
export function renderForTerminal(
  reply: Reply,
  options: {
    color: boolean;
    files?: ReadonlyMap<number, string>;
    documents?: ReadonlyMap<ReplyMessage, string>;
    /** False for a message to someone else: its buttons are shown as labels, with no number to type. */
    numbered?: boolean;
  },
): { text: string; choices: Choice[] } {
  const choices: Choice[] = [];
  const blocks: string[] = [];
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[22m` : s);
  // Labels and addresses are plain text; the newline is the one control character that would still break a line.
  const plain = (s: string) => stripControlCharacters(s).replace(/[\n\t]+/g, " ");
  for (const message of reply.messages) {
    let text = markupLines(message.text)
      .map((line) => line.map((span) => (span.bold ? bold(span.text) : span.text)).join(""))
      .join("\n");
    if (message.image) text += `\n[image: ${plain(message.image.alt)} — ${plain(message.image.url)}]`;
    if (message.markdown !== undefined) {
      for (const part of renderLessonParts(message.markdown, {
        platform: "console",
        attachments: message.attachments ?? [],
      })) {
        if (part.kind === "text") {
          if (part.text.trim()) text += `\n\n${part.text}`;
          continue;
        }
        const icon = part.attachment.kind === "photo" ? "🖼" : "📎";
        const where = plain(options.files?.get(part.attachment.id) ?? part.attachment.fileName);
        text += `\n\n${icon} ${part.caption ? `${part.caption} — ` : ""}${where}`;
      }
    }
    if (message.document) {
      // Saved by saveReplyDocuments (console-lesson.ts); its name alone when it could not be saved.
      text += `\n\n📄 ${plain(options.documents?.get(message) ?? message.document.fileName)}`;
    }
    for (const row of message.buttons ?? []) {
      const cells = row.map((button) => {
        const label = plain(plainText(button.label));
        if (options.numbered === false) return `‹${label}›`;
        choices.push("url" in button ? { url: button.url } : { action: button.action });
        const n = choices.length;
        return "url" in button ? `[${n}] ${label} → ${plain(button.url)}` : `[${n}] ${label}`;
      });
      text += `\n  ${cells.join("   ")}`;
    }
    blocks.push(text);
  }
  return { text: blocks.join("\n\n"), choices };
}

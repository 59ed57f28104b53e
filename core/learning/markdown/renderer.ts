/**
 * The shape every platform's lesson renderer has: block tokens in, the platform's text out. The splitter
 * (render-lesson-parts.ts) decides where parts begin and end; a renderer only says how a piece of Markdown looks.
 */
import type { Token } from "marked";
import type { AttachmentRef } from "../../conversation/reply.js";

export interface RenderEnvironment {
  /** A lesson's files: references to them are sent as media, so the text leaves them out. */
  attachments: readonly AttachmentRef[];
}

export interface MarkdownRenderer {
  /** Top-level block tokens (heading, paragraph, list, code, blockquote, table, hr, html) as the platform's text. */
  blocks(tokens: readonly Token[], env: RenderEnvironment): string;
  /** One code block (or a piece of one, when a long block is split): always balanced on its own. */
  code(language: string, text: string): string;
  /** Plain text (an image's alt text, a file's caption) made literal for the platform. */
  caption(text: string): string;
  /** Between two blocks in one message. */
  separator: string;
  /** What one message may hold, counted the conservative way (UTF-16 code units of what is sent). */
  defaultLimit: number;
  captionLimit: number;
}

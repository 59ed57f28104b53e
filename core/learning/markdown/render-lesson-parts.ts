/**
 * A lesson's Markdown as the ordered parts an adapter sends: texts rendered for the platform and split at block
 * boundaries within its message limit, and the lesson's own images and files (`![alt](chart.png)`,
 * `[slides](slides.pdf)`) where the text refers to them, then the files it never mentions. One decision for every
 * platform; each bot only turns parts into its API calls.
 *
 * Every part carries `source`, the exact slice of the Markdown it came from: the sources re-join to the lesson, so
 * nothing is lost or repeated by a split (files the text never mentions have an empty source).
 *
 * @example
 * renderLessonParts("# Intro\n\n![Sales](chart.png)", { platform: "telegram", attachments: [chart] })
 * // [{ kind: "text", text: "<b>Intro</b>", source: "# Intro\n\n" },
 * //  { kind: "media", attachment: chart, caption: "Sales", source: "![Sales](chart.png)" }]
 */
import { Lexer, type Token, type Tokens } from "marked";
import type { AttachmentRef } from "../../conversation/reply.js";
import { truncateText } from "../../text.js";
import { attachmentFor, inlinePlainText } from "./inline.js";
import { consoleRenderer } from "./render-console.js";
import { discordRenderer } from "./render-discord.js";
import { telegramRenderer } from "./render-telegram.js";
import type { MarkdownRenderer, RenderEnvironment } from "./renderer.js";
import { type Piece, type SplitContext, splitBlock } from "./split-block.js";

export type LessonPlatform = "telegram" | "discord" | "console";

export type LessonPart =
  | { kind: "text"; text: string; source: string }
  | { kind: "media"; attachment: AttachmentRef; caption: string; source: string };

export interface RenderLessonOptions {
  platform: LessonPlatform;
  /** Characters per text part; the platform's message limit when left out (Telegram 4096, Discord 2000). */
  limit?: number;
  attachments?: readonly AttachmentRef[];
}

export const LESSON_RENDERERS: Record<LessonPlatform, MarkdownRenderer> = {
  telegram: telegramRenderer,
  discord: discordRenderer,
  console: consoleRenderer,
};

/** What the lesson is made of, in order: rendered blocks and the files they refer to. */
type Unit =
  | (Piece & { kind: "text" })
  | { kind: "media"; start: number; end: number; attachment: AttachmentRef; caption: string };

export function renderLessonParts(markdown: string, options: RenderLessonOptions): LessonPart[] {
  const renderer = LESSON_RENDERERS[options.platform];
  const limit = Math.max(1, options.limit ?? renderer.defaultLimit);
  const attachments = options.attachments ?? [];
  const env: RenderEnvironment = { attachments };
  const { text, toOriginal } = normalizeLineEnds(markdown);
  const context: SplitContext = { markdown: text, renderer, env, limit };

  const units: Unit[] = [];
  const referenced = new Set<number>();
  for (const { token, start, end } of blockTokens(text)) {
    const refs = attachmentRefs(token, attachments);
    for (const ref of refs) referenced.add(ref.attachment.id);
    const media = refs.map((ref, index) => ({
      kind: "media" as const,
      // A paragraph that is only files is sent as those files: the first one carries its source.
      start: index === 0 && onlyFiles(token, attachments) ? start : end,
      end,
      attachment: ref.attachment,
      caption: caption(renderer, ref.label || ref.attachment.caption || ""),
    }));
    if (media[0]?.start !== start) {
      const rendered = renderer.blocks([token], env);
      if (rendered.length <= limit) units.push({ kind: "text", start, end, text: rendered });
      else for (const piece of splitBlock(context, token, start, end)) units.push({ kind: "text", ...piece });
    }
    units.push(...media);
  }
  const parts = packUnits(units, renderer, limit, text.length);
  for (const attachment of attachments) {
    if (referenced.has(attachment.id)) continue;
    parts.push({
      kind: "media",
      attachment,
      caption: caption(renderer, attachment.caption ?? ""),
      start: text.length,
      end: text.length,
    });
  }
  return parts.map(({ start, end, ...part }) => ({
    ...part,
    source: markdown.slice(toOriginal(start), toOriginal(end)),
  })) as LessonPart[];
}

// --- Blocks and the files they refer to

/** The lesson's top-level tokens with their offsets; one token for all of it if marked's raws do not add up. */
function blockTokens(text: string): { token: Token; start: number; end: number }[] {
  const tokens = Lexer.lex(text);
  const located: { token: Token; start: number; end: number }[] = [];
  let at = 0;
  for (const token of tokens) {
    if (text.slice(at, at + token.raw.length) !== token.raw) {
      return [
        { token: { type: "paragraph", raw: text, text, tokens: [] } as Tokens.Paragraph, start: 0, end: text.length },
      ];
    }
    located.push({ token, start: at, end: at + token.raw.length });
    at += token.raw.length;
  }
  if (at < text.length) located.push({ token: { type: "space", raw: text.slice(at) }, start: at, end: text.length });
  return located;
}

interface FileRef {
  attachment: AttachmentRef;
  /** The alt text or link text: the caption. */
  label: string;
}

function attachmentRefs(token: Token, attachments: readonly AttachmentRef[]): FileRef[] {
  const refs: FileRef[] = [];
  const visit = (tokens: readonly Token[] | undefined) => {
    for (const child of tokens ?? []) {
      if (child.type === "image" || child.type === "link") {
        const link = child as Tokens.Image | Tokens.Link;
        const attachment = attachmentFor(link.href, attachments);
        if (attachment && !refs.some((ref) => ref.attachment.id === attachment.id)) {
          const label = child.type === "image" ? link.text : inlinePlainText(link.tokens);
          refs.push({ attachment, label: label.trim() === attachment.fileName ? "" : label.trim() });
          continue;
        }
      }
      if (child.type === "list") for (const item of (child as Tokens.List).items) visit(item.tokens);
      else if ("tokens" in child && child.tokens) visit(child.tokens);
    }
  };
  visit([token]);
  return refs;
}

/** True for a paragraph made of nothing but references to the lesson's files. */
function onlyFiles(token: Token, attachments: readonly AttachmentRef[]): boolean {
  if (token.type !== "paragraph") return false;
  return (token as Tokens.Paragraph).tokens.every((child) => {
    if (child.type === "image" || child.type === "link")
      return attachmentFor((child as Tokens.Link).href, attachments) !== undefined;
    return child.type === "br" || (child.type === "text" && !child.raw.trim());
  });
}

/** A caption within the platform's caption limit once rendered (escaping can make it longer). */
function caption(renderer: MarkdownRenderer, text: string): string {
  let plain = text.replace(/\s+/g, " ").trim();
  let rendered = renderer.caption(plain);
  while (rendered.length > renderer.captionLimit) {
    plain = truncateText(plain, plain.length - (rendered.length - renderer.captionLimit) - 1, "…");
    rendered = renderer.caption(plain);
  }
  return rendered;
}

// --- Packing blocks into messages

type PlacedPart = LessonPart extends infer P
  ? P extends LessonPart
    ? Omit<P, "source"> & { start: number; end: number }
    : never
  : never;

/**
 * Consecutive blocks share a message while they fit; a file ends the message before it. Blocks that render to
 * nothing (blank lines, link definitions) add their source to the message around them.
 */
function packUnits(units: Unit[], renderer: MarkdownRenderer, limit: number, length: number): PlacedPart[] {
  const parts: PlacedPart[] = [];
  let current: { texts: string[]; size: number; start: number; end: number } | null = null;
  let pending = 0; // where the source not yet in any part begins
  const flush = () => {
    if (current)
      parts.push({
        kind: "text",
        text: current.texts.join(renderer.separator),
        start: current.start,
        end: current.end,
      });
    current = null;
  };
  for (const unit of units) {
    if (unit.kind === "media") {
      flush();
      parts.push({ kind: "media", attachment: unit.attachment, caption: unit.caption, start: pending, end: unit.end });
      pending = unit.end;
      continue;
    }
    if (!unit.text.trim()) {
      if (current) {
        current.end = unit.end;
        pending = unit.end;
      }
      continue;
    }
    const size = unit.text.length;
    if (current && current.size + renderer.separator.length + size <= limit) {
      current.texts.push(unit.text);
      current.size += renderer.separator.length + size;
      current.end = unit.end;
    } else {
      flush();
      current = { texts: [unit.text], size, start: pending, end: unit.end };
    }
    pending = unit.end;
  }
  flush();
  // Blank source after the last message (or a lesson of files only) belongs to the last part.
  const last = parts.at(-1);
  if (last && pending < length) last.end = length;
  return parts;
}

/** LF line ends for marked, and the way back to offsets in what the creator wrote (CRLF files). */
function normalizeLineEnds(markdown: string): { text: string; toOriginal: (offset: number) => number } {
  if (!markdown.includes("\r")) return { text: markdown, toOriginal: (offset) => offset };
  const positions: number[] = [];
  let text = "";
  for (let i = 0; i < markdown.length; i++) {
    if (markdown[i] === "\r" && markdown[i + 1] === "\n") continue;
    positions.push(i);
    text += markdown[i] === "\r" ? "\n" : markdown[i];
  }
  positions.push(markdown.length);
  return { text, toOriginal: (offset) => positions[offset]! };
}

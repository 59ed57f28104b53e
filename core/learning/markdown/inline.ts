/**
 * What every platform renderer shares about Markdown's inline content: which links are safe to make clickable, which
 * ones point at a lesson's own attachment, and how entities in the text read. Platform idioms live in the renderers.
 */
import type { Token, Tokens } from "marked";
import type { AttachmentRef } from "../../conversation/reply.js";

/** Schemes a member may be sent to from a lesson; `javascript:`, `data:`, `file:` and relative paths are not links. */
const SAFE_LINK = /^(https?:\/\/[^\s]+|mailto:[^\s]+|tg:\/\/[^\s]+)$/i;

/** True when `href` may become a clickable link on any platform. */
export function isSafeLink(href: string): boolean {
  return SAFE_LINK.test(href.trim());
}

/** The attachment a Markdown link or image points at by file name (`chart.png`, `./chart.png`), if any. */
export function attachmentFor(href: string, attachments: readonly AttachmentRef[]): AttachmentRef | undefined {
  if (!attachments.length || /^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  let name = href.trim().replace(/^\.\//, "");
  try {
    name = decodeURIComponent(name);
  } catch {
    // A stray % is part of the name.
  }
  return attachments.find((a) => a.fileName === name);
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Markdown text reads `&amp;` and `&#169;` as the characters they name (marked leaves them in the token). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** The text a run of inline tokens reads as, without any formatting (captions, link labels in plain contexts). */
export function inlinePlainText(tokens: readonly Token[] | undefined): string {
  let out = "";
  for (const token of tokens ?? []) {
    if (token.type === "image") out += (token as Tokens.Image).text;
    else if (token.type === "br") out += "\n";
    else if ("tokens" in token && token.tokens) out += inlinePlainText(token.tokens);
    else if (token.type === "codespan") out += (token as Tokens.Codespan).text;
    else if (token.type === "text" || token.type === "escape") out += decodeEntities((token as Tokens.Text).text);
    else out += token.raw;
  }
  return out;
}

/** Code-fence language names pass through only as a plain identifier (`python`, `c++`, `objective-c`). */
export function codeLanguage(lang: string | undefined): string {
  const first = (lang ?? "").trim().split(/\s+/)[0] ?? "";
  return /^[\w+#.-]{1,32}$/.test(first) ? first : "";
}

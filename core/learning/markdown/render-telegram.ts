/**
 * Lesson Markdown as Telegram HTML (`parse_mode: "HTML"`): only the tags Telegram knows (b, i, s, code,
 * pre/code class="language-…", a href, blockquote), nested the way it accepts them, and everything else escaped.
 * Headings become bold lines, lists "• " / "1. " lines, tables preformatted text.
 */
import type { Token, Tokens } from "marked";
import { attachmentFor, codeLanguage, decodeEntities, isSafeLink } from "./inline.js";
import type { MarkdownRenderer, RenderEnvironment } from "./renderer.js";

/** Text made literal for Telegram's HTML parse mode. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const escapeAttribute = (text: string) => escapeTelegramHtml(text).replace(/"/g, "&quot;");

/** `inLink`: Telegram allows only the simple styles inside a link, so code there is shown as text. */
function inline(tokens: readonly Token[] | undefined, env: RenderEnvironment, inLink = false): string {
  let out = "";
  for (const token of tokens ?? []) out += inlineToken(token, env, inLink);
  return out;
}

function inlineToken(token: Token, env: RenderEnvironment, inLink: boolean): string {
  switch (token.type) {
    case "text":
      return "tokens" in token && token.tokens
        ? inline(token.tokens, env, inLink)
        : escapeTelegramHtml(decodeEntities((token as Tokens.Text).text));
    case "escape":
      return escapeTelegramHtml((token as Tokens.Escape).text);
    case "strong":
      return `<b>${inline((token as Tokens.Strong).tokens, env, inLink)}</b>`;
    case "em":
      return `<i>${inline((token as Tokens.Em).tokens, env, inLink)}</i>`;
    case "del":
      return `<s>${inline((token as Tokens.Del).tokens, env, inLink)}</s>`;
    case "codespan": {
      const code = escapeTelegramHtml((token as Tokens.Codespan).text);
      return inLink || !code ? code : `<code>${code}</code>`;
    }
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens, env, true);
      if (attachmentFor(link.href, env.attachments) || inLink || !isSafeLink(link.href)) return label;
      return `<a href="${escapeAttribute(link.href.trim())}">${label || escapeTelegramHtml(link.href)}</a>`;
    }
    case "image": {
      const image = token as Tokens.Image;
      if (attachmentFor(image.href, env.attachments)) return "";
      const alt = escapeTelegramHtml(image.text || image.href);
      return isSafeLink(image.href) && !inLink ? `<a href="${escapeAttribute(image.href.trim())}">${alt}</a>` : alt;
    }
    default:
      return escapeTelegramHtml(token.raw);
  }
}

function block(token: Token, env: RenderEnvironment, depth: { quote: boolean; list: number }): string {
  switch (token.type) {
    case "space":
    case "def":
    case "checkbox":
      return "";
    case "heading":
      return `<b>${inline((token as Tokens.Heading).tokens, env)}</b>`;
    case "paragraph":
      return inline((token as Tokens.Paragraph).tokens, env);
    case "text":
      return "tokens" in token && token.tokens
        ? inline(token.tokens, env)
        : escapeTelegramHtml(decodeEntities((token as Tokens.Text).text));
    case "code": {
      const code = token as Tokens.Code;
      return telegramRenderer.code(codeLanguage(code.lang), code.text);
    }
    case "blockquote": {
      const inner = blocks((token as Tokens.Blockquote).tokens, env, { ...depth, quote: true });
      // Telegram refuses nested blockquotes: an inner quote is shown inside the outer one.
      return depth.quote ? inner : `<blockquote>${inner}</blockquote>`;
    }
    case "list":
      return list(token as Tokens.List, env, depth);
    case "hr":
      return "——————";
    case "table":
      return `<pre>${escapeTelegramHtml(token.raw.trim())}</pre>`;
    case "html":
      return escapeTelegramHtml(token.raw.trim());
    default:
      return escapeTelegramHtml(token.raw.trim());
  }
}

function list(token: Tokens.List, env: RenderEnvironment, depth: { quote: boolean; list: number }): string {
  const indent = "  ".repeat(depth.list);
  const start = typeof token.start === "number" ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}. ` : "• ";
      const box = item.task ? (item.checked ? "☑ " : "☐ ") : "";
      const body = blocks(item.tokens, env, { ...depth, list: depth.list + 1 }, "\n");
      return `${indent}${marker}${box}${body}`;
    })
    .join("\n");
}

function blocks(
  tokens: readonly Token[],
  env: RenderEnvironment,
  depth: { quote: boolean; list: number },
  separator = "\n\n",
): string {
  return tokens
    .map((token) => block(token, env, depth))
    .filter((text) => text.trim())
    .join(separator);
}

export const telegramRenderer: MarkdownRenderer = {
  blocks: (tokens, env) => blocks(tokens, env, { quote: false, list: 0 }),
  code(language, text) {
    const body = escapeTelegramHtml(text);
    return language ? `<pre><code class="language-${language}">${body}</code></pre>` : `<pre>${body}</pre>`;
  },
  caption: escapeTelegramHtml,
  separator: "\n\n",
  defaultLimit: 4096,
  captionLimit: 1024,
};

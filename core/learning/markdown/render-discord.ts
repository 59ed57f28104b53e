/**
 * Lesson Markdown as Discord markdown: Discord reads headings (#, ##, ###), bold, italics, strikethrough, code, fences,
 * quotes, lists and masked links itself, so those are written in its syntax; every other character Discord could
 * read (mentions, spoilers, stray asterisks) is escaped, and a fence inside code cannot close the block early. Deeper
 * headings are bold lines; tables are code blocks.
 */
import type { Token, Tokens } from "marked";
import { attachmentFor, codeLanguage, decodeEntities, isSafeLink } from "./inline.js";
import type { MarkdownRenderer, RenderEnvironment } from "./renderer.js";

/** A backslash before ASCII punctuation always shows that character in Discord. */
const SPECIAL = /[\\*_~`|[\]<>#]/g;

/** Plain text as Discord markdown that shows exactly this text. */
export function escapeDiscordMarkdown(text: string): string {
  return text.replace(SPECIAL, "\\$&");
}

/** A line that would start a list, a heading or a quote on its own is escaped at its start. */
function escapeLineStarts(text: string): string {
  return text.replace(/^(\s*)([-+]\s)/gm, "$1\\$2").replace(/^(\s*\d+)\.(\s)/gm, "$1\\.$2");
}

/** Three backticks in a row would close the fence: a zero-width space keeps them apart. */
const defuseFence = (text: string) => text.replace(/`(?=``)/g, "`\u200b");

function inline(tokens: readonly Token[] | undefined, env: RenderEnvironment): string {
  let out = "";
  for (const token of tokens ?? []) out += inlineToken(token, env);
  return out;
}

function inlineToken(token: Token, env: RenderEnvironment): string {
  switch (token.type) {
    case "text":
      return "tokens" in token && token.tokens
        ? inline(token.tokens, env)
        : escapeDiscordMarkdown(decodeEntities((token as Tokens.Text).text));
    case "escape":
      return escapeDiscordMarkdown((token as Tokens.Escape).text);
    case "strong":
      return wrap("**", inline((token as Tokens.Strong).tokens, env));
    case "em":
      return wrap("*", inline((token as Tokens.Em).tokens, env));
    case "del":
      return wrap("~~", inline((token as Tokens.Del).tokens, env));
    case "codespan": {
      const code = (token as Tokens.Codespan).text;
      if (!code.trim()) return code;
      if (!code.includes("`")) return `\`${code}\``;
      return code.includes("``") ? escapeDiscordMarkdown(code) : `\`\` ${code} \`\``;
    }
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens, env);
      if (attachmentFor(link.href, env.attachments) || !isSafeLink(link.href)) return label;
      return maskedLink(label, link.href);
    }
    case "image": {
      const image = token as Tokens.Image;
      if (attachmentFor(image.href, env.attachments)) return "";
      const alt = escapeDiscordMarkdown(image.text || image.href);
      return isSafeLink(image.href) ? maskedLink(alt, image.href) : alt;
    }
    default:
      return escapeDiscordMarkdown(token.raw);
  }
}

/** Emphasis markers only around something that is not blank (`** **` would show the asterisks). */
function wrap(marker: string, inner: string): string {
  return inner.trim() ? `${marker}${inner}${marker}` : inner;
}

/** `[label](<url>)`: the angle brackets keep Discord from adding a preview; the label may not hold a link itself. */
function maskedLink(label: string, href: string): string {
  const url = href.trim().replace(/[<>\s]/g, encodeURIComponent);
  const text = label.replace(/\]\(/g, "]\\(") || escapeDiscordMarkdown(url);
  return `[${text}](<${url}>)`;
}

function block(token: Token, env: RenderEnvironment, depth: number): string {
  switch (token.type) {
    case "space":
    case "def":
    case "checkbox":
      return "";
    case "heading": {
      const heading = token as Tokens.Heading;
      const text = inline(heading.tokens, env).replace(/\n/g, " ");
      return heading.depth <= 3 ? `${"#".repeat(heading.depth)} ${text}` : wrap("**", text);
    }
    case "paragraph":
      return escapeLineStarts(inline((token as Tokens.Paragraph).tokens, env));
    case "text":
      return escapeLineStarts(
        "tokens" in token && token.tokens
          ? inline(token.tokens, env)
          : escapeDiscordMarkdown(decodeEntities((token as Tokens.Text).text)),
      );
    case "code": {
      const code = token as Tokens.Code;
      return discordRenderer.code(codeLanguage(code.lang), code.text);
    }
    case "blockquote": {
      // Discord has no nested quotes: every line of the quote, whatever it holds, gets one marker.
      const inner = blocks((token as Tokens.Blockquote).tokens, env, depth);
      return inner
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    }
    case "list":
      return list(token as Tokens.List, env, depth);
    case "hr":
      return "⎯⎯⎯⎯⎯⎯";
    case "table":
      return discordRenderer.code("", token.raw.trim());
    default:
      return escapeLineStarts(escapeDiscordMarkdown(token.raw.trim()));
  }
}

function list(token: Tokens.List, env: RenderEnvironment, depth: number): string {
  const indent = "  ".repeat(depth);
  const start = typeof token.start === "number" ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}. ` : "- ";
      const box = item.task ? (item.checked ? "☑ " : "☐ ") : "";
      const body = blocks(item.tokens, env, depth + 1, "\n");
      return `${indent}${marker}${box}${body}`;
    })
    .join("\n");
}

function blocks(tokens: readonly Token[], env: RenderEnvironment, depth: number, separator = "\n\n"): string {
  return tokens
    .map((token) => block(token, env, depth))
    .filter((text) => text.trim())
    .join(separator);
}

export const discordRenderer: MarkdownRenderer = {
  blocks: (tokens, env) => blocks(tokens, env, 0),
  code: (language, text) => `\`\`\`${language}\n${defuseFence(text) || " "}\n\`\`\``,
  caption: escapeDiscordMarkdown,
  separator: "\n\n",
  defaultLimit: 2000,
  captionLimit: 2000,
};

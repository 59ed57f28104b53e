/**
 * Lesson Markdown as terminal text: no markup left, headings underlined, code indented by four spaces, links written
 * out as "label (address)". Control characters are removed, so nothing in a lesson can drive the terminal.
 */
import type { Token, Tokens } from "marked";
import { stripControlCharacters } from "../../text.js";
import { attachmentFor, codeLanguage, decodeEntities, isSafeLink } from "./inline.js";
import type { MarkdownRenderer, RenderEnvironment } from "./renderer.js";

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
        : decodeEntities((token as Tokens.Text).text);
    case "escape":
      return (token as Tokens.Escape).text;
    case "codespan":
      return `\`${(token as Tokens.Codespan).text}\``;
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens, env);
      if (attachmentFor(link.href, env.attachments) || !isSafeLink(link.href)) return label;
      return label && label !== link.href ? `${label} (${link.href.trim()})` : link.href.trim();
    }
    case "image": {
      const image = token as Tokens.Image;
      if (attachmentFor(image.href, env.attachments)) return "";
      return isSafeLink(image.href) ? `[image: ${image.text} — ${image.href.trim()}]` : image.text;
    }
    default:
      return "tokens" in token && token.tokens ? inline(token.tokens, env) : token.raw;
  }
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
      const rule = (heading.depth === 1 ? "═" : "─").repeat(Math.min(Math.max([...text].length, 3), 60));
      return `${text}\n${rule}`;
    }
    case "paragraph":
    case "text":
      return "tokens" in token && token.tokens ? inline(token.tokens, env) : decodeEntities(token.raw);
    case "code": {
      const code = token as Tokens.Code;
      return consoleRenderer.code(codeLanguage(code.lang), code.text);
    }
    case "blockquote":
      return blocks((token as Tokens.Blockquote).tokens, env, depth)
        .split("\n")
        .map((line) => `│ ${line}`)
        .join("\n");
    case "list": {
      const list = token as Tokens.List;
      const start = typeof list.start === "number" ? list.start : 1;
      return list.items
        .map((item, index) => {
          const marker = list.ordered ? `${start + index}. ` : "• ";
          const box = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
          return `${"  ".repeat(depth)}${marker}${box}${blocks(item.tokens, env, depth + 1, "\n")}`;
        })
        .join("\n");
    }
    case "hr":
      return "────────────";
    default:
      return token.raw.trim();
  }
}

function blocks(tokens: readonly Token[], env: RenderEnvironment, depth: number, separator = "\n\n"): string {
  return tokens
    .map((token) => block(token, env, depth))
    .filter((text) => text.trim())
    .join(separator);
}

export const consoleRenderer: MarkdownRenderer = {
  blocks: (tokens, env) => stripControlCharacters(blocks(tokens, env, 0)),
  code: (language, text) => {
    const body = text
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n");
    return stripControlCharacters(language ? `    [${language}]\n${body}` : body);
  },
  caption: (text) => stripControlCharacters(text).replace(/\s+/g, " ").trim(),
  separator: "\n\n",
  defaultLimit: Number.POSITIVE_INFINITY,
  captionLimit: Number.POSITIVE_INFINITY,
};

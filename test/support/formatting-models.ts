/**
 * What a reader sees, read back from each platform's output: every character with its style (bold, code). Tests
 * compare it with the neutral markup to prove that a renderer kept the text and the formatting, and that nothing a
 * person typed became formatting.
 */
import type { Span } from "../../core/conversation/markup.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";

export interface StyledChar {
  char: string;
  bold: boolean;
  code: boolean;
}

/** Spans as styled UTF-16 units, whitespace left out: splitting into messages may drop it. */
export function styledChars(spans: Span[]): StyledChar[] {
  return spans.flatMap((span) =>
    span.text
      .split("")
      .filter((char) => !/\s/.test(char))
      .map((char) => ({ char, bold: span.bold, code: span.code })),
  );
}

/**
 * Telegram HTML read back. It must pass the same check as the fake Bot API (which throws otherwise); the renderer
 * only ever emits <b> and <code>, so any other tag is reported as a problem.
 */
export function readTelegramHtml(html: string): { text: string; chars: StyledChar[] } {
  const text = parseTelegramHtml(html);
  const chars: StyledChar[] = [];
  let bold = 0;
  let code = 0;
  const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"' };
  for (const token of html.match(/<\/?[a-z-]+>|&[a-z]+;|[\s\S]/g) ?? []) {
    if (token === "<b>") bold += 1;
    else if (token === "</b>") bold -= 1;
    else if (token === "<code>") code += 1;
    else if (token === "</code>") code -= 1;
    else if (token.startsWith("<") && token.length > 1 && token.endsWith(">"))
      throw new Error(`unexpected tag ${token}`);
    else {
      const char = entities[token] ?? token;
      if (!/\s/.test(char)) chars.push({ char, bold: bold > 0, code: code > 0 });
    }
  }
  return { text, chars };
}

/** ASCII punctuation: a backslash before it shows it literally in Discord. */
const PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Characters that mean something in Discord markdown when not escaped. */
const ACTIVE = new Set(["*", "_", "~", "`", "|", "[", "]", "<", ">", "\\"]);

/**
 * Discord markdown read back, line by line, as Discord reads it: `\` before punctuation is that character, `**`
 * toggles bold, backticks enclose literal code. Any other character with a meaning (emphasis, spoilers, links,
 * mentions and timestamps `<…>`, a heading, list or quote at the start of a line), or bold left open at the end of a
 * line, is a leak: formatting the renderer did not mean. (`@everyone` is inert: replies allow no mentions.)
 */
export function readDiscordMarkdown(content: string): { chars: StyledChar[]; leaks: string[] } {
  const chars: StyledChar[] = [];
  const leaks: string[] = [];
  const push = (text: string, bold: boolean, code: boolean) => {
    for (const char of text.split("")) if (!/\s/.test(char)) chars.push({ char, bold, code });
  };
  for (const line of content.split("\n")) {
    if (/^\s*([#>+-]|\d+\.\s)/.test(line)) leaks.push(`line start: ${line.slice(0, 20)}`);
    let bold = false;
    for (let i = 0; i < line.length; ) {
      const c = line[i]!;
      const next = line[i + 1];
      if (c === "\\" && next !== undefined && PUNCTUATION.test(next)) {
        push(next, bold, false);
        i += 2;
      } else if (c === "*" && next === "*") {
        bold = !bold;
        i += 2;
      } else if (c === "`") {
        const end = line.indexOf("`", i + 1);
        if (end < 0) {
          leaks.push(`unclosed code: ${line.slice(i, i + 20)}`);
          break;
        }
        push(line.slice(i + 1, end), bold, true);
        i = end + 1;
      } else if (ACTIVE.has(c)) {
        leaks.push(`unescaped ${c} in: ${line.slice(Math.max(0, i - 10), i + 10)}`);
        i += 1;
      } else {
        push(c, bold, false);
        i += 1;
      }
    }
    if (bold) leaks.push(`bold left open: ${line.slice(0, 20)}`);
  }
  return { chars, leaks };
}

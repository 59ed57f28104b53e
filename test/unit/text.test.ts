/**
 * The text helpers every adapter relies on: cuts between graphemes, control characters removed, and the neutral
 * markup parsed into spans that are well formed whatever the text holds.
 */
import { describe, expect, it } from "vitest";
import { toDiscordMarkdown } from "../../bots/discord/discord-render.js";
import { toTelegramHtml } from "../../bots/telegram/render.js";
import { escapeMarkup, parseMarkup, plainLength, plainText, splitMarkup } from "../../core/conversation/markup.js";
import { isWellFormedText, stripControlCharacters, truncateText, truncateUtf8 } from "../../core/text.js";

describe("truncateText", () => {
  it.each([
    ["short text is kept", "abc", 5, "", "abc"],
    ["ASCII is cut at the limit", "abcdef", 4, "", "abcd"],
    ["an emoji at the limit is left out whole", `${"a".repeat(31)}😀`, 32, "", "a".repeat(31)],
    ["the ellipsis counts", `${"a".repeat(31)}😀`, 32, "…", `${"a".repeat(31)}…`],
    ["a family emoji (ZWJ) stays whole", "ab👨‍👩‍👧‍👦cd", 6, "", "ab"],
    ["a flag stays whole", "x🇨🇳🇺🇸", 8, "", "x🇨🇳"],
    ["a letter keeps its combining accent", "cafe\u0301s", 4, "", "caf"],
    [
      "a cluster longer than the limit is cut by code point",
      `Z${"\u0301".repeat(40)}`,
      5,
      "",
      `Z${"\u0301".repeat(4)}`,
    ],
  ])("%s", (_name, text, max, ellipsis, expected) => {
    const cut = truncateText(text, max, ellipsis);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(isWellFormedText(cut)).toBe(true);
  });

  it("cuts UTF-8 by bytes between code points", () => {
    expect(truncateUtf8("buy 1", 64)).toBe("buy 1");
    expect(truncateUtf8("中文字", 7)).toBe("中文");
    expect(truncateUtf8(`${"a".repeat(62)}😀`, 64)).toBe("a".repeat(62));
  });
});

describe("stripControlCharacters", () => {
  it.each([
    ["NUL and escapes go", "E\u0000v\u001b[31me\u007f", "Ev[31me"],
    ["tab and newline stay", "a\tb\nc", "a\tb\nc"],
    ["a carriage return becomes a newline", "a\r\nb\rc", "a\nb\nc"],
    ["lone surrogates go, pairs stay", "a\ud83d b\ude00 😀", "a b 😀"],
    ["RTL marks and zero-width characters are text, not controls", "\u202eab\u200b", "\u202eab\u200b"],
  ])("%s", (_name, text, expected) => {
    expect(stripControlCharacters(text)).toBe(expected);
  });
});

describe("neutral markup", () => {
  it("escaped text is literal", () => {
    const hostile = "`**x`** \\ *a* _b_";
    expect(plainText(escapeMarkup(hostile))).toBe(hostile);
    expect(parseMarkup(`**${escapeMarkup(hostile)}**`)).toEqual([{ text: hostile, bold: true, code: false }]);
  });

  it.each([
    ["crossing markers nest instead of crossing", "`**x`**", "<code>**x</code>**", "`**x`\\*\\*"],
    ["bold around code", "**a `b` c**", "<b>a </b><b><code>b</code></b><b> c</b>", "**a `b` c**"],
    ["an unpaired marker is literal", "**a", "**a", "\\*\\*a"],
    ["HTML in text is escaped", "<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;", "\\<b\\>&amp;\\</b\\>"],
    ["bold across lines is closed on each line", "**a\nb**", "<b>a</b>\n<b>b</b>", "**a**\n**b**"],
  ])("%s", (_name, text, html, markdown) => {
    expect(toTelegramHtml(text)).toBe(html);
    expect(toDiscordMarkdown(text)).toBe(markdown);
  });

  it("splits at lines, and inside a line that is too long, never losing text", () => {
    const text = `**${"a".repeat(10)}**\n${"b".repeat(25)}\nc`;
    const parts = splitMarkup(text, 12, plainLength);
    expect(parts.every((lines) => lines.reduce((n, line) => n + plainLength(line) + 1, -1) <= 12)).toBe(true);
    const joined = parts.flatMap((lines) => lines.flatMap((line) => line.map((span) => span.text))).join("");
    expect(joined).toBe(`${"a".repeat(10)}${"b".repeat(25)}c`);
    expect(parts[0]![0]![0]).toEqual({ text: "a".repeat(10), bold: true, code: false });
  });
});

/**
 * A property test: random and adversarial strings (markdown and HTML markers, emoji with ZWJ and flags, RTL and
 * zero-width marks, control characters, half surrogate pairs, very long strings) go into every template of the
 * message catalog, in both languages, as every value it interpolates; the result goes through each platform's
 * renderer. For every case:
 *
 * - the values appear literally, and every character has exactly the style the template gives that place (a value
 *   never turns into formatting, and never changes the template's own);
 * - Telegram: every message passes the same HTML check as the fake Bot API, is 1–4096 characters after parsing, and
 *   reads back as the same styled text; buttons have text and 1–64 bytes of callback data;
 * - Discord: no character with a markdown meaning is left unescaped, messages are at most 2000 characters and read
 *   back as the same styled text; buttons are valid for Discord;
 * - console: no control character reaches the terminal;
 * - no output anywhere holds half a surrogate pair.
 *
 * Seeded, so a failure repeats: HOSTILE_TEXT_SEED=<n> picks another seed, HOSTILE_TEXT_CASES=<n> runs more cases.
 */
import { describe, expect, it } from "vitest";
import { renderForTerminal } from "../../bots/console/render.js";
import { DISCORD_LIMITS, discordTexts, renderReply } from "../../bots/discord/discord-render.js";
import { inlineKeyboard, TELEGRAM_LIMITS, telegramTexts } from "../../bots/telegram/render.js";
import { parseMarkup, plainText, type Span } from "../../core/conversation/markup.js";
import { type Reply, textReply } from "../../core/conversation/reply.js";
import { en } from "../../core/i18n/en.js";
import { type LocaleCode, messages } from "../../core/i18n/index.js";
import { renderNotice } from "../../core/i18n/notices.js";
import { zh } from "../../core/i18n/zh.js";
import { renderDelivery } from "../../core/messaging/delivery-payload.js";
import { isWellFormedText, stripControlCharacters } from "../../core/text.js";
import { isValidUtf16 } from "../fakes/telegram/telegram-html.js";
import { readDiscordMarkdown, readTelegramHtml, type StyledChar, styledChars } from "../support/formatting-models.js";

const SEED = Number(process.env.HOSTILE_TEXT_SEED ?? 20240917);
const EXTRA_CASES = Number(process.env.HOSTILE_TEXT_CASES ?? 200);

/** mulberry32: small, fast, good enough to pick test inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pieces of hostile text. Half surrogates and carriage returns sit between letters: at the very end of a value they
 * could pair with the template's next character, and the expected text below is computed value by value.
 */
const FRAGMENTS = [
  "**",
  "*",
  "_",
  "__",
  "~~",
  "`",
  "```",
  "|",
  "||",
  "\\",
  "\\*",
  "\\`",
  "[x](https://evil.example)",
  "(",
  ")",
  "[",
  "]",
  "<b>",
  "</i>",
  "<code>",
  "</code>",
  "&amp;",
  "&",
  "<",
  ">",
  "&lt;",
  '<a href="x">',
  "&#128512;",
  "<tg-spoiler>",
  "@everyone",
  "<@123>",
  "<t:0>",
  "# ",
  "> ",
  "- ",
  "1. ",
  "-# ",
  ":smile:",
  "😀",
  "👨‍👩‍👧‍👦",
  "🇨🇳",
  "🏳️‍🌈",
  "👍🏽",
  "\u200f",
  "\u202e",
  "\u200b",
  "\u200d",
  "\ufeff",
  "e\u0301",
  "\u0000",
  "\u001b[31m",
  "\u007f",
  "\u0007",
  "a\rb",
  "\r\n",
  "\t",
  "\n",
  "a\ud83db",
  "c\ude00d",
  "中文",
  "عربي",
  "Zoë",
  " ",
  "x",
  "name",
];

function hostile(next: () => number): string {
  const roll = next();
  const pick = () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]!;
  if (roll < 0.05) return "";
  if (roll < 0.1) return `${pick()}${"é😀*_<&`".repeat(600 + Math.floor(next() * 800))}${pick()}`;
  if (roll < 0.13) return `Z${"\u0301".repeat(2500)}`;
  if (roll < 0.16) return `${"line **bold** `code` <b>\n".repeat(300)}x`;
  return Array.from({ length: 1 + Math.floor(next() * 8) }, pick).join("");
}

type Template = (params: Record<string, string | number>) => string;

/** Every template of a catalog, with its path: the raw one (to find its parameters) and the escaping one. */
function templates(raw: object, wrapped: object, path = ""): { path: string; raw: Template; wrapped: Template }[] {
  return Object.entries(raw).flatMap(([key, value]) => {
    const other = (wrapped as Record<string, unknown>)[key];
    if (typeof value === "function")
      return [{ path: `${path}${key}`, raw: value as Template, wrapped: other as Template }];
    if (value && typeof value === "object") return templates(value, other as object, `${path}${key}.`);
    return [];
  });
}

/** The parameters a template reads (a recording proxy), each given a private-use sentinel character. */
function sentinels(template: Template): Record<string, string> {
  const keys = new Set<string>();
  const recorder = new Proxy(
    {},
    {
      get: (_target, key) => {
        if (typeof key === "string") keys.add(key);
        return "v";
      },
    },
  );
  template(recorder);
  return Object.fromEntries([...keys].map((key, index) => [key, String.fromCharCode(0xe000 + index)]));
}

/**
 * What the reader must see: the template rendered with sentinels, each sentinel replaced by its value's text (control
 * characters removed) in the sentinel's style, character by character.
 */
function expectedChars(sentinelSpans: Span[], values: Map<string, string>): StyledChar[] {
  const chars: StyledChar[] = [];
  for (const span of sentinelSpans) {
    for (const unit of span.text.split("")) {
      const text = values.get(unit) ?? unit;
      for (const char of text.split("")) {
        if (!/\s/.test(char)) chars.push({ char, bold: span.bold, code: span.code });
      }
    }
  }
  return chars;
}

/** Styled text as one string (comparing strings is fast; a failure shows where they differ). */
function encode(chars: StyledChar[]): string {
  return chars.map((c) => `${c.bold ? "B" : "-"}${c.code ? "C" : "-"}${c.char}`).join("");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Renders one neutral text on every platform and checks what the header promises. */
function checkEverywhere(label: string, text: string, expected: StyledChar[]): void {
  const neutral = styledChars(parseMarkup(text));
  expect(encode(neutral), `${label}: neutral markup`).toBe(encode(expected));

  const telegram = telegramTexts(text);
  const fromTelegram: StyledChar[] = [];
  for (const html of telegram) {
    expect(isValidUtf16(html), `${label}: Telegram UTF-8`).toBe(true);
    const read = readTelegramHtml(html); // throws as the fake would
    expect(read.text.trim().length, `${label}: Telegram empty message`).toBeGreaterThan(0);
    expect(read.text.length, `${label}: Telegram length`).toBeLessThanOrEqual(TELEGRAM_LIMITS.text);
    fromTelegram.push(...read.chars);
  }
  expect(encode(fromTelegram), `${label}: Telegram styled text`).toBe(encode(neutral));

  const fromDiscord: StyledChar[] = [];
  for (const content of discordTexts(text)) {
    expect(isWellFormedText(content), `${label}: Discord UTF-8`).toBe(true);
    expect(content.length, `${label}: Discord length`).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    const read = readDiscordMarkdown(content);
    expect(read.leaks, `${label}: Discord formatting leaks`).toEqual([]);
    fromDiscord.push(...read.chars);
  }
  // Code that holds a backtick cannot be Discord code and is shown as escaped text: same characters, bold kept.
  const boldOnly = (chars: StyledChar[]) => encode(chars.map((c) => ({ ...c, code: false })));
  expect(boldOnly(fromDiscord), `${label}: Discord styled text`).toBe(boldOnly(neutral));
  expect(
    fromDiscord.every((c, i) => !c.code || neutral[i]!.code),
    `${label}: Discord code only where meant`,
  ).toBe(true);

  const terminal = renderForTerminal(textReply(text), { color: false }).text;
  expect(CONTROL.test(terminal) || !isWellFormedText(terminal), `${label}: console`).toBe(false);
}

/** A reply's buttons on both platforms: within limits, valid text. */
function checkButtons(label: string, reply: Reply, m: ReturnType<typeof messages>): void {
  const keyboard = inlineKeyboard(reply.messages[0]!.buttons) as {
    inline_keyboard: { text: string; callback_data?: string }[][];
  };
  for (const button of keyboard.inline_keyboard.flat()) {
    expect(button.text.trim().length, `${label}: Telegram button text`).toBeGreaterThan(0);
    expect(isWellFormedText(button.text), `${label}: Telegram button UTF-8`).toBe(true);
    const bytes = Buffer.byteLength(button.callback_data ?? "x");
    expect(bytes >= 1 && bytes <= TELEGRAM_LIMITS.callbackDataBytes, `${label}: callback data`).toBe(true);
  }
  for (const payload of renderReply(reply, m)) {
    expect(payload.allowedMentions, `${label}: Discord pings nobody`).toEqual({ parse: [] });
    for (const row of payload.components) {
      for (const component of row.toJSON().components as { label?: string; custom_id?: string }[]) {
        expect(component.label!.length, `${label}: Discord label`).toBeLessThanOrEqual(DISCORD_LIMITS.label);
        expect(isWellFormedText(component.label!), `${label}: Discord label UTF-8`).toBe(true);
        expect((component.custom_id ?? "x").length, `${label}: Discord custom id`).toBeLessThanOrEqual(100);
      }
    }
  }
}

describe("hostile text through every template and every renderer", () => {
  const catalogs: [LocaleCode, object][] = [
    ["en", en],
    ["zh", zh],
  ];
  const all = catalogs.flatMap(([locale, raw]) =>
    templates(raw, messages(locale)).map((template) => ({ ...template, locale })),
  );

  it("finds the templates (both languages, replies and notices)", () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all.map((t) => t.path)).toEqual(expect.arrayContaining(["welcome", "notices.staffNewOrder"]));
  });

  it(`every template once, then ${EXTRA_CASES} random ones (seed ${SEED})`, () => {
    const next = random(SEED);
    const cases = [...all, ...Array.from({ length: EXTRA_CASES }, () => all[Math.floor(next() * all.length)]!)];
    for (const [index, template] of cases.entries()) {
      const keys = sentinels(template.raw);
      const params: Record<string, string> = {};
      const values = new Map<string, string>();
      for (const [key, sentinel] of Object.entries(keys)) {
        params[key] = hostile(next);
        values.set(sentinel, stripControlCharacters(params[key]!));
      }
      const label = `case ${index} ${template.locale}.${template.path} ${JSON.stringify(params).slice(0, 200)}`;
      const text = template.wrapped(params);
      // An empty value takes the template's other branch (`p.reason ? … : ""`): the sentinel run must take it too.
      const shape = Object.fromEntries(Object.entries(keys).map(([key, s]) => [key, params[key] === "" ? "" : s]));
      const expected = expectedChars(parseMarkup(template.wrapped(shape)), values);
      checkEverywhere(label, text, expected);
      // The same text as a button label, with a hostile action.
      const m = messages(template.locale);
      checkButtons(label, textReply("x", [[{ label: text, action: params[Object.keys(params)[0] ?? ""] ?? "x" }]]), m);
    }
  });

  it("an outbox notice and a broadcast are literal too", () => {
    const next = random(SEED + 1);
    for (let i = 0; i < 40; i++) {
      const title = hostile(next);
      const member = hostile(next);
      for (const locale of ["en", "zh"] as const) {
        const notice = renderNotice(locale, {
          key: "staffNewOrder",
          params: { order: 7, title, titleZh: "", price: "$1", member },
        });
        const text = notice.messages[0]!.text;
        expect(plainText(text)).toContain(stripControlCharacters(member));
        checkEverywhere(`notice ${i}`, text, styledChars(parseMarkup(text)));
        const broadcast = renderDelivery(locale, { type: "broadcast" }, { text: title })!.messages[0]!.text;
        expect(plainText(broadcast).startsWith(stripControlCharacters(title))).toBe(true);
        expect(parseMarkup(broadcast).some((span) => span.bold || span.code)).toBe(false);
      }
    }
  });
});

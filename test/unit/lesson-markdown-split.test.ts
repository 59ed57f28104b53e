/**
 * Long lessons, generated from seeds: whatever the mix of headings, paragraphs, lists, code, quotes, tables, links,
 * CJK text and images, and however long a single block is, the parts re-join to the source exactly, every text part
 * fits its platform's limit, Telegram parts are HTML the Bot API accepts with only the tags we use, Discord parts
 * close every fence they open, and every word of the lesson arrives.
 */
import { describe, expect, it } from "vitest";
import type { AttachmentRef } from "../../core/conversation/reply.js";
import { type LessonPart, renderLessonParts } from "../../core/learning/markdown/render-lesson-parts.js";
import { seededRandom as random } from "../../core/seeded-random.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";

const ATTACHMENTS: AttachmentRef[] = [
  { id: 1, kind: "photo", fileName: "chart.png" },
  { id: 2, kind: "photo", fileName: "diagram.png" },
  { id: 3, kind: "document", fileName: "notes.pdf" },
  { id: 4, kind: "document", fileName: "unused.zip" },
];

const CJK = ["数据库", "索引", "查询", "优化", "学习", "课程", "付费", "分析"];

/** A lesson of about `size` characters; every plain word is `w<n>` so the test can find each one in the output. */
function generateLesson(seed: number, size: number): { markdown: string; words: string[] } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const words: string[] = [];
  const word = () => {
    const w = `w${words.length}`;
    words.push(w);
    return w;
  };
  const sentence = (n: number) =>
    Array.from({ length: n }, () => {
      const roll = next();
      if (roll < 0.08) return `**${word()} ${word()}**`;
      if (roll < 0.14) return `_${word()}_`;
      if (roll < 0.18) return `\`code_${word()}\``;
      if (roll < 0.22) return `[${word()}](https://example.com/${words.length}?a=1&b=2)`;
      if (roll < 0.24) return `[${word()}](javascript:alert(${words.length}))`;
      if (roll < 0.3) return `${pick(CJK)}${word()}${pick(CJK)}`;
      if (roll < 0.32) return "<b>&amp;</b> < > &";
      return word();
    }).join(" ");
  const blocks: string[] = [];
  let length = 0;
  const add = (block: string) => {
    blocks.push(block);
    length += block.length + 2;
  };
  while (length < size) {
    const roll = next();
    if (roll < 0.1) add(`${"#".repeat(1 + Math.floor(next() * 4))} ${sentence(3)}`);
    else if (roll < 0.4) add(sentence(10 + Math.floor(next() * 60)));
    else if (roll < 0.5)
      add(Array.from({ length: 2 + Math.floor(next() * 6) }, (_, i) => `${i + 1}. ${sentence(6)}`).join("\n"));
    else if (roll < 0.58) add(`- ${sentence(5)}\n  - ${sentence(4)}\n- ${sentence(5)}`);
    else if (roll < 0.68) {
      const lines = Array.from({ length: 3 + Math.floor(next() * 20) }, () => `x_${word()} = "<${pick(CJK)}>" & 1`);
      add(`\`\`\`${pick(["python", "sql", ""])}\n${lines.join("\n")}\n\`\`\``);
    } else if (roll < 0.74) add(`> ${sentence(12)}\n> ${sentence(8)}`);
    else if (roll < 0.78) add(`| ${word()} | ${word()} |\n|---|---|\n| ${word()} | ${word()} |`);
    else if (roll < 0.84)
      // Lazily: a word made but never written would be "missing".
      add(
        pick([
          () => "![A chart](chart.png)",
          () => "![](diagram.png)",
          () => `See [the notes](notes.pdf) and ${word()}.`,
        ])(),
      );
    else if (roll < 0.87) add(`![remote ${word()}](https://example.com/x.png)`);
    else if (roll < 0.9) add(`${pick(CJK).repeat(3)}，${sentence(8)}。`);
    else if (roll < 0.93) {
      // One paragraph longer than any message: cut between words.
      add(sentence(1200));
    } else if (roll < 0.96) {
      // One code block longer than any message, with a line longer than a Discord message.
      const lines = Array.from({ length: 120 }, () => `print("${word()}")  # ${"-".repeat(20)}`);
      lines.push(`long = "${"z".repeat(4500)}"`);
      add(`\`\`\`python\n${lines.join("\n")}\n\`\`\``);
    } else add("---");
  }
  return { markdown: `${blocks.join("\n\n")}\n`, words };
}

const TELEGRAM_TAGS = new Set(["b", "i", "s", "code", "pre", "a", "blockquote"]);

/** The text a member reads, per platform (Telegram's parsed HTML; markdown as sent otherwise). */
function readable(part: LessonPart, platform: string): string {
  if (part.kind !== "text") return "";
  return platform === "telegram" ? parseTelegramHtml(part.text) : part.text.replace(/\\(.)/g, "$1");
}

function check(markdown: string, words: string[], platform: "telegram" | "discord" | "console") {
  const parts = renderLessonParts(markdown, { platform, attachments: ATTACHMENTS });
  expect(parts.map((part) => part.source).join("")).toBe(markdown);
  const limit = platform === "telegram" ? 4096 : platform === "discord" ? 2000 : Number.POSITIVE_INFINITY;
  for (const part of parts) {
    if (part.kind !== "text") continue;
    expect(part.text.trim().length).toBeGreaterThan(0);
    expect(part.text.length).toBeLessThanOrEqual(limit);
    if (platform === "telegram") {
      expect(parseTelegramHtml(part.text).length).toBeLessThanOrEqual(4096);
      const tags = [...part.text.matchAll(/<\/?([a-z-]+)/g)].map((match) => match[1]!);
      expect(tags.filter((tag) => !TELEGRAM_TAGS.has(tag))).toEqual([]);
    }
    if (platform === "discord") expect((part.text.match(/```/g) ?? []).length % 2).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no terminal control may reach the console.
    if (platform === "console") expect(part.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
  }
  const shown = parts.map((part) => readable(part, platform)).join("\n");
  const missing = words.filter((w) => !new RegExp(`(?<![\\dw])${w}(?!\\d)`).test(shown));
  expect(missing).toEqual([]);
  // Every file the text refers to is sent where it is referred to, and the unused one at the end.
  const files = parts.filter((part) => part.kind === "media");
  expect(files.at(-1)).toMatchObject({ attachment: { fileName: "unused.zip" }, source: "" });
  return parts;
}

describe("long lessons split within each platform's limits", () => {
  for (const platform of ["telegram", "discord", "console"] as const) {
    it.each([1, 2, 3, 4, 5, 6])(`seed %i on ${platform}`, (seed) => {
      const { markdown, words } = generateLesson(seed, 3_000 + seed * 2_500);
      check(markdown, words, platform);
    });

    it(`a 30,000-character lesson with code, lists, links, CJK and images arrives whole on ${platform}`, () => {
      const { markdown, words } = generateLesson(30_000, 30_000);
      expect(markdown.length).toBeGreaterThanOrEqual(30_000);
      expect(markdown).toContain("```python");
      expect(markdown).toContain("chart.png");
      const parts = check(markdown, words, platform);
      if (platform !== "console") expect(parts.filter((part) => part.kind === "text").length).toBeGreaterThan(7);
    });
  }

  it("closes and reopens a code block cut in two, in the same language", () => {
    const code = Array.from({ length: 400 }, (_, i) => `line_${i} = ${i}`).join("\n");
    const markdown = `\`\`\`sql\n${code}\n\`\`\``;
    const parts = renderLessonParts(markdown, { platform: "telegram" });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.kind === "text" && part.text.startsWith('<pre><code class="language-sql">')).toBe(true);
      expect(part.kind === "text" && part.text.endsWith("</code></pre>")).toBe(true);
    }
    const discord = renderLessonParts(markdown, { platform: "discord" });
    expect(
      discord.every((part) => part.kind === "text" && part.text.startsWith("```sql\n") && part.text.endsWith("\n```")),
    ).toBe(true);
  });
});

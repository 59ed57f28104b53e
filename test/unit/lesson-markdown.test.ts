/**
 * How each Markdown construct of a lesson looks on each platform: Telegram HTML, Discord markdown, console text.
 * The long-lesson properties (splits, limits, balance) are in lesson-markdown-split.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { AttachmentRef } from "../../core/conversation/reply.js";
import { type LessonPlatform, renderLessonParts } from "../../core/learning/markdown/render-lesson-parts.js";

const chart: AttachmentRef = { id: 1, kind: "photo", fileName: "chart.png" };
const slides: AttachmentRef = { id: 2, kind: "document", fileName: "slides.pdf", caption: "The slides" };

/** The only text part of a one-block lesson. */
function textOf(markdown: string, platform: LessonPlatform): string {
  const parts = renderLessonParts(markdown, { platform, attachments: [chart, slides] });
  const texts = parts.filter((part) => part.kind === "text");
  expect(texts).toHaveLength(1);
  return texts[0]!.kind === "text" ? texts[0]!.text : "";
}

const cases: { name: string; markdown: string; telegram: string; discord: string; console: string }[] = [
  {
    name: "heading",
    markdown: "## Setting *up*",
    telegram: "<b>Setting <i>up</i></b>",
    discord: "## Setting *up*",
    console: "Setting up\n──────────",
  },
  {
    name: "deep heading",
    markdown: "#### Notes",
    telegram: "<b>Notes</b>",
    discord: "**Notes**",
    console: "Notes\n─────",
  },
  {
    name: "emphasis, strike and code",
    markdown: "**bold** _it_ ~~gone~~ `x < y`",
    telegram: "<b>bold</b> <i>it</i> <s>gone</s> <code>x &lt; y</code>",
    discord: "**bold** *it* ~~gone~~ `x < y`",
    console: "bold it gone `x < y`",
  },
  {
    name: "characters the platform would read",
    markdown: "a < b & c > d, 5 \\* 3, <@123> @everyone &amp; &#169;",
    telegram: "a &lt; b &amp; c &gt; d, 5 * 3, &lt;@123&gt; @everyone &amp; ©",
    discord: "a \\< b & c \\> d, 5 \\* 3, \\<@123\\> @everyone & ©",
    console: "a < b & c > d, 5 * 3, <@123> @everyone & ©",
  },
  {
    name: "safe link",
    markdown: "[docs](https://example.com/a?b=1&c=2)",
    telegram: '<a href="https://example.com/a?b=1&amp;c=2">docs</a>',
    discord: "[docs](<https://example.com/a?b=1&c=2>)",
    console: "docs (https://example.com/a?b=1&c=2)",
  },
  {
    name: "unsafe links are text",
    markdown: "[click](javascript:alert(1)) [data](data:text/html,x) [rel](other.md)",
    telegram: "click data rel",
    discord: "click data rel",
    console: "click data rel",
  },
  {
    name: "code in a link",
    markdown: "[`run()`](https://example.com)",
    telegram: '<a href="https://example.com">run()</a>',
    discord: "[`run()`](<https://example.com>)",
    console: "`run()` (https://example.com)",
  },
  {
    name: "unordered and nested list",
    markdown: "- one\n- two\n  - deeper\n- [x] done",
    telegram: "• one\n• two\n  • deeper\n• ☑ done",
    discord: "- one\n- two\n  - deeper\n- ☑ done",
    console: "• one\n• two\n  • deeper\n• [x] done",
  },
  {
    name: "ordered list keeps its start",
    markdown: "3. three\n4. four",
    telegram: "3. three\n4. four",
    discord: "3. three\n4. four",
    console: "3. three\n4. four",
  },
  {
    name: "fenced code",
    markdown: "```python\nif a < b:\n    print('```')\n```",
    telegram: "<pre><code class=\"language-python\">if a &lt; b:\n    print('```')</code></pre>",
    discord: "```python\nif a < b:\n    print('`\u200b``')\n```",
    console: "    [python]\n    if a < b:\n        print('```')",
  },
  {
    name: "indented code without a language",
    markdown: "    x = 1",
    telegram: "<pre>x = 1</pre>",
    discord: "```\nx = 1\n```",
    console: "    x = 1",
  },
  {
    name: "blockquote, nested",
    markdown: "> outer\n>> inner",
    telegram: "<blockquote>outer\n\ninner</blockquote>",
    discord: "> outer\n> \n> > inner",
    console: "│ outer\n│ \n│ │ inner",
  },
  {
    name: "table",
    markdown: "| a | b |\n|---|---|\n| 1 | 2 |",
    telegram: "<pre>| a | b |\n|---|---|\n| 1 | 2 |</pre>",
    discord: "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```",
    console: "| a | b |\n|---|---|\n| 1 | 2 |",
  },
  {
    name: "raw HTML is text",
    markdown: "<script>alert(1)</script>",
    telegram: "&lt;script&gt;alert(1)&lt;/script&gt;",
    discord: "\\<script\\>alert(1)\\</script\\>",
    console: "<script>alert(1)</script>",
  },
  {
    name: "a line that would start a Discord list",
    // Markdown reads "2." after a paragraph line as text (only "1." may start a list there); Discord would not.
    markdown: "costs\n2. five dollars",
    telegram: "costs\n2. five dollars",
    discord: "costs\n2\\. five dollars",
    console: "costs\n2. five dollars",
  },
  {
    name: "image that is not a lesson file",
    markdown: "![logo](https://example.com/logo.png) ![x](javascript:1)",
    telegram: '<a href="https://example.com/logo.png">logo</a> x',
    discord: "[logo](<https://example.com/logo.png>) x",
    console: "[image: logo — https://example.com/logo.png] x",
  },
  {
    name: "CJK text",
    markdown: "数据库**索引**很重要。",
    telegram: "数据库<b>索引</b>很重要。",
    discord: "数据库**索引**很重要。",
    console: "数据库索引很重要。",
  },
];

describe("lesson Markdown, construct by construct", () => {
  for (const platform of ["telegram", "discord", "console"] as const) {
    it.each(cases)(`$name on ${platform}`, (row) => {
      expect(textOf(row.markdown, platform)).toBe(row[platform]);
    });
  }
});

describe("lesson files in the Markdown", () => {
  const markdown = "Intro.\n\n![Sales by month](chart.png)\n\nRead [these](slides.pdf) first.\n\n![gone](missing.png)";

  it("sends an image where it stands, a linked file after its paragraph, unknown files as text", () => {
    const parts = renderLessonParts(markdown, { platform: "telegram", attachments: [chart, slides] });
    expect(parts.map((part) => (part.kind === "text" ? part.text : `[${part.attachment.fileName}]`))).toEqual([
      "Intro.",
      "[chart.png]",
      "Read these first.",
      "[slides.pdf]",
      "gone",
    ]);
    const media = parts.filter((part) => part.kind === "media");
    expect(media.map((part) => part.caption)).toEqual(["Sales by month", "these"]);
    expect(parts.map((part) => part.source).join("")).toBe(markdown);
  });

  it("sends files the text never mentions after it, with their own caption", () => {
    const parts = renderLessonParts("Just text.", { platform: "discord", attachments: [chart, slides] });
    expect(parts.map((part) => part.kind)).toEqual(["text", "media", "media"]);
    expect(parts.at(-1)).toMatchObject({ kind: "media", caption: "The slides", source: "" });
  });

  it("escapes captions for Telegram and keeps them within 1024 characters", () => {
    const alt = `a<b & ${"long ".repeat(400)}`;
    const parts = renderLessonParts(`![${alt}](chart.png)`, { platform: "telegram", attachments: [chart] });
    const media = parts[0]!;
    expect(media.kind).toBe("media");
    if (media.kind !== "media") return;
    expect(media.caption.startsWith("a&lt;b &amp; long")).toBe(true);
    expect(media.caption.length).toBeLessThanOrEqual(1024);
  });

  it("keeps CRLF sources exact", () => {
    const crlf = "# Title\r\n\r\nLine one\r\nline two\r\n\r\n```\r\ncode\r\n```\r\n";
    const parts = renderLessonParts(crlf, { platform: "telegram", limit: 30 });
    expect(parts.map((part) => part.source).join("")).toBe(crlf);
    expect(parts.every((part) => part.kind === "text" && !part.text.includes("\r"))).toBe(true);
  });
});

/**
 * The courses the learning journeys import, written as course folders the way a creator writes them: a three-lesson
 * course in English and Chinese with a picture in lesson 2 and an unpublished fourth lesson, and a one-lesson course
 * whose lesson is ~30,000 characters of paragraphs, code blocks and pictures. Plus the word comparison the long-lesson
 * tests use: what arrived, with markup and addresses removed, must be the source's words in order.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatProblem } from "../../core/content/content-report.js";
import { importContent } from "../../core/content/import-content.js";
import type { PrismaClient } from "../../prisma/generated/client.js";
import { PIXEL_PNG, writeFolder } from "./content-folders.js";

export const JOURNEY_SLUG = "query-habits";
export const LONG_SLUG = "long-read";

/** What each journey lesson says, so tests can look for it (and for its absence) in what a platform received. */
export const JOURNEY_LESSONS = [
  {
    title: "Read the plan",
    titleZh: "读懂执行计划",
    en: "Run EXPLAIN before you trust a slow query: the plan names every scan.",
    zh: "在相信一条慢查询之前先运行 EXPLAIN：执行计划会列出每一次扫描。",
  },
  {
    title: "Indexes that help",
    titleZh: "有用的索引",
    en: "An index turns a sequential scan into a lookup when the filter is selective.",
    zh: "当过滤条件足够有选择性时，索引把顺序扫描变成一次查找。",
  },
  {
    title: "Measure twice",
    titleZh: "测量两次",
    en: "Compare timings on warm caches only: the first run always pays for the disk.",
    zh: "只在缓存预热后比较耗时：第一次运行总要为磁盘付出代价。",
  },
] as const;

/** The text of the unpublished fourth lesson: nobody but staff may ever receive it. */
export const DRAFT_TEXT = "Secret draft about partial indexes, not for members yet.";

export const PLAN_ALT = "The plan as a tree";
export const PLAN_ALT_ZH = "执行计划树状图";

function lessonFile(title: string, titleZh: string, body: string, extra: string[] = []): string {
  return ["---", `title: ${title}`, `title_zh: ${titleZh}`, ...extra, "---", "", body, ""].join("\n");
}

/** Writes the three-lesson course (+ a draft lesson) under `root`; returns its folder. */
export async function writeJourneyCourse(root: string): Promise<string> {
  const dir = path.join(root, JOURNEY_SLUG);
  const [one, two, three] = JOURNEY_LESSONS;
  await writeFolder(dir, {
    "course.md": [
      "---",
      `slug: ${JOURNEY_SLUG}`,
      "kind: course",
      "title: Habits of Good Queries",
      "title_zh: 好查询的习惯",
      "summary: Three short lessons on reading plans and using indexes.",
      "summary_zh: 三节短课：读执行计划、用好索引。",
      'price: "19.00"',
      "currency: usd",
      "stars: 150",
      "---",
      "",
      "Write queries you can explain.",
      "",
    ].join("\n"),
    "01-plan.md": lessonFile(one.title, one.titleZh, one.en),
    "01-plan.zh.md": `${one.zh}\n`,
    "02-indexes.md": lessonFile(two.title, two.titleZh, `${two.en}\n\n![${PLAN_ALT}](plan.png)\n\nThat is all.`),
    "02-indexes.zh.md": `${two.zh}\n\n![${PLAN_ALT_ZH}](plan.png)\n\n就这些。\n`,
    "03-measure.md": lessonFile(three.title, three.titleZh, three.en),
    "03-measure.zh.md": `${three.zh}\n`,
    "04-draft.md": lessonFile("Partial indexes", "部分索引", DRAFT_TEXT, ["published: false"]),
    "plan.png": PIXEL_PNG,
  });
  return dir;
}

/** A paragraph with a unique marker word (`para17`), inline markup, a link and Chinese, about 600 characters. */
function paragraph(n: number): string {
  return [
    `Para${n} opens here.`,
    "A **bold claim** about *careful* measurement, a `query_plan` in code,",
    `and a [reference${n}](https://example.com/docs/${n}) to read later.`,
    "数据库索引让查询更快，但写入会变慢。",
    "Tables grow, statistics drift, and yesterday's fast query slows down quietly;",
    "keep the numbers you measured next to the change you made, so the next person can repeat it.",
    `Symbols stay literal: a < b && c > d, 5 * 3, snake_case_name, #hash and trailing marker end${n}.`,
  ].join(" ");
}

/** A fenced block of `lines` lines, each naming its block and line (`blk2 row14`). */
function codeBlock(n: number, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `rows_${i} = fetch("<blk${n} row${i}>") & check(a < b)`);
  return ["```python", ...body, "```"].join("\n");
}

/**
 * A lesson of a little over 30,000 characters: paragraphs, a heading per section, a code block per section (one
 * longer than a Telegram message once escaped), a list, two pictures referred to in the text and one paragraph
 * longer than a Telegram message on its own, so both kinds of split inside a block are exercised.
 */
export function longLessonMarkdown(): string {
  const blocks: string[] = ["# The long read"];
  let n = 0;
  for (let section = 0; section < 6; section += 1) {
    blocks.push(`## Section ${section}`);
    for (let i = 0; i < 8; i += 1) blocks.push(paragraph(n++));
    blocks.push(codeBlock(section, section === 2 ? 100 : 12));
    if (section === 1) blocks.push("![First chart](chart-one.png)");
    if (section === 4) blocks.push("- first item of a list\n- second item with `code`\n- third item");
    if (section === 3) blocks.push("![Second chart](chart-two.png)");
  }
  blocks.push(Array.from({ length: 9 }, (_, i) => paragraph(100 + i)).join(" "));
  blocks.push("The end of the long read: thank you for reading it all.");
  return blocks.join("\n\n");
}

/** Writes the long-lesson course (its lesson a free preview, so anyone can open it) under `root`. */
export async function writeLongCourse(root: string): Promise<string> {
  const dir = path.join(root, LONG_SLUG);
  await writeFolder(dir, {
    "course.md": [
      "---",
      `slug: ${LONG_SLUG}`,
      "title: The long read",
      "title_zh: 长文",
      'price: "5.00"',
      "stars: 50",
      "---",
      "",
    ].join("\n"),
    "01-long.md": ["---", "title: Everything at once", "free: true", "---", "", longLessonMarkdown(), ""].join("\n"),
    "chart-one.png": PIXEL_PNG,
    "chart-two.png": PIXEL_PNG,
  });
  return dir;
}

/** Imports both courses into `prisma` (from a temporary folder the test owns); returns their product ids. */
export async function importLearningCourses(
  prisma: PrismaClient,
  now: Date,
): Promise<{ journeyId: number; longId: number }> {
  const root = await mkdtemp(path.join(tmpdir(), "lyceum-learning-"));
  try {
    await writeJourneyCourse(root);
    await writeLongCourse(root);
    const report = await importContent({ prisma, clock: { now: () => now } }, root);
    if (!report.ok) throw new Error(report.problems.map(formatProblem).join("\n"));
    const idOf = (slug: string) => report.courses.find((c) => c.slug === slug)!.productId;
    return { journeyId: idOf(JOURNEY_SLUG), longId: idOf(LONG_SLUG) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// --- Comparing what arrived with the source

/**
 * The words a reader gets from the lesson source: pictures by their alt text (sent as captions), links by their text,
 * fence lines and Markdown punctuation dropped. Han characters count one by one, so a split between two of them
 * cannot hide or invent a word.
 */
export function sourceWords(markdown: string): string[] {
  const text = markdown
    .replace(/^```.*$/gm, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  return words(text);
}

/** The words of text a platform delivered, web addresses left out (Discord and the console print them). */
export function deliveredWords(text: string): string[] {
  return words(text.replace(/<?https?:\/\/[^\s)>]+>?/g, ""));
}

function words(text: string): string[] {
  // A letter that is not Han: [^\P{L}\p{Script=Han}].
  return text.match(/\p{Script=Han}|(?:[^\P{L}\p{Script=Han}]|[\p{N}_])+/gu) ?? [];
}

/**
 * Where `expected` fails to appear, in order, inside `received` (null: every word arrived in order). A report of the
 * first missing word with what surrounds it, for a readable failure.
 */
export function missingInOrder(expected: string[], received: string[]): string | null {
  let at = 0;
  for (const [index, word] of expected.entries()) {
    const found = received.indexOf(word, at);
    if (found < 0) {
      const context = expected.slice(Math.max(0, index - 5), index + 5).join(" ");
      const near = received.slice(Math.max(0, at - 5), at + 10).join(" ");
      return `word #${index} "${word}" (in "${context}") missing after received #${at} ("${near}")`;
    }
    at = found + 1;
  }
  return null;
}

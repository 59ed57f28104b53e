/**
 * Course folders written by tests (core/content), and a snapshot of every catalog row to compare before and after an
 * import: equal snapshots mean nothing was written (updatedAt included).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "../../prisma/generated/client.js";

/** A real 1×1 PNG. */
export const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** Writes files (name → text or bytes) under `dir`, creating folders. */
export async function writeFolder(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/**
 * `root/<slug>/`: a three-lesson course (the line numbers of its files are what the refusal tests expect), or with
 * `bundle: true` a bundle of `sql-basics`. Returns the folder.
 */
export async function courseFolder(root: string, slug: string, options: { bundle?: boolean } = {}): Promise<string> {
  const dir = path.join(root, slug);
  if (options.bundle) {
    await writeFolder(dir, {
      "course.md": [
        "---",
        `slug: ${slug}`,
        "kind: bundle",
        "title: SQL bundle",
        'price: "35"',
        "currency: eur",
        "bundle: [sql-basics]",
        "tags: [sql]",
        "---",
        "",
      ].join("\n"),
    });
    return dir;
  }
  await writeFolder(dir, {
    "course.md": [
      "---",
      `slug: ${slug}`,
      "kind: course",
      "title: SQL basics",
      'price: "29.90"',
      "currency: eur",
      "stars: 1200",
      "title_zh: SQL 入门",
      "summary: Queries for people who never wrote one.",
      "summary_zh: 写给从没写过查询的人。",
      "drip_days: 7",
      "tags:",
      "  - { slug: sql, name: SQL, name_zh: 数据库 }",
      "---",
      "",
      "Learn to ask a database questions and trust the answers.",
      "",
    ].join("\n"),
    "course.zh.md": "学会向数据库提问，并信任它的回答。\n",
    "01-select.md": ["---", "title: SELECT", "free: true", "---", "", "Pick columns with SELECT.", ""].join("\n"),
    "02-joins.md": [
      "---",
      "title: Joins",
      "title_zh: 连接",
      "release_after_days: 3",
      "attachments:",
      "  - { file: files/cheatsheet.txt, caption: Cheat sheet }",
      "---",
      "",
      "Rows match on a key.",
      "",
      "![Two tables joined on id](diagram.png)",
      "",
      "```sql",
      "SELECT * FROM a JOIN b USING (id); -- ![not an image](fake.png)",
      "```",
      "",
    ].join("\n"),
    "02-joins.zh.md": "两张表的行按键匹配。\n\n![两张表按 id 连接](diagram.png)\n",
    "10-indexes.md": ["---", "title: Indexes", "---", "", "An index makes `WHERE` fast.", ""].join("\n"),
    "diagram.png": PIXEL_PNG,
    "files/cheatsheet.txt": "SELECT, FROM, WHERE, JOIN\n",
    "_notes.md": "Not a lesson: files starting with _ are ignored.\n",
  });
  return dir;
}

/** Every catalog row a content import may write, in a stable order, bytes replaced by their hash. */
export async function catalogSnapshot(prisma: PrismaClient) {
  return {
    products: await prisma.product.findMany({ orderBy: { id: "asc" } }),
    offers: await prisma.offer.findMany({ orderBy: { id: "asc" } }),
    tags: await prisma.tag.findMany({ orderBy: { id: "asc" } }),
    productTags: await prisma.productTag.findMany({ orderBy: [{ productId: "asc" }, { tagId: "asc" }] }),
    bundleItems: await prisma.bundleItem.findMany({ orderBy: [{ bundleId: "asc" }, { productId: "asc" }] }),
    lessons: await prisma.lesson.findMany({ orderBy: { id: "asc" } }),
    attachments: await prisma.lessonAttachment.findMany({ orderBy: { id: "asc" }, omit: { data: true } }),
  };
}

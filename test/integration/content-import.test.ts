/**
 * Course folders into the catalog and back (core/content): a creator writes Markdown files, imports them, edits,
 * imports again; members' purchases and progress survive, ids stay, invalid files are refused with file and line.
 * Every folder is written by the test into a temp dir; only the last test reads content/demo.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ContentContext } from "../../core/content/import-content.js";
import { importContent } from "../../core/content/import-content.js";
import { DEMO_CONTENT_DIR, seedDemoCatalog } from "../../prisma/seed.js";
import { catalogSnapshot, courseFolder, PIXEL_PNG } from "../support/content-folders.js";
import { createTestDatabase, createTestDatabaseEnv, type TestDatabase } from "../support/database.js";
import { REPOSITORY_ROOT } from "../support/start-command.js";

let db: TestDatabase;
let ctx: ContentContext;
let root: string;
const now = new Date("2026-03-01T10:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
  ctx = { prisma: db.prisma, clock: { now: () => now } };
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
  root = await mkdtemp(path.join(os.tmpdir(), "lyceum-content-"));
  return () => rm(root, { recursive: true, force: true });
});

describe("importing course folders", () => {
  it("creates the product, its offer, tags, lessons in file order and attachments with their bytes", async () => {
    const dir = await courseFolder(root, "sql-basics");
    const report = await importContent(ctx, dir);

    expect(report.ok).toBe(true);
    expect(report.courses).toMatchObject([
      {
        slug: "sql-basics",
        outcome: "created",
        lessons: [
          { slug: "01-select", outcome: "created" },
          { slug: "02-joins", outcome: "created" },
          { slug: "10-indexes", outcome: "created" },
        ],
      },
    ]);
    const product = await db.prisma.product.findUniqueOrThrow({
      where: { slug: "sql-basics" },
      include: { offers: true, tags: { include: { tag: true } }, lessons: { orderBy: { position: "asc" } } },
    });
    expect(product).toMatchObject({ kind: "COURSE", titleEn: "SQL basics", titleZh: "SQL 入门", dripDays: 7 });
    expect(product.bodyEn).toContain("Learn to ask a database");
    expect(product.bodyZh).toContain("学会向数据库提问");
    expect(product.offers).toMatchObject([{ amount: 2990, currency: "eur", starsAmount: 1200, active: true }]);
    expect(product.tags.map((t) => [t.tag.slug, t.tag.nameZh])).toEqual([["sql", "数据库"]]);
    // "10-indexes" sorts after "02-joins": numbers in file names compare as numbers.
    expect(product.lessons.map((l) => [l.position, l.slug, l.freePreview])).toEqual([
      [1, "01-select", true],
      [2, "02-joins", false],
      [3, "10-indexes", false],
    ]);
    const joins = product.lessons[1]!;
    expect(joins).toMatchObject({ titleEn: "Joins", titleZh: "连接", releaseAfterDays: 3 });
    expect(joins.contentZh).toContain("两张表");
    expect(joins.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const attachments = await db.prisma.lessonAttachment.findMany({
      where: { lessonId: joins.id },
      orderBy: { position: "asc" },
    });
    expect(attachments.map((a) => [a.fileName, a.kind, a.mimeType, a.caption])).toEqual([
      ["diagram.png", "PHOTO", "image/png", "Two tables joined on id"],
      ["files/cheatsheet.txt", "DOCUMENT", "text/plain", "Cheat sheet"],
    ]);
    expect(Buffer.from(attachments[0]!.data!).equals(PIXEL_PNG)).toBe(true);
    expect(attachments[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("imports the same folder again without changing anything: same ids, nothing reported", async () => {
    const dir = await courseFolder(root, "sql-basics");
    await importContent(ctx, dir);
    const before = await catalogSnapshot(db.prisma);

    const again = await importContent(ctx, dir);

    expect(again.courses.map((c) => c.outcome)).toEqual(["unchanged"]);
    expect(again.courses[0]!.lessons.every((lesson) => lesson.outcome === "unchanged")).toBe(true);
    expect(await catalogSnapshot(db.prisma)).toEqual(before);
  });

  it("an edited lesson file updates that lesson's text in place (same id, new hash) and nothing else", async () => {
    const dir = await courseFolder(root, "sql-basics");
    await importContent(ctx, dir);
    const before = await db.prisma.lesson.findMany({ orderBy: { position: "asc" } });
    const file = path.join(dir, "02-joins.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("Rows match", "Rows of both tables match"));

    const report = await importContent(ctx, dir);

    expect(report.courses[0]).toMatchObject({ outcome: "updated", changes: [] });
    expect(report.courses[0]!.lessons.find((l) => l.slug === "02-joins")).toEqual({
      slug: "02-joins",
      outcome: "updated",
      changes: ["contentEn", "contentHash"],
    });
    const after = await db.prisma.lesson.findMany({ orderBy: { position: "asc" } });
    expect(after.map((l) => l.id)).toEqual(before.map((l) => l.id));
    expect(after[1]!.contentEn).toContain("Rows of both tables match");
    expect(after[1]!.contentHash).not.toBe(before[1]!.contentHash);
    expect(after[0]!.updatedAt).toEqual(before[0]!.updatedAt);
  });

  it("keeps a member's order, entitlement and progress through a re-import that changes the price", async () => {
    const dir = await courseFolder(root, "sql-basics");
    await importContent(ctx, dir);
    const product = await db.prisma.product.findUniqueOrThrow({
      where: { slug: "sql-basics" },
      include: { offers: true, lessons: true },
    });
    const member = await db.prisma.member.create({ data: { displayName: "Ana", referralCode: "ana" } });
    const offer = product.offers[0]!;
    const order = await db.prisma.order.create({
      data: {
        memberId: member.id,
        productId: product.id,
        offerId: offer.id,
        status: "PAID",
        listAmount: 2990,
        amount: 2990,
        currency: "eur",
      },
    });
    await db.prisma.entitlement.create({
      data: { memberId: member.id, productId: product.id, source: "PURCHASE", orderId: order.id },
    });
    await db.prisma.lessonProgress.create({
      data: { memberId: member.id, lessonId: product.lessons[0]!.id, completedAt: now },
    });
    const course = path.join(dir, "course.md");
    await writeFile(course, (await readFile(course, "utf8")).replace('price: "29.90"', 'price: "39.90"'));

    const report = await importContent(ctx, dir);

    expect(report.courses[0]).toMatchObject({ outcome: "updated", changes: ["offer"] });
    const offers = await db.prisma.offer.findMany({ where: { productId: product.id }, orderBy: { id: "asc" } });
    // The ordered offer is retired, not changed under the order; the new price is a new offer.
    expect(offers.map((o) => [o.id, o.amount, o.active])).toEqual([
      [offer.id, 2990, false],
      [expect.any(Number), 3990, true],
    ]);
    expect(await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      offerId: offer.id,
      amount: 2990,
      status: "PAID",
    });
    expect(await db.prisma.entitlement.count({ where: { memberId: member.id, revokedAt: null } })).toBe(1);
    expect(await db.prisma.lessonProgress.findMany()).toMatchObject([
      { memberId: member.id, lessonId: product.lessons[0]!.id },
    ]);

    // An offer nobody ordered is changed in place.
    await writeFile(course, (await readFile(course, "utf8")).replace('price: "39.90"', 'price: "44.90"'));
    await importContent(ctx, dir);
    const latest = await db.prisma.offer.findMany({ where: { productId: product.id }, orderBy: { id: "asc" } });
    expect(latest.map((o) => [o.amount, o.active])).toEqual([
      [2990, false],
      [4490, true],
    ]);
    expect(latest[1]!.id).toBe(offers[1]!.id);
  });

  it("a lesson whose file is removed is unpublished, not deleted, and keeps its place", async () => {
    const dir = await courseFolder(root, "sql-basics");
    await importContent(ctx, dir);
    await rm(path.join(dir, "02-joins.md"));
    await rm(path.join(dir, "02-joins.zh.md"));

    const report = await importContent(ctx, dir);

    expect(report.courses[0]!.lessons).toContainEqual({
      slug: "02-joins",
      outcome: "unpublished",
      changes: ["published"],
    });
    const lessons = await db.prisma.lesson.findMany({ orderBy: { position: "asc" } });
    expect(lessons.map((l) => [l.slug, l.published])).toEqual([
      ["01-select", true],
      ["02-joins", false],
      ["10-indexes", true],
    ]);
    expect(await db.prisma.lessonAttachment.count()).toBe(2);
    // Reported once: the next import has nothing to say about it.
    expect((await importContent(ctx, dir)).courses[0]!.outcome).toBe("unchanged");
  });

  it("exporting and importing the export changes nothing", async () => {
    await importContent(ctx, await courseFolder(root, "sql-basics"));
    await importContent(ctx, await courseFolder(path.join(root, "more"), "sql-bundle", { bundle: true }));
    const before = await catalogSnapshot(db.prisma);
    const { exportContent } = await import("../../core/content/export-content.js");
    const out = path.join(root, "export");

    const exported = await exportContent(ctx, out);
    const report = await importContent(ctx, out);

    expect(exported.courses.map((c) => [c.slug, c.lessons, c.attachments])).toEqual([
      ["sql-basics", 3, 2],
      ["sql-bundle", 0, 0],
    ]);
    expect(report.ok).toBe(true);
    expect(report.courses.map((c) => [c.slug, c.outcome, c.changes])).toEqual([
      ["sql-basics", "unchanged", []],
      ["sql-bundle", "unchanged", []],
    ]);
    expect(await catalogSnapshot(db.prisma)).toEqual(before);
    expect(await readFile(path.join(out, "sql-basics", "files", "cheatsheet.txt"), "utf8")).toContain("SELECT");
  });
});

describe("refusing invalid course folders", () => {
  const cases: Array<{ name: string; edit: (text: string) => string; file: string; line: number; reason: RegExp }> = [
    {
      name: "bad YAML",
      file: "course.md",
      edit: (text) => text.replace("currency: eur", "currency: [eur"),
      // Where the YAML parser finds the sequence unclosed: the line after the "[".
      line: 7,
      reason: /invalid YAML/,
    },
    {
      name: "a missing title",
      file: "course.md",
      edit: (text) => text.replace("title: SQL basics\n", "").replace("title_zh: SQL 入门\n", ""),
      // An absent field: the front matter's first line.
      line: 2,
      reason: /title is missing/,
    },
    {
      name: "a negative price",
      file: "course.md",
      edit: (text) => text.replace('price: "29.90"', "price: -5"),
      line: 5,
      reason: /price must be an amount/,
    },
    {
      name: "an unknown kind",
      file: "course.md",
      edit: (text) => text.replace("kind: course", "kind: podcast"),
      line: 3,
      reason: /kind: must be course, article, live_session or bundle/,
    },
    {
      name: "a lesson without a title",
      file: "10-indexes.md",
      edit: (text) => text.replace("title: Indexes\n", "free: false\n"),
      line: 2,
      reason: /title is missing/,
    },
    {
      name: "a typo in a lesson's field",
      file: "02-joins.md",
      edit: (text) => text.replace("release_after_days: 3", "release_after_dayz: 3"),
      line: 4,
      reason: /unknown field "release_after_dayz"/,
    },
  ];

  for (const example of cases) {
    it(`${example.name}: names the file and line, and writes nothing of the course`, async () => {
      const dir = await courseFolder(root, "sql-basics");
      const target = path.join(dir, example.file);
      const edited = example.edit(await readFile(target, "utf8"));
      expect(edited).not.toBe(await readFile(target, "utf8"));
      await writeFile(target, edited);

      const report = await importContent(ctx, dir);

      expect(report.ok).toBe(false);
      expect(report.courses).toEqual([]);
      expect(report.problems).toContainEqual({
        file: path.join(dir, example.file),
        line: example.line,
        reason: expect.stringMatching(example.reason),
      });
      expect(await db.prisma.product.count()).toBe(0);
      expect(await db.prisma.lesson.count()).toBe(0);
      expect(await db.prisma.tag.count()).toBe(0);
    });
  }

  it("collects every problem of a course at once, and leaves an imported course as it was", async () => {
    const dir = await courseFolder(root, "sql-basics");
    await importContent(ctx, dir);
    const before = await catalogSnapshot(db.prisma);
    const course = path.join(dir, "course.md");
    await writeFile(
      course,
      (await readFile(course, "utf8"))
        .replace("summary: Queries", "summary: Changed")
        .replace("stars: 1200", "stars: -1"),
    );
    const lesson = path.join(dir, "01-select.md");
    await writeFile(lesson, (await readFile(lesson, "utf8")).replace("Pick columns", "![missing](nowhere.png)"));

    const report = await importContent(ctx, dir);

    expect(report.problems.map((p) => [path.basename(p.file), p.line])).toEqual([
      ["course.md", 7],
      ["01-select.md", 6],
    ]);
    expect(report.problems[1]!.reason).toBe("nowhere.png does not exist in the course folder");
    expect(await catalogSnapshot(db.prisma)).toEqual(before);
  });
});

describe("the demo catalog", () => {
  it("content/demo imports cleanly on an empty catalog, with the products the tests know, and only once", async () => {
    expect(await seedDemoCatalog(db.prisma, now)).toBe(true);

    const products = await db.prisma.product.findMany({ orderBy: { id: "asc" }, include: { lessons: true } });
    expect(products.map((p) => [p.id, p.titleEn, p.lessons.length])).toEqual([
      [1, "Python for Data Analysis", 3],
      [2, "Prompt Engineering Masterclass", 2],
      [3, "How I Grew to 10,000 Members", 0],
      [4, "Live Q&A: Shipping Side Projects", 0],
      [5, "Inner Circle membership", 0],
      [6, "Data & AI bundle", 0],
    ]);
    expect(products[3]!.startsAt).toEqual(new Date(now.getTime() + 7 * 86_400_000));
    expect(await db.prisma.lessonAttachment.count({ where: { kind: "PHOTO" } })).toBeGreaterThan(0);
    expect(await seedDemoCatalog(db.prisma, now)).toBe(false);
    const again = await importContent({ prisma: db.prisma, clock: { now: () => new Date() } }, DEMO_CONTENT_DIR);
    expect(again.courses.map((c) => c.outcome)).toEqual(Array(6).fill("unchanged"));
  });
});

describe("npm run content", () => {
  /** The CLI as a creator runs it, with a clean environment plus the test database's. */
  function runContent(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "content", "--", ...args], {
        cwd: REPOSITORY_ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("prints what it imported and exits 0; prints every problem and exits 2 on invalid content", async () => {
    const database = await createTestDatabaseEnv();
    try {
      const dir = await courseFolder(root, "sql-basics");
      const first = await runContent(["import", dir], database.env);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`created: sql-basics #1 — ${dir}`);
      expect(first.stdout).toContain("  created: 02-joins");
      expect(first.stdout).toContain("Imported: 1 created, 0 updated, 0 unchanged.");

      const lesson = path.join(dir, "10-indexes.md");
      await writeFile(lesson, (await readFile(lesson, "utf8")).replace("fast", "fast, and writes slower"));
      const second = await runContent(["import", dir], database.env);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain("updated: sql-basics #1");
      expect(second.stdout).toContain("  updated: 10-indexes (contentEn, contentHash)");
      expect(second.stdout).not.toContain("01-select");

      const course = path.join(dir, "course.md");
      await writeFile(course, (await readFile(course, "utf8")).replace("kind: course", "kind: podcast"));
      const refused = await runContent(["import", dir], database.env);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain("Nothing was imported: 1 problem(s) to fix first:");
      expect(refused.stderr).toContain(`${course}:3: kind: must be course, article, live_session or bundle`);

      const usage = await runContent(["import"], database.env);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("usage: npm run content -- import <folder>");
    } finally {
      await database.cleanup();
    }
  }, 120_000);
});

/**
 * `npm run content -- import <dir>`: course folders (README, "Course folders") into the catalog. Idempotent: products
 * match by slug and lessons by file name, only what changed is written, ids stay, and purchases, entitlements,
 * orders and progress are never touched.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { CoreContext } from "../context.js";
import type { CourseReport, ImportReport } from "./content-report.js";
import type { ContentProblem } from "./front-matter.js";
import { COURSE_FILE, type CourseDefinition, isCourseFolder, readCourseFolder } from "./read-course-folder.js";
import { writeCourse } from "./write-course.js";

/** Import and export need the database and the clock only (the CLI has no chat gateways or jobs). */
export type ContentContext = Pick<CoreContext, "prisma" | "clock">;

/** Attachments make a course's transaction longer than Prisma's 5 s default. */
const COURSE_TRANSACTION = { timeout: 120_000, maxWait: 30_000 };

/**
 * Imports one course folder (it has a `course.md`) or a folder of course folders (sorted by name, so `01-…`, `02-…`
 * decide the order new products are created in). Every file is read and checked first; when anything is wrong,
 * nothing at all is written and the report lists every problem with its file and line. Otherwise each course is
 * written in its own transaction (a course is never half-imported), bundles after the products they contain.
 *
 * @example const report = await importContent(ctx, "content/demo"); if (!report.ok) console.log(report.problems);
 */
export async function importContent(ctx: ContentContext, dir: string): Promise<ImportReport> {
  const problems: ContentProblem[] = [];
  const definitions: CourseDefinition[] = [];
  for (const folder of courseFolders(dir, problems)) {
    const definition = readCourseFolder(folder, folder, problems);
    if (definition) definitions.push(definition);
  }
  await checkReferences(ctx, definitions, problems);
  if (problems.length) return { ok: false, problems, courses: [] };

  const ordered = [
    ...definitions.filter((course) => course.kind !== "BUNDLE"),
    ...definitions.filter((course) => course.kind === "BUNDLE"),
  ];
  const courses: CourseReport[] = [];
  for (const course of ordered) {
    const now = ctx.clock.now();
    courses.push(await ctx.prisma.$transaction((tx) => writeCourse(tx, course, now), COURSE_TRANSACTION));
  }
  return { ok: true, problems: [], courses };
}

/** `dir` itself when it is a course, else its sub-folders that are. */
function courseFolders(dir: string, problems: ContentProblem[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.push({ file: dir, line: 0, reason: "no such folder" });
    return [];
  }
  if (isCourseFolder(dir)) return [dir];
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && isCourseFolder(path.join(dir, entry.name)))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .map((name) => path.join(dir, name));
  if (!folders.length) {
    problems.push({ file: dir, line: 0, reason: `no ${COURSE_FILE} here nor in any folder inside` });
  }
  return folders;
}

/** Slugs used twice in one import, and bundles naming products that neither exist nor are being imported. */
async function checkReferences(
  ctx: ContentContext,
  definitions: CourseDefinition[],
  problems: ContentProblem[],
): Promise<void> {
  const seen = new Map<string, string>();
  for (const course of definitions) {
    const other = seen.get(course.slug);
    if (other) {
      problems.push({
        file: path.join(course.folder, COURSE_FILE),
        line: 1,
        reason: `slug ${course.slug} is also used by ${other}`,
      });
    }
    seen.set(course.slug, course.folder);
  }
  const named = [...new Set(definitions.flatMap((course) => course.bundle))].filter((slug) => !seen.has(slug));
  const known = named.length
    ? new Set(
        (await ctx.prisma.product.findMany({ where: { slug: { in: named } }, select: { slug: true } })).map(
          (product) => product.slug,
        ),
      )
    : new Set<string>();
  for (const course of definitions) {
    for (const slug of course.bundle) {
      if (seen.has(slug) || known.has(slug)) continue;
      problems.push({
        file: path.join(course.folder, COURSE_FILE),
        line: 1,
        reason: `bundle: no product with slug ${slug} (neither in the catalog nor in this import)`,
      });
    }
  }
}

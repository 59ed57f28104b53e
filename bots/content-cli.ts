/**
 * `npm run content -- import <dir>` and `npm run content -- export <dir>`: course folders (README, "Course folders")
 * into the catalog and back, on DATABASE_URL or the embedded database (LYCEUM_DATA_DIR/pglite), .env loaded as for
 * `npm start`. The embedded database belongs to one process: stop Lyceum first, or use PostgreSQL.
 *
 * Exit codes: 0 done, 2 refused (usage, invalid content with every problem printed, embedded database in use),
 * 1 the import or export failed.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { indexKnowledge } from "../core/assistant/index-knowledge.js";
import type { CourseReport, ImportReport } from "../core/content/content-report.js";
import { formatProblem } from "../core/content/content-report.js";
import { exportContent } from "../core/content/export-content.js";
import { type ContentContext, importContent } from "../core/content/import-content.js";
import { systemClock } from "../core/ports.js";
import { openDatabase } from "../prisma/database.js";
import { loadEnvFile } from "./startup/env-file.js";
import { classifyFailure, failureLines } from "./startup/startup-error.js";
import { operatorLanguage } from "./startup/startup-texts.js";

const texts = {
  en: {
    usage: "usage: npm run content -- import <folder>   |   npm run content -- export <folder>",
    inUse: (dir: string) =>
      `The embedded database in ${dir} is open (postmaster.pid): stop Lyceum first, or set DATABASE_URL.`,
    refused: (count: number) => `Nothing was imported: ${count} problem(s) to fix first:`,
    course: { created: "created", updated: "updated", unchanged: "unchanged" },
    lesson: { created: "created", updated: "updated", unchanged: "unchanged", unpublished: "unpublished" },
    summary: (created: number, updated: number, unchanged: number) =>
      `Imported: ${created} created, ${updated} updated, ${unchanged} unchanged.`,
    exported: (count: number, dir: string) => `Exported ${count} product(s) into ${dir}.`,
    exportedCourse: (folder: string, lessons: number, files: number) =>
      `  ${folder}: ${lessons} lesson(s), ${files} file(s)`,
    failed: (reason: string) => `The content command failed: ${reason}`,
  },
  zh: {
    usage: "用法：npm run content -- import <文件夹>   |   npm run content -- export <文件夹>",
    inUse: (dir: string) => `${dir} 中的内嵌数据库正被打开（postmaster.pid）：请先停止 Lyceum，或设置 DATABASE_URL。`,
    refused: (count: number) => `未导入任何内容：请先修正以下 ${count} 个问题：`,
    course: { created: "已创建", updated: "已更新", unchanged: "无变化" },
    lesson: { created: "已创建", updated: "已更新", unchanged: "无变化", unpublished: "已下架" },
    summary: (created: number, updated: number, unchanged: number) =>
      `导入完成：新建 ${created}，更新 ${updated}，无变化 ${unchanged}。`,
    exported: (count: number, dir: string) => `已导出 ${count} 个产品到 ${dir}。`,
    exportedCourse: (folder: string, lessons: number, files: number) => `  ${folder}：${lessons} 节课，${files} 个文件`,
    failed: (reason: string) => `内容命令失败：${reason}`,
  },
};

const say = texts[operatorLanguage()];
const print = (line: string) => process.stdout.write(`${line}\n`);
const refuse = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(2);
};

/** One line per course, then one indented line per lesson that did something (all of them for a new course). */
function courseLines(course: CourseReport): string[] {
  const fields = course.changes.length ? ` (${course.changes.join(", ")})` : "";
  const lines = [`${say.course[course.outcome]}: ${course.slug} #${course.productId} — ${course.folder}${fields}`];
  for (const lesson of course.lessons) {
    if (lesson.outcome === "unchanged") continue;
    const changes = lesson.outcome === "updated" ? ` (${lesson.changes.join(", ")})` : "";
    lines.push(`  ${say.lesson[lesson.outcome]}: ${lesson.slug}${changes}`);
  }
  return lines;
}

/** Prints the report; the exit code (2 when the content was refused, with every problem on stderr). */
function printImport(report: ImportReport): number {
  if (!report.ok) {
    process.stderr.write(
      `${[say.refused(report.problems.length), ...report.problems.map(formatProblem)].join("\n")}\n`,
    );
    return 2;
  }
  for (const course of report.courses) for (const line of courseLines(course)) print(line);
  const count = (outcome: CourseReport["outcome"]) => report.courses.filter((c) => c.outcome === outcome).length;
  print(say.summary(count("created"), count("updated"), count("unchanged")));
  return 0;
}

try {
  loadEnvFile();
} catch (error) {
  refuse(failureLines(classifyFailure(error), operatorLanguage()).join("\n"));
}
const [command, dir] = process.argv.slice(2);
if ((command !== "import" && command !== "export") || !dir || dir.startsWith("-")) refuse(say.usage);
const url = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = path.resolve(process.env.LYCEUM_DATA_DIR?.trim() || ".data", "pglite");
if (!url && existsSync(path.join(dataDir, "postmaster.pid"))) refuse(say.inUse(dataDir));

let exitCode = 0;
try {
  const db = await openDatabase({ url, dataDir });
  try {
    const ctx: ContentContext = { prisma: db.prisma, clock: systemClock };
    if (command === "import") {
      exitCode = printImport(await importContent(ctx, dir!));
      // The answer helper quotes what was imported at once (unchanged lessons are skipped by hash); a running app
      // would also catch up on its next scheduled refresh.
      if (exitCode === 0) await indexKnowledge({ prisma: db.prisma });
    } else {
      const report = await exportContent(ctx, dir!);
      for (const course of report.courses) print(say.exportedCourse(course.folder, course.lessons, course.attachments));
      print(say.exported(report.courses.length, dir!));
    }
  } finally {
    await db.close();
  }
} catch (error) {
  process.stderr.write(`${say.failed(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
}
process.exit(exitCode);

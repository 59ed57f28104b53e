/**
 * `npm run backup -- <file>` and `npm run restore -- <file> [--replace]`: a copy of the embedded database (PGlite,
 * `LYCEUM_DATA_DIR/pglite`) as one .tar.gz made by PGlite's own `dumpDataDir`, and the way back. Stop Lyceum first:
 * the embedded database belongs to one process at a time. PostgreSQL (DATABASE_URL) is backed up with pg_dump
 * instead (README, "Backups").
 *
 * Exit codes: 0 done, 2 refused (usage, Lyceum still running, a database already there without --replace,
 * DATABASE_URL set), 1 the copy failed.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { loadEnvFile } from "./startup/env-file.js";
import { classifyFailure, failureLines } from "./startup/startup-error.js";
import { operatorLanguage } from "./startup/startup-texts.js";

const texts = {
  en: {
    usage: "usage: npm run backup -- <file.tar.gz>   |   npm run restore -- <file.tar.gz> [--replace]",
    postgres:
      "DATABASE_URL is set: this is a PostgreSQL server. Back it up with pg_dump and restore with pg_restore (README, Backups).",
    noDatabase: (dir: string) => `There is no embedded database in ${dir} (check LYCEUM_DATA_DIR).`,
    inUse: (dir: string) =>
      `The embedded database in ${dir} is open (postmaster.pid): stop Lyceum first. If it is not running (it crashed), start and stop it once, then try again.`,
    written: (file: string, bytes: number) => `Backup written: ${file} (${Math.round(bytes / 1024)} KiB).`,
    noFile: (file: string) => `No backup file at ${file}.`,
    exists: (dir: string) =>
      `A database is already in ${dir}: add --replace to put the backup in its place (the current one is kept aside).`,
    restored: (dir: string) => `Restored into ${dir}. Start Lyceum as usual; pending migrations apply at start.`,
    keptAside: (dir: string) => `The database that was there is kept in ${dir}; delete it when you no longer need it.`,
    failed: (reason: string) => `The copy failed: ${reason}`,
  },
  zh: {
    usage: "用法：npm run backup -- <文件.tar.gz>   |   npm run restore -- <文件.tar.gz> [--replace]",
    postgres:
      "已设置 DATABASE_URL：这是 PostgreSQL 服务器。请用 pg_dump 备份、pg_restore 恢复（见 README 的 Backups 一节）。",
    noDatabase: (dir: string) => `${dir} 中没有内嵌数据库（请检查 LYCEUM_DATA_DIR）。`,
    inUse: (dir: string) =>
      `${dir} 中的内嵌数据库正被打开（postmaster.pid）：请先停止 Lyceum。如果它并未运行（曾崩溃），请启动再停止一次后重试。`,
    written: (file: string, bytes: number) => `备份已写入：${file}（${Math.round(bytes / 1024)} KiB）。`,
    noFile: (file: string) => `找不到备份文件 ${file}。`,
    exists: (dir: string) => `${dir} 中已有数据库：加上 --replace 用备份替换它（现有数据库会另存一份）。`,
    restored: (dir: string) => `已恢复到 ${dir}。照常启动 Lyceum 即可；未应用的迁移会在启动时应用。`,
    keptAside: (dir: string) => `原来的数据库保存在 ${dir}；不再需要时可以删除。`,
    failed: (reason: string) => `复制失败：${reason}`,
  },
};

const say = texts[operatorLanguage()];
const print = (line: string) => process.stdout.write(`${line}\n`);
const refuse = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(2);
};

const isEmptyOrMissing = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

async function backup(file: string, dataDir: string): Promise<void> {
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) refuse(say.noDatabase(dataDir));
  if (existsSync(path.join(dataDir, "postmaster.pid"))) refuse(say.inUse(dataDir));
  const pglite = await PGlite.create({ dataDir });
  try {
    const dump = await pglite.dumpDataDir("gzip");
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
  print(say.written(file, statSync(file).size));
}

async function restore(file: string, dataDir: string, replace: boolean): Promise<void> {
  if (!existsSync(file)) refuse(say.noFile(file));
  let keptAside: string | null = null;
  if (!isEmptyOrMissing(dataDir)) {
    if (!replace) refuse(say.exists(dataDir));
    if (existsSync(path.join(dataDir, "postmaster.pid"))) refuse(say.inUse(dataDir));
    // Kept, not deleted: a restore from the wrong file must not cost the database that was there.
    keptAside = `${dataDir}.replaced-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
    renameSync(dataDir, keptAside);
  }
  try {
    await mkdir(dataDir, { recursive: true });
    const pglite = await PGlite.create({ dataDir, loadDataDir: new Blob([await readFile(file)]) });
    try {
      await pglite.query("SELECT 1");
    } finally {
      await pglite.close();
    }
  } catch (error) {
    // Put things back as they were.
    rmSync(dataDir, { recursive: true, force: true });
    if (keptAside) renameSync(keptAside, dataDir);
    throw error;
  }
  print(say.restored(dataDir));
  if (keptAside) print(say.keptAside(keptAside));
}

try {
  loadEnvFile();
} catch (error) {
  refuse(failureLines(classifyFailure(error), operatorLanguage()).join("\n"));
}
const [command, file, ...flags] = process.argv.slice(2);
if ((command !== "backup" && command !== "restore") || !file || file.startsWith("-")) refuse(say.usage);
if (process.env.DATABASE_URL?.trim()) refuse(say.postgres);
const dataDir = path.resolve(process.env.LYCEUM_DATA_DIR?.trim() || ".data", "pglite");
try {
  if (command === "backup") await backup(file!, dataDir);
  else await restore(file!, dataDir, flags.includes("--replace"));
} catch (error) {
  process.stderr.write(`${say.failed(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
}

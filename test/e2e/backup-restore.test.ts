/**
 * `npm run backup` / `npm run restore` on the embedded database, run as the real scripts: a backup taken, the data
 * changed, the backup restored (only with --replace over an existing database, which is kept aside), and the refusals
 * an operator needs (the database is open, PostgreSQL is configured).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it, onTestFinished } from "vitest";
import { openDatabase } from "../../prisma/database.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const CLI = path.join(ROOT, "bots", "backup-cli.ts");

/** Runs the CLI as `npm run backup|restore` does; resolves with its exit code and output. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TMPDIR: os.tmpdir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the CLI did not exit\n${stdout}\n${stderr}`));
    }, 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

async function marker(dataDir: string): Promise<string> {
  const pglite = await PGlite.create({ dataDir });
  try {
    const { rows } = await pglite.query<{ value: string }>(`SELECT "value" FROM "backup_marker"`);
    return rows[0]!.value;
  } finally {
    await pglite.close();
  }
}

async function setMarker(dataDir: string, value: string): Promise<void> {
  const pglite = await PGlite.create({ dataDir });
  try {
    await pglite.query(`UPDATE "backup_marker" SET "value" = $1`, [value]);
  } finally {
    await pglite.close();
  }
}

describe("backup and restore of the embedded database", () => {
  it("backs up, refuses to overwrite without --replace, restores with it and keeps the old one aside", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "lyceum-backup-"));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const env = { LYCEUM_DATA_DIR: path.join(folder, "data") };
    const dataDir = path.join(folder, "data", "pglite");
    const file = path.join(folder, "backups", "lyceum.tar.gz");

    // A migrated database, as `npm start` leaves it, with something to recognise.
    const db = await openDatabase({ dataDir });
    await db.prisma.$executeRawUnsafe(`CREATE TABLE "backup_marker" ("value" TEXT NOT NULL)`);
    await db.prisma.$executeRawUnsafe(`INSERT INTO "backup_marker" VALUES ('at backup time')`);
    // While it is open (Lyceum running), the backup refuses.
    const whileOpen = await runCli(["backup", file], env);
    await db.close();
    expect(whileOpen.code).toBe(2);
    expect(whileOpen.stderr).toContain("stop Lyceum first");
    expect(existsSync(file)).toBe(false);

    const backup = await runCli(["backup", file], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Backup written: ${file}`);

    await setMarker(dataDir, "changed after the backup");
    const refused = await runCli(["restore", file], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--replace");
    expect(await marker(dataDir)).toBe("changed after the backup");

    const restored = await runCli(["restore", file, "--replace"], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await marker(dataDir)).toBe("at backup time");
    const aside = readdirSync(path.join(folder, "data")).find((name) => name.startsWith("pglite.replaced-"));
    expect(aside).toBeDefined();
    expect(restored.stdout).toContain(aside!);
    expect(await marker(path.join(folder, "data", aside!))).toBe("changed after the backup");

    // The restored database opens as Lyceum opens it (migrations already applied: nothing to do).
    const reopened = await openDatabase({ dataDir });
    expect(reopened.applied).toEqual([]);
    await reopened.close();
  }, 180_000);

  it("points PostgreSQL users to pg_dump, and refuses a usage it does not know", async () => {
    const postgres = await runCli(["backup", "x.tar.gz"], { DATABASE_URL: "postgresql://lyceum@db:5432/lyceum" });
    expect(postgres.code).toBe(2);
    expect(postgres.stderr).toContain("pg_dump");
    const usage = await runCli(["restore"], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("npm run restore -- <file.tar.gz> [--replace]");
  }, 120_000);
});

/**
 * A migration that fails, fails: on the embedded database and on PostgreSQL, opening the database (what every start
 * does) throws an error naming the migration and what the database said; nothing of the migration is kept; it is not
 * recorded as finished; and once its SQL is fixed the next start applies it. Each test works on a copy of
 * prisma/migrations with one broken migration added, and on a database of its own.
 */
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { classifyFailure, EXIT_CODES, failureLines } from "../../bots/startup/startup-error.js";
import { type OpenedDatabase, openDatabase } from "../../prisma/database.js";
import { MIGRATIONS_DIR, MigrationFailedError } from "../../prisma/schema-engine.js";
import { databaseUrlWithName } from "../support/database-url.js";

const BROKEN = "29990101000000_add_reading_list";
// The first statement works on its own; the second refers to a table that does not exist.
const BROKEN_SQL = `CREATE TABLE "ReadingList" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);
ALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;
`;
const FIXED_SQL = `CREATE TABLE "ReadingList" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the real migrations plus BROKEN; returns its folder and a way to rewrite BROKEN's SQL. */
async function migrationsWithBrokenOne() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lyceum-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  await mkdir(path.join(dir, BROKEN));
  const write = (sql: string) => writeFile(path.join(dir, BROKEN, "migration.sql"), sql);
  await write(BROKEN_SQL);
  return { dir, write };
}

interface Target {
  /** Options that open this database (each call a new connection, like a new start). */
  open(migrationsDir: string): Promise<OpenedDatabase>;
  /** Runs a query on it without migrating (to look at what the failed start left). */
  query<T>(sql: string): Promise<T[]>;
}

async function embeddedTarget(): Promise<Target> {
  const root = await mkdtemp(path.join(os.tmpdir(), "lyceum-pglite-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const dataDir = path.join(root, "pglite");
  return {
    open: (migrationsDir) => openDatabase({ dataDir, migrationsDir }),
    async query<T>(sql: string) {
      const client = await PGlite.create({ dataDir });
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.close();
      }
    },
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const name = `lyceum_mig_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const databaseUrl = databaseUrlWithName(url, name);
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  return {
    open: (migrationsDir) => openDatabase({ url: databaseUrl, migrationsDir }),
    async query<T>(sql: string) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
}

const targets: [string, () => Promise<Target>][] = [["embedded PGlite", embeddedTarget]];
if (process.env.DATABASE_URL) {
  const url = process.env.DATABASE_URL;
  targets.push(["PostgreSQL", () => postgresTarget(url)]);
}

describe.each(targets)("a failing migration on %s", (_kind, makeTarget) => {
  it("stops the start naming it, keeps nothing of it, and applies it once fixed", async () => {
    const target = await makeTarget();
    const migrations = await migrationsWithBrokenOne();

    const failed = await target.open(migrations.dir).then(
      async (db) => {
        await db.close();
        throw new Error("the start went on past a broken migration");
      },
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(MigrationFailedError);
    const failure = failed as MigrationFailedError;
    expect(failure.migration).toBe(BROKEN);
    expect(failure.reason).toMatch(/NoSuchTable/);
    // What `npm start` prints: one line naming the migration and the file to fix, exit code 3.
    const started = classifyFailure(failed);
    expect(started.exitCode).toBe(EXIT_CODES.database);
    expect(failureLines(started, "en")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Migration ${BROKEN} failed and was not applied \\(.*NoSuchTable.*\\): fix prisma/migrations/${BROKEN}/`,
        ),
      ),
    ]);

    // Not recorded as applied, and nothing of it stayed (its first statement was rolled back with it).
    const rows = await target.query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
      `SELECT "migration_name", "finished_at", "logs" FROM "_prisma_migrations" ORDER BY "started_at"`,
    );
    const brokenRow = rows.find((row) => row.migration_name === BROKEN);
    expect(brokenRow?.finished_at).toBeNull();
    expect(brokenRow?.logs).toMatch(/NoSuchTable/);
    expect(rows.filter((row) => row.migration_name !== BROKEN).every((row) => row.finished_at !== null)).toBe(true);
    const [table] = await target.query<{ exists: boolean }>(
      `SELECT to_regclass('"ReadingList"') IS NOT NULL AS "exists"`,
    );
    expect(table!.exists).toBe(false);

    // Fixed, the next start applies it.
    await migrations.write(FIXED_SQL);
    const db = await target.open(migrations.dir);
    try {
      expect(db.retried).toEqual([BROKEN]);
      expect(db.applied).toEqual([BROKEN]);
      await db.prisma.$executeRawUnsafe(`INSERT INTO "ReadingList" ("title") VALUES ('Dune')`);
    } finally {
      await db.close();
    }
    const finished = await target.query<{ finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT "finished_at", "rolled_back_at" FROM "_prisma_migrations" WHERE "migration_name" = '${BROKEN}' ORDER BY "started_at"`,
    );
    expect(finished).toHaveLength(2);
    expect(finished[0]!.rolled_back_at).not.toBeNull(); // the failed attempt
    expect(finished[1]!.finished_at).not.toBeNull(); // the one that worked

    // And the start after that has nothing left to do.
    const again = await target.open(migrations.dir);
    expect(again.applied).toEqual([]);
    expect(again.retried).toEqual([]);
    await again.close();
  }, 120_000);
});

/**
 * A fresh database for one test file, copied from the template that global-setup migrated: a real PostgreSQL
 * database when DATABASE_URL is set, an in-memory embedded Postgres otherwise.
 *
 * @example const db = await createTestDatabase(); afterAll(() => db.close());
 */

import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { type OpenedDatabase, openDatabase } from "../../prisma/database.js";
import { databaseUrlWithName } from "./database-url.js";

/**
 * Drops a test database once its connections have closed. FORCE (which kills them) is the last resort: killing a
 * connection that is still closing surfaces as an unhandled error in the test that owned it.
 */
async function dropTestDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006") throw error; // 55006: still in use
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends OpenedDatabase {
  /** Empties every table (ids restart), for tests that want a clean slate inside one file. */
  truncate(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  let opened: OpenedDatabase;
  let dropDatabase = async () => {};
  if (url) {
    const template = process.env.LYCEUM_TEST_TEMPLATE;
    if (!template) throw new Error("global-setup did not prepare a template database");
    const name = `lyceum_t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await admin.end();
    opened = await openDatabase({ url: databaseUrlWithName(url, name), migrate: false });
    dropDatabase = () => dropTestDatabase(url, name);
  } else {
    const dumpFile = process.env.LYCEUM_TEST_TEMPLATE_DUMP;
    if (!dumpFile) throw new Error("global-setup did not prepare a template dump");
    const dump = new Blob([await readFile(dumpFile)]);
    opened = await openDatabase({ dataDir: "memory://", loadDataDir: dump, migrate: false });
  }
  const prisma = opened.prisma;
  return {
    ...opened,
    async truncate() {
      const rows = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
      );
      const list = rows.map((r) => `"public"."${r.tablename}"`).join(", ");
      await prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await opened.close();
      await dropDatabase();
    },
  };
}

/**
 * For a child process (the console started as a newcomer would): a fresh PostgreSQL database copied from the
 * template when DATABASE_URL is set, or a fresh embedded data folder otherwise. Pass `env` to the child.
 */
export async function createTestDatabaseEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const os = await import("node:os");
  const path = await import("node:path");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "lyceum-e2e-"));
  const url = process.env.DATABASE_URL;
  if (!url) {
    return {
      env: { LYCEUM_DATA_DIR: dataDir, DATABASE_URL: "" },
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const template = process.env.LYCEUM_TEST_TEMPLATE;
  if (!template) throw new Error("global-setup did not prepare a template database");
  const name = `lyceum_e2e_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await admin.end();
  return {
    env: { LYCEUM_DATA_DIR: dataDir, DATABASE_URL: databaseUrlWithName(url, name) },
    async cleanup() {
      await dropTestDatabase(url, name);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

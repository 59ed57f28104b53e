/**
 * Runs once before the suite: builds a migrated template database so each test file starts from a copy in
 * milliseconds instead of running the migrations again.
 * - DATABASE_URL set (CI, PostgreSQL server): database `<name>_template`, copied with CREATE DATABASE … TEMPLATE.
 * - unset (a fresh laptop): an embedded PGlite, migrated and dumped to a file that each file loads into memory.
 * A DATABASE_URL that cannot be reached fails the run: nothing is skipped silently.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pgliteAdapterFactory, postgresAdapterFactory } from "../../prisma/migration-adapters.js";
import { applyMigrations } from "../../prisma/schema-engine.js";
import { databaseUrlWithName } from "./database-url.js";
import { ensureBuilt } from "./start-command.js";

export default async function setup(): Promise<void> {
  ensureBuilt(); // end-to-end tests spawn what `npm start` runs: dist/, built from the current sources
  const url = process.env.DATABASE_URL;
  if (url) {
    const templateName = `${new URL(url).pathname.slice(1) || "postgres"}_lyceum_template`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect().catch((error: Error) => {
      throw new Error(`DATABASE_URL is set but PostgreSQL cannot be reached: ${error.message}`);
    });
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${templateName}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${templateName}"`);
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({ connectionString: databaseUrlWithName(url, templateName), max: 2 });
    try {
      await applyMigrations(postgresAdapterFactory(pool));
    } finally {
      await pool.end();
    }
    process.env.LYCEUM_TEST_TEMPLATE = templateName;
  } else {
    const pglite = await PGlite.create({ dataDir: "memory://" });
    await applyMigrations(pgliteAdapterFactory(pglite));
    const dump = await pglite.dumpDataDir("none");
    await pglite.close();
    const file = path.join(os.tmpdir(), `lyceum-template-${process.pid}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    process.env.LYCEUM_TEST_TEMPLATE_DUMP = file;
  }
}

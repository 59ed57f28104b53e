/**
 * Opens the database: PostgreSQL when `DATABASE_URL` is set, otherwise an embedded Postgres (PGlite) in a data folder.
 * Both get the same migrations and the same generated Prisma client.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client.js";
import { applyMigrations } from "./schema-engine.js";

export type Database = PrismaClient;

export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Folder of the embedded database; `memory://` keeps it in memory. Default `.data/pglite`. */
  dataDir?: string;
  /** Start the embedded database from a dump made by `PGlite.dumpDataDir` (tests use a migrated template). */
  loadDataDir?: Blob;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

export interface OpenedDatabase {
  prisma: PrismaClient;
  kind: "postgres" | "embedded";
  /** Names of migrations applied while opening. */
  applied: string[];
  close(): Promise<void>;
}

/**
 * @example const { prisma, close } = await openDatabase({ url: process.env.DATABASE_URL });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let kind: OpenedDatabase["kind"];
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    // An idle connection the server closes (a restart, a failover) must not crash the process: the pool replaces it.
    pool.on("error", (error) =>
      process.stderr.write(`database connection lost (the pool reconnects): ${error.message}\n`),
    );
    factory = new PrismaPg(pool);
    closeDriver = () => pool.end();
    kind = "postgres";
  } else {
    const dataDir = options.dataDir ?? ".data/pglite";
    if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
    const client = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
    factory = new PrismaPGlite(client);
    closeDriver = () => client.close();
    kind = "embedded";
  }
  const applied = options.migrate === false ? [] : await applyMigrations(factory);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    kind,
    applied,
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

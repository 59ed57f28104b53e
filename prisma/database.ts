/**
 * Opens the database: PostgreSQL when `DATABASE_URL` is set, otherwise an embedded Postgres (PGlite) in a data folder.
 * Both get the same migrations and the same generated Prisma client.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaClient } from "./generated/client.js";
import { pgliteAdapterFactory, postgresAdapterFactory } from "./migration-adapters.js";
import {
  applyMigrations,
  migrationsPending,
  releaseFailedMigrations,
  toMigrationFailedError,
} from "./schema-engine.js";
import { retryInteractiveTransactions } from "./transaction-retry.js";

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
  /** Where the migrations are (default `prisma/migrations`; tests use a broken copy). */
  migrationsDir?: string;
}

export interface OpenedDatabase {
  prisma: PrismaClient;
  /** Reads straight to the driver, for the hot path (CoreContext.sql). */
  sql: { query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]> };
  kind: "postgres" | "embedded";
  /** Names of migrations applied while opening. */
  applied: string[];
  /** Migrations an earlier start recorded as failed, released to be applied again (see releaseFailedMigrations). */
  retried: string[];
  close(): Promise<void>;
}

/** How many distinct lean statements (ctx.sql) are prepared per connection; any beyond run unprepared. */
const PREPARED_STATEMENTS = 100;

/**
 * Throws MigrationFailedError (naming the migration, with the database's words) when a migration fails: nothing of
 * it is kept, it is not marked as applied, and the connection is closed again.
 *
 * @example const { prisma, close } = await openDatabase({ url: process.env.DATABASE_URL });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
  let kind: OpenedDatabase["kind"];
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    // An idle connection the server closes (a restart, a failover) must not crash the process: the pool replaces it.
    pool.on("error", (error) =>
      process.stderr.write(`database connection lost (the pool reconnects): ${error.message}\n`),
    );
    factory = postgresAdapterFactory(pool);
    closeDriver = () => pool.end();
    // Each hot-path statement is prepared once per connection and then only bound and run: PostgreSQL parses and
    // plans it once instead of on every update, CPU the two share on a small machine. The texts are constants in the
    // code; a bound keeps a caller with generated SQL from growing the server's statements without end. Behind a
    // pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21), `?pgbouncer=true` on
    // the URL turns this off, as it does for Prisma.
    const names = new Map<string, string>();
    const prepare = new URL(options.url).searchParams.get("pgbouncer") !== "true";
    query = (sql, params) => {
      let name = names.get(sql);
      if (!name && prepare && names.size < PREPARED_STATEMENTS) {
        name = `lyceum_${names.size + 1}`;
        names.set(sql, name);
      }
      return name ? pool.query({ name, text: sql, values: params }) : pool.query(sql, params);
    };
    kind = "postgres";
  } else {
    const dataDir = options.dataDir ?? ".data/pglite";
    if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
    const client = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
    factory = pgliteAdapterFactory(client);
    closeDriver = () => client.close();
    query = (sql, params) => client.query(sql, params);
    kind = "embedded";
  }
  let applied: string[] = [];
  let retried: string[] = [];
  if (options.migrate !== false) {
    try {
      // One query answers "up to date?" on nearly every start; the WebAssembly engine starts only when something is
      // pending (a fresh database, a new or failed migration).
      if (await migrationsPending(query, options.migrationsDir)) {
        retried = await releaseFailedMigrations(query);
        applied = await applyMigrations(factory, { migrationsDir: options.migrationsDir });
      }
    } catch (error) {
      await closeDriver().catch(() => {});
      throw toMigrationFailedError(error) ?? error;
    }
  }
  // Under load a transaction may wait for a pooled connection: wait up to 10 s (Prisma's default is 2 s) and, if it
  // still cannot start or the database aborts it for a concurrent one, run it again rather than fail the request.
  const prisma = retryInteractiveTransactions(
    new PrismaClient({ adapter: factory, transactionOptions: { maxWait: 10_000, timeout: 20_000 } }),
  );
  return {
    prisma,
    sql: {
      query: async <Row>(text: string, params?: readonly unknown[]) =>
        (await query(text, params ? [...params] : undefined)).rows as Row[],
    },
    kind,
    applied,
    retried,
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

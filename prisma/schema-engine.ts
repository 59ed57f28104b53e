/**
 * Prisma's schema engine, compiled to WebAssembly, driven through a driver adapter.
 *
 * Why not `prisma migrate deploy`: the Prisma CLI downloads a native schema engine on start, which machines without
 * network cannot do. The WebAssembly build of the same engine ships inside an npm package and does the same work
 * (`applyMigrations` records `_prisma_migrations` exactly as `migrate deploy` would). Node 20 cannot `import` a
 * `.wasm` file, so the module is instantiated by hand.
 */
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/**
 * `prisma/` of the repository: this file's folder, or, when it runs compiled from `dist/prisma/` (`npm start`), the
 * source folder two levels up, so schema and migrations are read from where they are written, never from a stale copy.
 */
export const PRISMA_DIR = path.basename(path.dirname(HERE)) === "dist" ? path.resolve(HERE, "../../prisma") : HERE;
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");

let wasmReady: Promise<void> | undefined;

async function loadWasm(): Promise<void> {
  const entry = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(entry), "schema_engine_bg.wasm");
  const module = new WebAssembly.Module(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bg as never });
  const exports = instance.exports as unknown as { __wbindgen_start: () => void };
  bg.__wbg_set_wasm(exports);
  exports.__wbindgen_start();
}

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;
type MigrationList = Parameters<Engine["applyMigrations"]>[0]["migrationsList"];

const NO_FILTER = { externalTables: [], externalEnums: [] };

async function openEngine(factory: SqlMigrationAwareDriverAdapterFactory): Promise<Engine> {
  wasmReady ??= loadWasm();
  await wasmReady;
  const datamodel = await readFile(SCHEMA_PATH, "utf8");
  return bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, datamodel]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

/** Reads `prisma/migrations/*` into the shape the engine takes. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(path.join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  const lockPath = path.join(dir, "migration_lock.toml");
  const lockContent = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export interface ApplyMigrationsOptions {
  /** Folder of `<name>/migration.sql` folders (default `prisma/migrations`; tests point it at a broken copy). */
  migrationsDir?: string;
}

/**
 * Applies every migration under `prisma/migrations` that the database has not seen; returns their names.
 * A second run applies nothing.
 *
 * @example await applyMigrations(new PrismaPg(process.env.DATABASE_URL))
 */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: ApplyMigrationsOptions = {},
): Promise<string[]> {
  const engine = await openEngine(factory);
  try {
    const migrationsList = await readMigrations(options.migrationsDir);
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * SQL that brings a database built from the existing migrations to `schema.prisma` ("" when nothing changed).
 * Run against an in-memory PGlite: its shadow database is another in-memory PGlite.
 */
export async function diffSchemaAgainstMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const engine = await openEngine(factory);
  try {
    const migrations = await readMigrations();
    const from = migrations.migrationDirectories.length
      ? { tag: "migrations" as const, ...migrations }
      : { tag: "empty" as const };
    const datamodel = await readFile(SCHEMA_PATH, "utf8");
    const out = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: datamodel }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    } as never);
    const script = (out as { stdout?: string }).stdout ?? "";
    return script.includes("empty migration") || !script.trim() ? "" : script;
  } finally {
    engine.free();
  }
}

// --- Is the database up to date?

/**
 * Whether opening the database needs the schema engine, answered with one query on `_prisma_migrations` and one
 * listing of the migrations folder, without instantiating the WebAssembly engine (~5 MB, seconds on a busy machine).
 * Up to date means: every migration folder on disk has a finished, not rolled back row, and no row is unfinished
 * (a failed or interrupted migration, which the engine must report). Anything else (no table yet, a row for a migration
 * that is not on disk, a query that fails) answers true: the engine decides, exactly as before.
 */
export async function migrationsPending(
  query: (sql: string) => Promise<{ rows: unknown[] }>,
  dir = MIGRATIONS_DIR,
): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const onDisk = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  let rows: { migration_name: string; finished: boolean; rolled_back: boolean }[];
  try {
    const result = await query(
      `SELECT "migration_name", "finished_at" IS NOT NULL AS "finished", "rolled_back_at" IS NOT NULL AS "rolled_back"
       FROM "_prisma_migrations"`,
    );
    rows = result.rows as typeof rows;
  } catch {
    return true; // no _prisma_migrations yet: a fresh database
  }
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back) continue;
    if (!row.finished || !onDisk.has(row.migration_name)) return true;
    applied.add(row.migration_name);
  }
  for (const name of onDisk) if (!applied.has(name)) return true;
  return false;
}

// --- Failed migrations

/** A migration did not apply: the database said why; nothing of it was kept, and it is not marked as applied. */
export class MigrationFailedError extends Error {
  constructor(
    /** The migration's folder name. */
    readonly migration: string,
    /** What the database said, on one line. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`migration ${migration} failed: ${reason}`, options);
    this.name = "MigrationFailedError";
  }
}

/**
 * Turns what the schema engine threw into a MigrationFailedError naming the migration and the database's own words
 * (the engine's message carries a Rust span trace after them, useless to an operator); null when the error is not a
 * migration that failed (the database could not be reached, …).
 */
export function toMigrationFailedError(error: unknown): MigrationFailedError | null {
  const text = error instanceof Error ? error.message : String(error);
  const blocked = /The `([^`]+)` migration started at .* failed/.exec(text);
  if (blocked) {
    return new MigrationFailedError(
      blocked[1]!,
      "it failed on an earlier start and was left half-done (the process stopped while applying it)",
      { cause: error },
    );
  }
  const named = /migration_name="([^"]+)"/.exec(text);
  if (!named) return null;
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && line !== "external connector error" && !/^\d+: |^with |^at /.test(line));
  return new MigrationFailedError(named[1]!, lines[0] ?? text, { cause: error });
}

/**
 * Marks as rolled back the migrations an earlier start recorded as failed (unfinished, with the error in `logs`), so
 * that the fixed migration is applied again. Safe because every migration runs as one implicit transaction (see
 * prisma/migration-adapters.ts): a failed one left nothing behind. A migration left unfinished without logs (the
 * process died while applying it) is not touched: the engine refuses to go on, and the operator decides.
 * Returns the names released.
 */
export async function releaseFailedMigrations(query: (sql: string) => Promise<{ rows: unknown[] }>): Promise<string[]> {
  const present = await query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "present"`);
  if (!(present.rows[0] as { present?: boolean } | undefined)?.present) return [];
  const released = await query(
    `UPDATE "_prisma_migrations" SET "rolled_back_at" = now()
     WHERE "finished_at" IS NULL AND "rolled_back_at" IS NULL AND "logs" IS NOT NULL
     RETURNING "migration_name"`,
  );
  return released.rows.map((row) => (row as { migration_name: string }).migration_name);
}

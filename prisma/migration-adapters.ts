/**
 * Driver-adapter factories for PostgreSQL and the embedded PGlite whose `executeScript` runs a migration the way
 * `prisma migrate deploy` does: the whole script as ONE simple query, awaited. PostgreSQL runs a multi-statement
 * simple query as one implicit transaction, so a migration that fails leaves nothing of itself behind, and the
 * schema engine sees the failure and leaves the migration unfinished in `_prisma_migrations`.
 *
 * Why override at all:
 * - `pglite-prisma-adapter` 0.7.2 does not await `exec` (see FACTS.md): a failing migration was recorded as applied,
 *   its table missing, and the error surfaced only as an unhandled rejection.
 * - `@prisma/adapter-pg` splits the script on `;` and runs each piece on whatever pool connection is free: a failure
 *   half-way left the first statements applied, and a `;` inside a string or a `DO $$ … $$` body broke the script.
 */
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

/** What both adapters have: `onError` turns a driver error into Prisma's DriverAdapterError (and throws it). */
interface ScriptAdapter {
  executeScript(script: string): Promise<void>;
  onError(error: unknown): never;
}

function withAwaitedScripts(
  factory: SqlMigrationAwareDriverAdapterFactory,
  run: (script: string) => Promise<unknown>,
): SqlMigrationAwareDriverAdapterFactory {
  const patch = <T>(adapter: T): T => {
    const scriptAdapter = adapter as unknown as ScriptAdapter;
    scriptAdapter.executeScript = async (script: string) => {
      try {
        await run(script);
      } catch (error) {
        scriptAdapter.onError(error);
      }
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  factory.connect = async () => patch(await connect());
  return factory;
}

/**
 * The embedded database's adapter factory, with migrations awaited (and the in-memory shadow database the engine
 * uses for diffs patched the same way).
 *
 * @example const factory = pgliteAdapterFactory(await PGlite.create({ dataDir }));
 */
export function pgliteAdapterFactory(client: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const factory = withAwaitedScripts(new PrismaPGlite(client), (script) => client.exec(script));
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow = await connectToShadowDb();
    const shadowClient = (shadow as unknown as { client: PGlite }).client;
    const scriptAdapter = shadow as unknown as ScriptAdapter;
    scriptAdapter.executeScript = async (script: string) => {
      try {
        await shadowClient.exec(script);
      } catch (error) {
        scriptAdapter.onError(error);
      }
    };
    return shadow;
  };
  return factory;
}

/**
 * PostgreSQL's adapter factory on a pool, with each migration sent as one query on one connection.
 *
 * @example const factory = postgresAdapterFactory(new pg.Pool({ connectionString: url }));
 */
export function postgresAdapterFactory(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  return withAwaitedScripts(new PrismaPg(pool), (script) => pool.query(script));
}

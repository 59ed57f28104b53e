/**
 * The database the knowledge and ask commands use: DATABASE_URL, or the embedded one in LYCEUM_DATA_DIR (the same
 * settings as `npm start`, .env included), migrated on open.
 */
import { existsSync } from "node:fs";
import { type OpenedDatabase, openDatabase } from "../prisma/database.js";

export async function openCommandDatabase(): Promise<OpenedDatabase> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return openDatabase({
    url: process.env.DATABASE_URL || undefined,
    dataDir: process.env.LYCEUM_DATA_DIR ? `${process.env.LYCEUM_DATA_DIR}/pglite` : undefined,
  });
}

/**
 * Loads `.env` from the working directory, when there is one, with Node's own `process.loadEnvFile` (no dotenv
 * package needed). Variables already set in the real environment win: a `.env` is for defaults, the service
 * manager or the shell overrides them.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { StartupError } from "./startup-error.js";

/**
 * Reads `<cwd>/.env` into `process.env` without overriding what is already set; returns the file's path when one
 * was loaded. Throws StartupError("envFileUnreadable") when the file exists but cannot be read.
 *
 * @example loadEnvFile(); const config = loadConfig();
 */
export function loadEnvFile(file = path.resolve(".env")): string | null {
  if (!existsSync(file)) return null;
  // Node 20 leaves variables that are already set alone; putting the real environment back on top keeps that rule
  // whatever a later Node version decides.
  const real = { ...process.env };
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new StartupError(
      "envFileUnreadable",
      { file, reason: error instanceof Error ? error.message : String(error) },
      { cause: error },
    );
  }
  for (const [name, value] of Object.entries(real)) process.env[name] = value;
  return file;
}

/**
 * What `npm start` runs: the compiled entry point `dist/bots/main.js` on plain Node (package.json "start"). End-to-end
 * tests spawn exactly this, so they exercise the shipped JavaScript; `npm test` builds it first, and the global setup
 * rebuilds it when a source file is newer than the last build (a single test file run straight through vitest).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The built entry point; spawn it with `process.execPath`. */
export const MAIN_JS = path.join(REPOSITORY_ROOT, "dist", "bots", "main.js");
/**
 * The Node and V8 options package.json's "start" gives the process (`node --max-semi-space-size=8 … dist/bots/main.js`):
 * spawn `process.execPath` with these before MAIN_JS to run exactly what `npm start` runs.
 */
export const START_NODE_FLAGS: string[] = (
  JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((token) => token.startsWith("--"));
const BUILD_INFO = path.join(REPOSITORY_ROOT, "dist", ".tsbuildinfo");
const SOURCE_DIRS = ["core", "bots", "jobs", "prisma"];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than a source file; throws with tsc's output if it fails. */
export function ensureBuilt(): void {
  const built = (() => {
    try {
      return Math.min(statSync(BUILD_INFO).mtimeMs, statSync(MAIN_JS).mtimeMs);
    } catch {
      return 0;
    }
  })();
  const newest = Math.max(...SOURCE_DIRS.map((dir) => newestSource(path.join(REPOSITORY_ROOT, dir))));
  if (built >= newest) return;
  const result = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  // tsc leaves its build info alone when nothing changed: mark this build as fresh.
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}

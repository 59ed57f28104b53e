/**
 * Benchmark: cold start to the first answer. Spawns what `npm start` runs (the `start` script of package.json, with
 * node_modules/.bin on PATH, as npm would; `--npm` spawns `npm start` itself) with the console chat piped, types
 * `/help`, and measures the wall time from spawn to the first line of the reply, and the peak RSS of the process tree
 * at that moment (VmHWM from /proc, summed over the process group). Then ends the input and checks a clean exit.
 *
 *   npm run bench:startup -- [--runs 5] [--only migrated-pg,existing-embedded,fresh-embedded,fresh-pg] [--npm]
 *                            [--root <another checkout>]   (e.g. an export of the previous commit, to compare)
 *
 * Scenarios: a migrated PostgreSQL database, an existing embedded database, a fresh embedded database (a new data
 * folder each run), and a fresh PostgreSQL database (a new database each run). The PostgreSQL scenarios need
 * DATABASE_URL (its server is used to create and drop databases of their own; the database it names is not touched).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

const INHERITED = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP"];
const TIMEOUT_MS = 180_000;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    npm: { type: "boolean", default: false },
    root: { type: "string" },
  },
});
const ROOT = path.resolve(values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const runs = Math.max(1, Number(values.runs));
const wanted = values.only?.split(",").map((s) => s.trim());
const serverUrl = process.env.DATABASE_URL;

interface Sample {
  ms: number;
  rssKiB: number;
}

async function startCommand(): Promise<{ file: string; args: string[] }> {
  if (values.npm) return { file: "npm", args: ["start", "--silent"] };
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  return { file: "sh", args: ["-c", pkg.scripts.start] };
}

/** Sum of VmHWM (peak resident set) over the processes of the group `pgid`, in KiB. */
async function groupPeakRss(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces): state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) total += Number(hwm[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** One start: spawn, type /help, wait for the first line after its echo, read the peak RSS, end the input. */
async function oneStart(env: Record<string, string>): Promise<Sample> {
  const command = await startCommand();
  const childEnv: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) childEnv[name] = process.env[name]!;
  childEnv.PATH = `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${childEnv.PATH ?? ""}`;
  Object.assign(childEnv, { HTTP_PORT: "0", LYCEUM_CHAT: "console" }, env);
  const started = performance.now();
  const child: ChildProcess = spawn(command.file, command.args, { cwd: ROOT, env: childEnv, detached: true });
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const answered = new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      // The piped console echoes `member> /help`, then answers: the first complete line after the echo.
      const echo = stdout.indexOf("> /help\n");
      if (echo >= 0 && stdout.indexOf("\n", stdout.indexOf("\n", echo) + 1) >= 0) resolve(performance.now());
    });
    void exited.then(() => reject(new Error(`exited before answering\n${stdout}\n${stderr}`)));
  });
  child.stdin!.on("error", () => {});
  child.stdin!.write("/help\n");
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  }, TIMEOUT_MS);
  try {
    const at = await answered;
    const rssKiB = child.pid ? await groupPeakRss(child.pid) : 0;
    child.stdin!.end();
    const code = await exited;
    if (code !== 0) throw new Error(`exit code ${code}\n${stderr}`);
    return { ms: at - started, rssKiB };
  } finally {
    clearTimeout(timer);
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function newPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lyceum_startup_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: withDatabase(serverUrl!, name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

async function newDataDir(): Promise<{ dir: string; drop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lyceum-startup-"));
  return { dir, drop: () => rm(dir, { recursive: true, force: true }) };
}

type Scenario = { name: string; needsServer: boolean; run: () => Promise<Sample[]> };

const scenarios: Scenario[] = [
  {
    name: "migrated-pg",
    needsServer: true,
    async run() {
      const db = await newPostgres();
      try {
        await oneStart({ DATABASE_URL: db.url }); // migrates and seeds: not counted
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i += 1) samples.push(await oneStart({ DATABASE_URL: db.url }));
        return samples;
      } finally {
        await db.drop();
      }
    },
  },
  {
    name: "existing-embedded",
    needsServer: false,
    async run() {
      const data = await newDataDir();
      try {
        await oneStart({ LYCEUM_DATA_DIR: data.dir }); // creates, migrates and seeds: not counted
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i += 1) samples.push(await oneStart({ LYCEUM_DATA_DIR: data.dir }));
        return samples;
      } finally {
        await data.drop();
      }
    },
  },
  {
    name: "fresh-embedded",
    needsServer: false,
    async run() {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i += 1) {
        const data = await newDataDir();
        try {
          samples.push(await oneStart({ LYCEUM_DATA_DIR: data.dir }));
        } finally {
          await data.drop();
        }
      }
      return samples;
    },
  },
  {
    name: "fresh-pg",
    needsServer: true,
    async run() {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i += 1) {
        const db = await newPostgres();
        try {
          samples.push(await oneStart({ DATABASE_URL: db.url }));
        } finally {
          await db.drop();
        }
      }
      return samples;
    },
  },
];

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const command = await startCommand();
console.log(`start command: ${[command.file, ...command.args].join(" ")} in ${ROOT}; ${runs} run(s) per scenario`);
console.log(`| scenario | runs | min | median | max | peak RSS (max) |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (const scenario of scenarios) {
  if (wanted && !wanted.includes(scenario.name)) continue;
  if (scenario.needsServer && !serverUrl) {
    console.log(`| ${scenario.name} | skipped: needs DATABASE_URL | | | | |`);
    continue;
  }
  const samples = await scenario.run();
  const ms = samples.map((s) => s.ms);
  const rss = Math.max(...samples.map((s) => s.rssKiB)) / 1024;
  console.log(
    `| ${scenario.name} | ${samples.length} | ${fmt(Math.min(...ms))} | ${fmt(median(ms))} | ${fmt(Math.max(...ms))} | ${rss.toFixed(0)} MiB |`,
  );
}

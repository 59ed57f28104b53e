/**
 * `npm start`'s entry point (`node dist/bots/main.js`) as a child process that keeps running: tests wait for what it
 * prints (a log line, a human line), talk to it over HTTP, and stop it or wait for it to exit on its own. The child
 * gets a clean environment (PATH, HOME, temp folders) plus what the test passes, like console-session.ts.
 *
 * @example
 * const main = startMain({ ...db.env, LYCEUM_CHAT: "none" });
 * const address = await main.httpAddress();
 * … await main.stop();
 */
import { type ChildProcess, spawn } from "node:child_process";
import { MAIN_JS, REPOSITORY_ROOT, START_NODE_FLAGS } from "./start-command.js";

const INHERITED_VARIABLES = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP", "SYSTEMROOT"];

/** Starting, migrating a fresh database and connecting to fakes on two busy cores can take long. */
export const PROCESS_TIMEOUT_MS = 120_000;

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

export interface MainProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr; rejects if the process exits first or times out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The public HTTP server's address, from Fastify's "Server listening at …" log line. */
  httpAddress(): Promise<string>;
  /** Resolves when the process exits (rejects after `timeoutMs`, having killed it). */
  exited(timeoutMs?: number): Promise<Exit>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<Exit>;
}

/** The lines of stderr meant for a person: everything that is not a JSON log line. */
export function humanLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"));
}

/** The JSON log lines of stderr, parsed. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Starts `dist/bots/main.js` (what `npm start` runs) with `env` (HTTP_PORT defaults to 0: a free port). `cwd` is where a `.env` would be read
 * (default: the repository root).
 */
export function startMain(env: Record<string, string>, options: { cwd?: string } = {}): MainProcess {
  const childEnv: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  Object.assign(childEnv, { HTTP_PORT: "0" }, env);
  // Its own process group: a timeout stops it and anything it started.
  const child = spawn(process.execPath, [...START_NODE_FLAGS, MAIN_JS], {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    changed();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    changed();
  });
  const exit = new Promise<Exit>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      changed();
    });
  });
  let done = false;
  void exit.then(() => {
    done = true;
  });
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const transcript = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

  const exited = async (timeoutMs = PROCESS_TIMEOUT_MS): Promise<Exit> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        killGroup();
        reject(new Error(`the process did not exit within ${timeoutMs} ms\n${transcript()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = PROCESS_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (match) {
            finish();
            resolve(match);
          } else if (done) {
            finish();
            reject(new Error(`the process exited before printing ${pattern}\n${transcript()}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${transcript()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async httpAddress() {
      const match = await this.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      return match[1]!;
    },
    exited,
    async stop() {
      if (!done && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
      return exited();
    },
  };
}

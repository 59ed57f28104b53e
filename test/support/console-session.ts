/**
 * Drives the real product the way a newcomer does: what `npm start` runs (`node dist/bots/main.js`) with the lines piped into stdin, stdout read
 * back as a transcript. The child gets a clean environment (no STRIPE_*, no LANG, no DATABASE_URL of the parent)
 * plus what the test passes, so a developer's shell cannot change what the test sees.
 *
 * @example
 * const db = await createTestDatabaseEnv();
 * const { stdout } = await runConsole(["/courses", "/buy 1"], db.env);
 * expect(transcriptOf(stdout).reply("/buy 1")).toContain("Order #1");
 */
import { spawn } from "node:child_process";
import { MAIN_JS, REPOSITORY_ROOT, START_NODE_FLAGS } from "./start-command.js";

/** What the child may inherit: enough to find `node` and a temp folder, nothing that configures the product. */
const INHERITED_VARIABLES = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP", "SYSTEMROOT"];

/** First start of the embedded database migrates it; on two busy cores that can take a while. */
const DEFAULT_TIMEOUT_MS = 90_000;

export interface ConsoleRun {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Starts the console chat, types `lines` (then end of input, which quits it), and resolves when the process exits.
 * Rejects, with what was printed so far, if it does not exit within `timeoutMs`.
 */
export function runConsole(
  lines: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<ConsoleRun> {
  const childEnv: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  Object.assign(childEnv, { HTTP_PORT: "0" }, env);

  return new Promise((resolve, reject) => {
    // Its own process group: a timeout stops it and anything it started.
    const child = spawn(process.execPath, [...START_NODE_FLAGS, MAIN_JS], {
      cwd: REPOSITORY_ROOT,
      env: childEnv,
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      reject(
        new Error(
          `console did not exit within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
    // A closed pipe (the child died early) must not crash the test runner; the exit code tells the story.
    child.stdin.on("error", () => {});
    child.stdin.end(lines.map((line) => `${line}\n`).join(""));
  });
}

/** One typed line and everything printed in answer to it (the reply, then notices and channel changes it caused). */
export interface Turn {
  /** Who typed the line (`member`, `creator`, …). */
  user: string;
  input: string;
  output: string;
}

export interface Transcript {
  /** What was printed before the first line was read: the greeting and the start-up sweep. */
  preamble: string;
  turns: Turn[];
  /**
   * Everything printed in answer to the `occurrence`-th time (1-based) `input` was typed, optionally only when typed
   * by `user`. Throws when there is no such turn, so a mistyped script fails loudly instead of matching nothing.
   */
  reply(input: string, occurrence?: number, user?: string): string;
}

/**
 * Splits piped-console stdout into turns. When stdin is not a terminal the console echoes each line as
 * `name> line` before its reply, which is what marks where one turn ends and the next begins.
 */
export function transcriptOf(stdout: string): Transcript {
  const echo = /^([\w.-]{1,32})> (.*)$/;
  let preamble = "";
  const turns: Turn[] = [];
  for (const line of stdout.split("\n")) {
    const match = echo.exec(line);
    const current = turns.at(-1);
    if (match) turns.push({ user: match[1]!, input: match[2]!, output: "" });
    else if (current) current.output += `${line}\n`;
    else preamble += `${line}\n`;
  }
  return {
    preamble,
    turns,
    reply(input, occurrence = 1, user) {
      const matching = turns.filter((turn) => turn.input === input && (user === undefined || turn.user === user));
      const turn = matching[occurrence - 1];
      if (!turn) {
        const typed = turns.map((t) => `${t.user}> ${t.input}`).join("\n");
        throw new Error(`no turn #${occurrence} for "${input}"${user ? ` by ${user}` : ""}; typed lines:\n${typed}`);
      }
      return turn.output;
    },
  };
}

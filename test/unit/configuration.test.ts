/**
 * Configuration as an operator meets it: every mistake reported at once, each with the variable, what was given
 * (secrets hidden) and what is expected; and the documentation (`.env.example`, the README tables, the systemd unit)
 * kept in step with what bots/config.ts actually reads.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, loadConfig } from "../../bots/config.js";
import { ConfigError, type ConfigProblem } from "../../bots/config-problems.js";
import { classifyFailure, EXIT_CODES, failureLines } from "../../bots/startup/startup-error.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function problemsOf(env: NodeJS.ProcessEnv): ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

const byVariable = (problems: ConfigProblem[]) => Object.fromEntries(problems.map((p) => [p.variable, p]));

describe("loadConfig", () => {
  it("reports every problem at once, with what was given and what is expected", () => {
    const problems = byVariable(
      problemsOf({
        HTTP_PORT: "99999",
        JOB_CONCURRENCY: "lots",
        LYCEUM_CHAT: "tui",
        DISCORD_TOKEN: "discord-token-value-123",
        DISCORD_APPLICATION_ID: "1",
        STRIPE_SECRET_KEY: "sk_test_secret_value_123",
        TELEGRAM_BOT_TOKEN: "123456:telegram-token-value",
        TELEGRAM_MODE: "webhook",
        METRICS_TOKEN: "short",
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(
      [
        "DISCORD_APPLICATION_ID",
        "DISCORD_GUILD_ID",
        "HTTP_PORT",
        "JOB_CONCURRENCY",
        "LYCEUM_CHAT",
        "METRICS_TOKEN",
        "PUBLIC_URL",
        "STRIPE_WEBHOOK_SECRET",
        "TELEGRAM_WEBHOOK_SECRET",
      ].sort(),
    );
    expect(problems.HTTP_PORT).toMatchObject({ given: '"99999"', expected: { en: "a whole number from 0 to 65535" } });
    expect(problems.JOB_CONCURRENCY!.expected.en).toBe("a whole number from 1 to 64");
    expect(problems.LYCEUM_CHAT!.expected.en).toBe("one of: console, none");
    expect(problems.DISCORD_APPLICATION_ID!.given).toBe('"1"');
    expect(problems.DISCORD_APPLICATION_ID!.expected.en).toMatch(/numeric id/);
    expect(problems.DISCORD_GUILD_ID!.given).toBeNull();
    expect(problems.DISCORD_GUILD_ID!.expected.en).toMatch(/DISCORD_TOKEN is set/);
    expect(problems.STRIPE_WEBHOOK_SECRET!.expected.en).toMatch(/STRIPE_SECRET_KEY is set/);
    expect(problems.TELEGRAM_WEBHOOK_SECRET!.expected.en).toMatch(/TELEGRAM_MODE=webhook needs it/);
    // A secret is never repeated, not even the wrong one: only its length.
    expect(problems.METRICS_TOKEN!.given).toBe("(hidden, 5 characters)");
  });

  it("checks the Stripe pair the other way round, PUBLIC_URL for webhooks, and the metrics port", () => {
    const problems = byVariable(
      problemsOf({
        STRIPE_WEBHOOK_SECRET: "whsec_value",
        TELEGRAM_BOT_TOKEN: "123456:token",
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: "a-long-enough-secret-1234",
        PUBLIC_URL: "http://lyceum.example.com",
        HTTP_PORT: "8080",
        METRICS_PORT: "8080",
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(["METRICS_PORT", "PUBLIC_URL", "STRIPE_SECRET_KEY"]);
    expect(problems.PUBLIC_URL!.expected.en).toMatch(/https/);
    // A self-hosted Bot API server may post to plain HTTP.
    expect(() =>
      loadConfig({
        TELEGRAM_BOT_TOKEN: "123456:token",
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: "a-long-enough-secret-1234",
        PUBLIC_URL: "http://10.0.0.5:3000",
        TELEGRAM_API_ROOT: "http://10.0.0.5:8081",
      }),
    ).not.toThrow();
  });

  it("hides passwords in URLs and accepts an empty METRICS_PORT as unset", () => {
    const problems = byVariable(problemsOf({ DATABASE_URL: "postgresql://lyceum:hunter2@db:5432/x", HTTP_PORT: "x" }));
    expect(problems.HTTP_PORT).toBeDefined();
    expect(JSON.stringify(problems)).not.toContain("hunter2");
    expect(loadConfig({ METRICS_PORT: "" }).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "9464" }).METRICS_PORT).toBe(9464);
  });

  it("turns into one line per problem, in Chinese too, exit code 2", () => {
    let failure = classifyFailure(new Error("not config"));
    try {
      loadConfig({ HTTP_PORT: "-1", GRACE_PERIOD_DAYS: "a week" });
    } catch (error) {
      failure = classifyFailure(error);
    }
    expect(failure.exitCode).toBe(EXIT_CODES.config);
    const english = failureLines(failure, "en");
    expect(english).toEqual([
      "Lyceum cannot start: 2 setting(s) need fixing (environment variables or .env):",
      '  HTTP_PORT: given "-1"; expected a whole number from 0 to 65535',
      '  GRACE_PERIOD_DAYS: given "a week"; expected a whole number from 0 to 60',
    ]);
    const chinese = failureLines(failure, "zh");
    expect(chinese[0]).toBe("Lyceum 无法启动：有 2 项设置需要修正（环境变量或 .env）：");
    expect(chinese[1]).toBe('  HTTP_PORT：当前为 "-1"；应为0 到 65535 之间的整数');
  });
});

describe("the documentation lists what the configuration reads", () => {
  const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

  it("every variable has a line in .env.example, with a comment above it, and nothing else is there", () => {
    const assigned = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect([...new Set(assigned)].sort()).toEqual([...CONFIG_VARIABLES].sort());
    const lines = example.split("\n");
    for (const variable of CONFIG_VARIABLES) {
      const index = lines.findIndex((line) => new RegExp(`^#? ?${variable}=`).test(line));
      // The line above is a comment saying what it is (or another variable of the same pair, as HTTP_HOST/HTTP_PORT).
      let above = index - 1;
      while (/^#? ?[A-Z][A-Z0-9_]+=/.test(lines[above] ?? "")) above -= 1;
      expect(lines[above], `${variable} needs a comment line above it`).toMatch(/^# \S/);
    }
  });

  it("every variable is in a README table", () => {
    const tableRows = readme.split("\n").filter((line) => line.trimStart().startsWith("|"));
    for (const variable of CONFIG_VARIABLES) {
      expect(
        tableRows.some((row) => row.includes(`\`${variable}\``)),
        `${variable} is missing from the README`,
      ).toBe(true);
    }
  });

  it("every exit code is in the README's table", () => {
    const rows = readme.split("\n").filter((line) => /^\s*\| \d+ +\|/.test(line));
    const documented = rows.map((row) => Number(/\| (\d+)/.exec(row)![1]));
    for (const code of Object.values(EXIT_CODES)) expect(documented).toContain(code);
  });

  it("deploy/lyceum.service runs what npm start runs, with the same Node options", () => {
    const unit = readFileSync(path.join(ROOT, "deploy", "lyceum.service"), "utf8");
    const execStart = /^ExecStart=\/usr\/bin\/env (.+)$/m.exec(unit)?.[1];
    const start = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } })
      .scripts.start;
    expect(execStart?.replace("/opt/lyceum/", "")).toBe(start);
  });

  const systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((file) => existsSync(file));
  it.skipIf(!systemdAnalyze)("deploy/lyceum.service passes systemd-analyze verify", () => {
    // The unit names /opt/lyceum; verify it against this checkout, where dist/ is built.
    const unit = readFileSync(path.join(ROOT, "deploy", "lyceum.service"), "utf8").replaceAll("/opt/lyceum", ROOT);
    const dir = mkdtempSync(path.join(os.tmpdir(), "lyceum-unit-"));
    writeFileSync(path.join(dir, "lyceum.service"), unit);
    const output = execFileSync(systemdAnalyze!, ["verify", path.join(dir, "lyceum.service")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toBe("");
    expect(unit).toMatch(/^RestartPreventExitStatus=2 10 11 20 21$/m);
  });
});

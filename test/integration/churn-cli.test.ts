import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeAuc } from "../../core/insights/compute-auc.js";
import { generateChurnCommunity } from "../support/churn-community.js";

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ["--import", "tsx", path.resolve("bots/churn-cli.ts"), ...args], { encoding: "utf8" });

let dir: string;
const labels = new Map<string, number>();

/** Members m0…m1999 train, m2000… are scored; events of both live in one file, as in the evaluation. */
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "churn-cli-"));
  const members: string[] = [];
  const events: string[] = [];
  generateChurnCommunity({
    members: 3_000,
    seed: 5,
    onMember: (id, asOf, churned) => {
      members.push(`${id},${new Date(asOf).toISOString()}`);
      labels.set(id, churned);
    },
    onEvent: (id, group, type, time, count) =>
      events.push(`${id},${group},${type},${new Date(time).toISOString()},${count}`),
  });
  // An event after as_of that says "still active" for every leaver: it must be ignored.
  const after = new Date(Date.parse("2024-07-03T12:00:00Z")).toISOString();
  for (const [id, churned] of labels) if (churned) events.push(`${id},c0,lesson_opened,${after},5`);
  await writeFile(
    path.join(dir, "events.csv"),
    `member_id,course_id,event_type,occurred_at,count\n${events.join("\n")}\n`,
  );
  await writeFile(path.join(dir, "train-members.csv"), `member_id,as_of\n${members.slice(0, 2_000).join("\n")}\n`);
  await writeFile(path.join(dir, "test-members.csv"), `member_id,as_of\n${members.slice(2_000).join("\n")}\n`);
  const trainLabels = [...labels].slice(0, 2_000).map(([id, churned]) => `${id},${churned}`);
  await writeFile(path.join(dir, "labels.csv"), `member_id,churned\n${trainLabels.join("\n")}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm run churn", () => {
  it("trains on labelled members and scores the others by the contract", async () => {
    const file = (name: string) => path.join(dir, name);
    const trained = await cli([
      "train",
      "--events",
      file("events.csv"),
      "--members",
      file("train-members.csv"),
      "--labels",
      file("labels.csv"),
      "--model",
      file("model.json"),
    ]);
    expect(trained.stdout).toMatch(/trained a learned model on 2000 members/);
    const scored = await cli([
      "score",
      "--events",
      file("events.csv"),
      "--members",
      file("test-members.csv"),
      "--model",
      file("model.json"),
      "--out",
      file("scores.csv"),
    ]);
    expect(scored.stdout).toMatch(/scored 1000 members/);
    const [header, ...rows] = (await readFile(file("scores.csv"), "utf8")).trim().split("\n");
    expect(header).toBe("member_id,score");
    expect(rows).toHaveLength(1_000);
    const parsed = rows.map((row) => row.split(","));
    const auc = computeAuc(
      parsed.map(([, score]) => Number(score)),
      parsed.map(([id]) => labels.get(id as string) as number),
    );
    expect(auc).toBeGreaterThan(0.8);
  }, 120_000);

  it("answers a usage error with exit code 2", async () => {
    const failure = await cli(["score", "--events", path.join(dir, "events.csv")]).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/missing --members, --model, --out/);
  });
});

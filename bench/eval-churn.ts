/**
 * `npm run eval:churn -- <data dir>`: 5 member-level folds (seeded shuffle, seed 42) over a churn data set in the
 * evaluation contract (members.csv, events.csv, labels.csv), each trained and scored through the same code as
 * `npm run churn` (bots/churn-files.ts), with files in a scratch folder. Prints the AUC per fold of the chosen
 * blend, the trees alone and the logistic regression alone, and their means; checks fold 1 against the data's
 * own scorer (auc.py one folder up) when python3 is there.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { scoreChurnFromFiles, trainChurnFromFiles } from "../bots/churn-files.js";
import { streamCsv } from "../bots/csv.js";
import type { ChurnModel } from "../core/insights/churn-model.js";
import { computeAuc } from "../core/insights/compute-auc.js";
import { seededRandom } from "../core/seeded-random.js";

const FOLDS = 5;
const dir = process.argv[2];
if (!dir || !existsSync(path.join(dir, "members.csv"))) {
  process.stderr.write("usage: npm run eval:churn -- <dir with members.csv, events.csv, labels.csv>\n");
  process.exit(2);
}

const members: { id: string; asOf: string }[] = [];
await streamCsv(path.join(dir, "members.csv"), (row) =>
  members.push({ id: row.member_id ?? "", asOf: row.as_of ?? "" }),
);
const labels = new Map<string, number>();
await streamCsv(path.join(dir, "labels.csv"), (row) => labels.set(row.member_id ?? "", Number(row.churned)));

const order = members.map((_, i) => i);
const random = seededRandom(42);
for (let i = order.length - 1; i > 0; i -= 1) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j] as number, order[i] as number];
}
const foldOf = new Int32Array(members.length);
order.forEach((member, position) => {
  foldOf[member] = position % FOLDS;
});

const scratch = await mkdtemp(path.join(os.tmpdir(), "eval-churn-"));
const eventsPath = path.join(dir, "events.csv");
const variants = ["blend", "trees", "logistic"] as const;
const results: Record<(typeof variants)[number], number[]> = { blend: [], trees: [], logistic: [] };
const started = Date.now();
try {
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const train = members.filter((_, i) => foldOf[i] !== fold);
    const test = members.filter((_, i) => foldOf[i] === fold);
    const file = (name: string) => path.join(scratch, `fold${fold}-${name}`);
    await writeFile(file("train-members.csv"), `member_id,as_of\n${train.map((m) => `${m.id},${m.asOf}\n`).join("")}`);
    await writeFile(
      file("train-labels.csv"),
      `member_id,churned\n${train.map((m) => `${m.id},${labels.get(m.id)}\n`).join("")}`,
    );
    await writeFile(file("test-members.csv"), `member_id,as_of\n${test.map((m) => `${m.id},${m.asOf}\n`).join("")}`);
    await writeFile(
      file("test-labels.csv"),
      `member_id,churned\n${test.map((m) => `${m.id},${labels.get(m.id)}\n`).join("")}`,
    );
    const foldStarted = Date.now();
    const model = await trainChurnFromFiles({
      eventsPath,
      membersPath: file("train-members.csv"),
      labelsPath: file("train-labels.csv"),
      modelPath: file("model.json"),
    });
    const trainSeconds = (Date.now() - foldStarted) / 1000;
    const line: string[] = [];
    for (const variant of variants) {
      const modelPath = variant === "blend" ? file("model.json") : file(`model-${variant}.json`);
      if (variant !== "blend") {
        const alone: ChurnModel = { ...model, treeWeight: variant === "trees" ? 1 : 0 };
        await writeFile(modelPath, JSON.stringify(alone));
      }
      await scoreChurnFromFiles({
        eventsPath,
        membersPath: file("test-members.csv"),
        modelPath,
        outPath: file(`scores-${variant}.csv`),
      });
      const scores = new Map<string, number>();
      await streamCsv(file(`scores-${variant}.csv`), (row) => scores.set(row.member_id ?? "", Number(row.score)));
      const auc = computeAuc(
        test.map((m) => scores.get(m.id) ?? 0),
        test.map((m) => labels.get(m.id) ?? 0),
      );
      results[variant].push(auc);
      line.push(`${variant} ${auc.toFixed(4)}`);
    }
    const chosen = model.training.chosen;
    console.log(
      `fold ${fold + 1}: ${line.join("  ")}  (train ${trainSeconds.toFixed(1)} s; depth ${chosen.depth}, ${chosen.trees} trees, l2 ${chosen.l2}, trees weight ${chosen.treeWeight})`,
    );
    if (fold === 0) {
      const scorer = path.join(dir, "..", "auc.py");
      if (existsSync(scorer)) {
        try {
          const output = execFileSync("python3", [scorer, file("test-labels.csv"), file("scores-blend.csv")], {
            encoding: "utf8",
          });
          console.log(`  auc.py on fold 1 (blend): ${output.trim()}`);
        } catch (error) {
          console.log(`  auc.py could not run: ${(error as Error).message}`);
        }
      }
    }
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  for (const variant of variants) console.log(`mean AUC ${variant}: ${mean(results[variant]).toFixed(4)}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  if (!process.env.KEEP_EVAL_FILES) await rm(scratch, { recursive: true, force: true });
  else console.log(`files kept in ${scratch}`);
}

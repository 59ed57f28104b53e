/**
 * `npm run churn -- train --events E --members M --labels L --model F`: trains the churn model on labelled members.
 * `npm run churn -- score --events E --members M --model F --out scores.csv`: writes `member_id,score` (probability
 * of churn, higher = more likely to leave) for every member of M.
 * CSV contracts: events `member_id,course_id,event_type,occurred_at,count`; members `member_id,as_of`; labels
 * `member_id,churned`. Only events at or before a member's `as_of` are used.
 *
 * Exit codes: 0 done, 2 usage, 1 failed.
 */
import { existsSync } from "node:fs";
import { scoreChurnFromFiles, trainChurnFromFiles } from "./churn-files.js";

const usage = `usage: npm run churn -- train --events E --members M --labels L --model F
       npm run churn -- score --events E --members M --model F --out scores.csv`;

const [command, ...rest] = process.argv.slice(2);
const flags = new Map<string, string>();
for (let i = 0; i < rest.length; i += 2) {
  const name = rest[i] ?? "";
  const value = rest[i + 1];
  if (!name.startsWith("--") || value === undefined) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  flags.set(name.slice(2), value);
}
const required = command === "train" ? ["events", "members", "labels", "model"] : ["events", "members", "model", "out"];
const missing = required.filter((name) => !flags.get(name));
if ((command !== "train" && command !== "score") || missing.length) {
  process.stderr.write(`${missing.length ? `missing --${missing.join(", --")}\n` : ""}${usage}\n`);
  process.exit(2);
}
const inputs = command === "train" ? ["events", "members", "labels"] : ["events", "members", "model"];
for (const name of inputs) {
  const path = flags.get(name) as string;
  if (!existsSync(path)) {
    process.stderr.write(`No file at ${path} (--${name}).\n`);
    process.exit(2);
  }
}

const started = Date.now();
try {
  if (command === "train") {
    const model = await trainChurnFromFiles({
      eventsPath: flags.get("events") as string,
      membersPath: flags.get("members") as string,
      labelsPath: flags.get("labels") as string,
      modelPath: flags.get("model") as string,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    console.log(
      `trained a ${model.kind === "rules" ? "rule-based" : "learned"} model on ${model.training.members} members ` +
        `(churn rate ${model.training.churnRate.toFixed(3)}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${flags.get("model")}`,
    );
  } else {
    const scored = await scoreChurnFromFiles({
      eventsPath: flags.get("events") as string,
      membersPath: flags.get("members") as string,
      modelPath: flags.get("model") as string,
      outPath: flags.get("out") as string,
    });
    console.log(`scored ${scored} members in ${((Date.now() - started) / 1000).toFixed(1)} s: ${flags.get("out")}`);
  }
} catch (error) {
  process.stderr.write(`churn ${command} failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}

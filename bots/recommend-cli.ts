/**
 * `npm run recommend -- --train interactions.csv --k 10 --out recs.csv [--items items.csv] [--no-validation]`
 *
 * Reads `member_id,item_id,occurred_at,weight` rows (weight optional, default 1), chooses the model's settings by
 * validation inside the training rows, fits on all of them and writes `member_id,item_id,rank` (rank 1 = best),
 * k rows per member, never an item the member already has. `--items` (`item_id,title,tags`, tags joined by `;`)
 * adds content similarity. Progress goes to stderr.
 *
 * Exit codes: 0 done, 2 usage or unreadable input, 1 failed.
 */

import { once } from "node:events";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { chooseRecommenderSettings, describe } from "../core/insights/recommend-choose-settings.js";
import type { ItemDescription } from "../core/insights/recommend-content-similarity.js";
import { fitRecommender } from "../core/insights/recommend-fit-recommender.js";
import { recommendForMembers } from "../core/insights/recommend-for-members.js";
import type { Interaction } from "../core/insights/recommend-interaction-matrix.js";
import { DEFAULT_RECOMMENDER_SETTINGS } from "../core/insights/recommend-settings.js";
import { formatCsvRow, parseCsv } from "./csv.js";

const usage =
  "usage: npm run recommend -- --train interactions.csv --k 10 --out recs.csv [--items items.csv] [--no-validation]";

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const trainPath = option("--train");
const outPath = option("--out");
const itemsPath = option("--items");
const k = Number(option("--k") ?? 10);
if (!trainPath || !outPath || !Number.isInteger(k) || k < 1) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
for (const path of [trainPath, itemsPath]) {
  if (path && !existsSync(path)) {
    process.stderr.write(`No file at ${path}.\n`);
    process.exit(2);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
const interactions: Interaction[] = [];
for (const row of parseCsv(readFileSync(trainPath, "utf8"))) {
  const memberId = row.member_id?.trim();
  const itemId = row.item_id?.trim();
  if (!memberId || !itemId) continue;
  const weight = row.weight === undefined || row.weight.trim() === "" ? 1 : Number(row.weight);
  interactions.push({ memberId, itemId, weight: Number.isFinite(weight) ? weight : 1 });
}
if (!interactions.length) {
  process.stderr.write(`No interactions in ${trainPath} (columns member_id,item_id[,occurred_at,weight]).\n`);
  process.exit(2);
}
let items: Map<string, ItemDescription> | undefined;
if (itemsPath) {
  items = new Map();
  for (const row of parseCsv(readFileSync(itemsPath, "utf8"))) {
    if (!row.item_id) continue;
    const tags = (row.tags ?? "").split(";").filter((tag) => tag.trim());
    items.set(row.item_id.trim(), { texts: [row.title ?? ""], tags });
  }
}
log(`${interactions.length} interactions read`);

const settings = process.argv.includes("--no-validation")
  ? DEFAULT_RECOMMENDER_SETTINGS
  : chooseRecommenderSettings({ interactions, items, log }).settings;
const recommender = fitRecommender({ interactions, settings, items });
log(`fitted ${recommender.model.kind} (${describe(recommender.settings)})`);

const out = createWriteStream(outPath);
out.write(formatCsvRow(["member_id", "item_id", "rank"]));
let rows = 0;
for (const row of recommendForMembers({ recommender, k, withoutReasons: true })) {
  if (!out.write(formatCsvRow([row.memberId, row.itemId, row.rank]))) await once(out, "drain");
  rows += 1;
}
out.end();
await once(out, "finish");
log(
  `${rows} recommendations for ${recommender.matrix.memberIds.length} members written to ${outPath} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

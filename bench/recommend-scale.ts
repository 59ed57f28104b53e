/**
 * `npm run bench:recommend [-- --members 100000 --items 5000]`: the recommender at scale. Generates a community
 * (each member 20–100 interactions, popularity-skewed, with taste groups so there is something to learn), fits the
 * model with fixed settings (the neighbourhood EASE: an exact inverse is out of reach at this size) and recommends
 * the top 10 for every member. Prints wall time per phase, peak RSS and the load average (other work shares the
 * machine). Goal: ≤ 60 s for 100,000 × 5,000. Validation is left out of the timed part (`--validate` adds it).
 */
import { loadavg } from "node:os";
import { chooseRecommenderSettings, describe } from "../core/insights/recommend-choose-settings.js";
import { fitRecommender } from "../core/insights/recommend-fit-recommender.js";
import { recommendForMembers } from "../core/insights/recommend-for-members.js";
import type { Interaction } from "../core/insights/recommend-interaction-matrix.js";
import { DEFAULT_RECOMMENDER_SETTINGS, type RecommenderSettings } from "../core/insights/recommend-settings.js";
import { seededRandom } from "../core/seeded-random.js";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const MEMBERS = option("--members", 100_000);
const ITEMS = option("--items", 5_000);
const GROUPS = 50;
const random = seededRandom(7);

/** Cumulative Zipf-like weights over ranks, for popularity skew. */
function cumulative(size: number): Float64Array {
  const out = new Float64Array(size);
  let total = 0;
  for (let r = 0; r < size; r += 1) {
    total += 1 / (r + 10) ** 1.1;
    out[r] = total;
  }
  for (let r = 0; r < size; r += 1) out[r]! /= total;
  return out;
}
function draw(cdf: Float64Array): number {
  const x = random();
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cdf[mid]! < x) low = mid + 1;
    else high = mid;
  }
  return low;
}

const globalCdf = cumulative(ITEMS);
const perGroup = Math.ceil(ITEMS / GROUPS);
const groupCdf = cumulative(perGroup);
// Item i belongs to group i % GROUPS; its popularity rank within the catalog is i.
function* interactions(): Generator<Interaction> {
  for (let u = 0; u < MEMBERS; u += 1) {
    const count = 20 + Math.floor(random() * 81);
    const tastes = [Math.floor(random() * GROUPS), Math.floor(random() * GROUPS)];
    const seen = new Set<number>();
    while (seen.size < count) {
      const item =
        random() < 0.7 ? Math.min(ITEMS - 1, draw(groupCdf) * GROUPS + tastes[seen.size % 2]!) : draw(globalCdf);
      if (seen.has(item)) continue;
      seen.add(item);
      yield { memberId: `m${u}`, itemId: `i${item}`, weight: 1 };
    }
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (2 cores)`,
);
let settings: RecommenderSettings = {
  ...DEFAULT_RECOMMENDER_SETTINGS,
  solver: "neighbourhood",
  neighbours: 50,
  popularityWeight: 0,
};
if (process.argv.includes("--validate")) {
  const started = performance.now();
  settings = chooseRecommenderSettings({
    interactions: [...interactions()],
    start: settings,
    validationMembers: 3_000,
    log: (line) => console.log(`  ${line}`),
  }).settings;
  console.log(`validation: ${seconds(started)} s (not in the timed total)`);
}
const started = performance.now();
const recommender = fitRecommender({ interactions: interactions(), settings });
const fitted = performance.now();
console.log(
  `fit: ${seconds(started)} s — ${recommender.matrix.memberIds.length} members × ${recommender.matrix.itemIds.length} items, ${recommender.matrix.rows.columns.length} interactions, ${recommender.model.kind} (${describe(recommender.settings)})`,
);
let rows = 0;
let checksum = 0;
for (const row of recommendForMembers({ recommender, k: 10, withoutReasons: true })) {
  rows += 1;
  checksum += row.rank;
}
console.log(`recommend: ${seconds(fitted)} s — ${rows} rows (checksum ${checksum})`);
const peakMegabytes = process.resourceUsage().maxRSS / 1024;
console.log(`total: ${seconds(started)} s, peak RSS ${peakMegabytes.toFixed(0)} MB`);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

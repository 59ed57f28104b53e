/**
 * `npm run eval:recs -- <data dir>`: runs `npm run recommend` on `<dir>/train.csv` (with `<dir>/items.csv` when
 * present) and scores the result against `<dir>/test.csv`: with the shared scorer (`rank_metrics.py` in the dir or
 * its parent) when python3 is there, and always with the same metrics computed here.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseCsv } from "../bots/csv.js";
import { measureRanking } from "../core/insights/recommend-rank-metrics.js";

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, "train.csv")) || !existsSync(join(dir, "test.csv"))) {
  process.stderr.write("usage: npm run eval:recs -- <dir with train.csv and test.csv [items.csv]>\n");
  process.exit(2);
}
const out = join(mkdtempSync(join(tmpdir(), "recs-")), "recs.csv");
const items = join(dir, "items.csv");
const args = ["tsx", "bots/recommend-cli.ts", "--train", join(dir, "train.csv"), "--k", "10", "--out", out];
if (existsSync(items) && !process.argv.includes("--no-items")) args.push("--items", items);
const started = performance.now();
const run = spawnSync("npx", args, { stdio: ["ignore", "inherit", "inherit"] });
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(`recommend: ${((performance.now() - started) / 1000).toFixed(1)} s`);

const scorer = [join(dir, "rank_metrics.py"), join(dirname(dir), "rank_metrics.py")].find((path) => existsSync(path));
if (scorer && spawnSync("python3", ["--version"]).status === 0) {
  const scored = spawnSync("python3", [scorer, join(dir, "train.csv"), join(dir, "test.csv"), out, "10"], {
    encoding: "utf8",
  });
  console.log(`rank_metrics.py: ${scored.stdout.trim() || scored.stderr.trim()}`);
}
const sets = (path: string) => {
  const byMember = new Map<string, Set<string>>();
  for (const row of parseCsv(readFileSync(path, "utf8"))) {
    const member = row.member_id ?? "";
    let set = byMember.get(member);
    if (!set) {
      set = new Set();
      byMember.set(member, set);
    }
    set.add(row.item_id ?? "");
  }
  return byMember;
};
const recommendations = new Map<string, string[]>();
const ranked = parseCsv(readFileSync(out, "utf8")).sort((a, b) => Number(a.rank) - Number(b.rank));
for (const row of ranked) {
  const member = row.member_id ?? "";
  recommendations.set(member, [...(recommendations.get(member) ?? []), row.item_id ?? ""]);
}
const figures = measureRanking({
  train: sets(join(dir, "train.csv")),
  test: sets(join(dir, "test.csv")),
  recommendations,
  k: 10,
});
console.log(
  `in TypeScript: ndcg@10 ${figures.ndcg.toFixed(4)} precision@10 ${figures.precision.toFixed(4)} recall@10 ${figures.recall.toFixed(4)} map ${figures.map.toFixed(4)} members ${figures.members}`,
);

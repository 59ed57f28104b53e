import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../bots/csv.js";
import { seededRandom } from "../../core/seeded-random.js";

const root = join(import.meta.dirname, "../..");

function run(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "bots/recommend-cli.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm run recommend", () => {
  it("writes k ranked items per member from a CSV, never one the member has", () => {
    const dir = mkdtempSync(join(tmpdir(), "recommend-cli-"));
    const random = seededRandom(2);
    const lines = ["member_id,item_id,occurred_at,weight"];
    const owned = new Map<string, Set<string>>();
    for (let u = 0; u < 80; u += 1) {
      const group = u % 2 ? "art" : "sql";
      for (let i = 0; i < 20; i += 1) {
        if (random() > 0.4) continue;
        lines.push(`u${u},${group}-${i},2025-01-01T00:00:00Z,${1 + Math.floor(random() * 5)}`);
        owned.set(`u${u}`, (owned.get(`u${u}`) ?? new Set()).add(`${group}-${i}`));
      }
    }
    writeFileSync(join(dir, "train.csv"), `${lines.join("\n")}\n`);
    writeFileSync(
      join(dir, "items.csv"),
      `item_id,title,tags\n${[...Array(20).keys()].flatMap((i) => [`art-${i},"Painting, part ${i}",topic:art`, `sql-${i},SQL ${i},topic:sql`]).join("\n")}\n`,
    );
    const out = join(dir, "recs.csv");
    const result = run([
      "--train",
      join(dir, "train.csv"),
      "--items",
      join(dir, "items.csv"),
      "--k",
      "4",
      "--out",
      out,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.split("\n")[0]).toBe("member_id,item_id,rank");
    const rows = parseCsv(text);
    expect(rows).toHaveLength(owned.size * 4);
    let inGroup = 0;
    for (const row of rows) {
      expect(owned.get(row.member_id!)?.has(row.item_id!)).toBe(false);
      expect(["1", "2", "3", "4"]).toContain(row.rank);
      if (row.item_id!.startsWith(Number(row.member_id!.slice(1)) % 2 ? "art" : "sql")) inGroup += 1;
    }
    expect(inGroup / rows.length).toBeGreaterThan(0.95);
  });

  it("exits 2 with the usage when arguments are missing", () => {
    const result = run(["--k", "10"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: npm run recommend");
  });
});

import { describe, expect, it } from "vitest";
import { fitEase } from "../../core/insights/recommend-fit-ease.js";
import { fitRecommender } from "../../core/insights/recommend-fit-recommender.js";
import { recommendForMembers } from "../../core/insights/recommend-for-members.js";
import { buildInteractionMatrix, type Interaction } from "../../core/insights/recommend-interaction-matrix.js";
import { invertSymmetricPositiveDefinite } from "../../core/insights/recommend-linear-algebra.js";
import { measureRanking } from "../../core/insights/recommend-rank-metrics.js";
import { DEFAULT_RECOMMENDER_SETTINGS, type RecommenderSettings } from "../../core/insights/recommend-settings.js";
import { topIndexes } from "../../core/insights/recommend-top-indexes.js";
import { seededRandom } from "../../core/seeded-random.js";

/** Two taste groups: members 0–59 take items a0–a14, members 60–119 take b0–b14; a little cross-group noise. */
function twoGroups(seed = 1): Interaction[] {
  const random = seededRandom(seed);
  const rows: Interaction[] = [];
  for (let u = 0; u < 120; u += 1) {
    const own = u < 60 ? "a" : "b";
    const other = u < 60 ? "b" : "a";
    for (let i = 0; i < 15; i += 1)
      if (random() < 0.45) rows.push({ memberId: `m${u}`, itemId: `${own}${i}`, weight: 1 });
    if (random() < 0.2) rows.push({ memberId: `m${u}`, itemId: `${other}${Math.floor(random() * 15)}`, weight: 1 });
  }
  return rows;
}

const SOLVERS: [string, Partial<RecommenderSettings>][] = [
  ["exact EASE", { solver: "exact" }],
  ["neighbourhood EASE", { solver: "neighbourhood", neighbours: 8 }],
];

describe("recommendation model", () => {
  it.each(SOLVERS)("%s recommends within the member's taste group, never an owned item", (_name, change) => {
    const interactions = twoGroups();
    const recommender = fitRecommender({
      interactions,
      settings: { ...DEFAULT_RECOMMENDER_SETTINGS, popularityWeight: 0, ease: { lambda: 5, emphasis: 0 }, ...change },
    });
    const owned = new Map<string, Set<string>>();
    for (const row of interactions) owned.set(row.memberId, (owned.get(row.memberId) ?? new Set()).add(row.itemId));
    let inGroup = 0;
    let total = 0;
    for (const row of recommendForMembers({ recommender, k: 3 })) {
      expect(owned.get(row.memberId)?.has(row.itemId)).toBe(false);
      const group = Number(row.memberId.slice(1)) < 60 ? "a" : "b";
      total += 1;
      if (row.itemId.startsWith(group)) inGroup += 1;
      // The reason names an item the member has.
      if (row.becauseItemId !== null) expect(owned.get(row.memberId)?.has(row.becauseItemId)).toBe(true);
    }
    expect(total).toBe(120 * 3);
    expect(inGroup / total).toBeGreaterThan(0.95);
  });

  it("held-out items rank far better than chance", () => {
    const interactions = twoGroups(3);
    const train = interactions.filter((_, index) => index % 4 !== 0);
    const test = interactions.filter((_, index) => index % 4 === 0);
    const recommender = fitRecommender({ interactions: train, settings: DEFAULT_RECOMMENDER_SETTINGS });
    const sets = (rows: Interaction[]) => {
      const out = new Map<string, Set<string>>();
      for (const row of rows) out.set(row.memberId, (out.get(row.memberId) ?? new Set()).add(row.itemId));
      return out;
    };
    const recommendations = new Map<string, string[]>();
    for (const row of recommendForMembers({ recommender, k: 5, withoutReasons: true })) {
      recommendations.set(row.memberId, [...(recommendations.get(row.memberId) ?? []), row.itemId]);
    }
    const figures = measureRanking({ train: sets(train), test: sets(test), recommendations, k: 5 });
    // Chance: five random items the member does not have.
    const random = seededRandom(11);
    const catalog = [...new Set(interactions.map((row) => row.itemId))];
    const chance = new Map(
      [...sets(train)].map(([member, owned]) => [
        member,
        catalog
          .filter((item) => !owned.has(item))
          .map((item) => ({ item, key: random() }))
          .sort((x, y) => x.key - y.key)
          .slice(0, 5)
          .map((entry) => entry.item),
      ]),
    );
    const baseline = measureRanking({ train: sets(train), test: sets(test), recommendations: chance, k: 5 });
    expect(figures.ndcg).toBeGreaterThan(1.5 * baseline.ndcg);
  });

  it("the dual (members × members) route gives the same weights as the primal (items × items)", () => {
    const matrix = buildInteractionMatrix({
      interactions: twoGroups(5).filter((row) => Number(row.memberId.slice(1)) % 5 === 0),
    });
    expect(matrix.rows.rowCount).toBeLessThan(matrix.rows.columnCount);
    const settings = { lambda: 3, emphasis: 0.5 };
    const primal = fitEase({ rows: matrix.rows, columns: matrix.columns, settings, route: "primal" });
    const dual = fitEase({ rows: matrix.rows, columns: matrix.columns, settings, route: "dual" });
    const m = matrix.itemIds.length;
    for (let i = 0; i < m; i += 1)
      for (let j = 0; j < m; j += 1) expect(dual.weight(i, j)).toBeCloseTo(primal.weight(i, j), 5);
    const member = matrix.rows.starts;
    const items = matrix.rows.columns.subarray(member[0]!, member[1]!);
    const values = matrix.rows.values.subarray(member[0]!, member[1]!);
    const a = new Float64Array(m);
    const b = new Float64Array(m);
    primal.scoreInto(items, values, a);
    dual.scoreInto(items, values, b);
    const owned = new Set(items);
    for (let j = 0; j < m; j += 1) if (!owned.has(j)) expect(b[j]).toBeCloseTo(a[j]!, 5);
  });

  it("inverts a symmetric positive-definite matrix", () => {
    const random = seededRandom(9);
    for (const n of [1, 5, 11]) {
      const base = Array.from({ length: n * n }, () => random() - 0.5);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i += 1)
        for (let j = 0; j < n; j += 1) {
          let s = i === j ? n : 0;
          for (let k = 0; k < n; k += 1) s += base[i * n + k]! * base[j * n + k]!;
          a[i * n + j] = s;
        }
      const inverse = invertSymmetricPositiveDefinite(a.slice(), n);
      for (let i = 0; i < n; i += 1)
        for (let j = 0; j < n; j += 1) {
          let s = 0;
          for (let k = 0; k < n; k += 1) s += a[i * n + k]! * inverse[k * n + j]!;
          expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
        }
    }
  });

  it("picks the k best indexes like a full sort, skipping excluded ones", () => {
    const random = seededRandom(4);
    for (let trial = 0; trial < 50; trial += 1) {
      const scores = Array.from({ length: 80 }, () =>
        random() < 0.1 ? Number.NEGATIVE_INFINITY : Math.round(random() * 20),
      );
      const expected = scores
        .map((score, index) => ({ score, index }))
        .filter((entry) => Number.isFinite(entry.score))
        .sort((x, y) => y.score - x.score || x.index - y.index)
        .slice(0, 7)
        .map((entry) => entry.index);
      expect(topIndexes(scores, 7)).toEqual(expected);
    }
  });

  it("content similarity lets a course nobody has taken yet reach the members of its topic", () => {
    const interactions = twoGroups(6);
    const items = new Map<string, { texts: string[]; tags: string[] }>();
    for (let i = 0; i < 15; i += 1) {
      items.set(`a${i}`, { texts: [`Watercolour painting ${i}`], tags: ["art"] });
      items.set(`b${i}`, { texts: [`数据库 SQL query tuning ${i}`], tags: ["databases"] });
    }
    items.set("new-sql", { texts: ["数据库 SQL query tuning, advanced"], tags: ["databases"] });
    const settings = { ...DEFAULT_RECOMMENDER_SETTINGS, contentWeight: 2, popularityWeight: 0 };
    const recommender = fitRecommender({ interactions, settings, items });
    const reached = new Set<string>();
    for (const row of recommendForMembers({ recommender, k: 5 }))
      if (row.itemId === "new-sql") reached.add(row.memberId);
    expect(reached.size).toBeGreaterThan(10);
    expect([...reached].every((member) => Number(member.slice(1)) >= 60)).toBe(true);
    const without = fitRecommender({ interactions, settings: { ...settings, contentWeight: 0 }, items });
    expect([...recommendForMembers({ recommender: without, k: 5 })].some((row) => row.itemId === "new-sql")).toBe(
      false,
    );
  });
});

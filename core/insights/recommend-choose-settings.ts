/**
 * Chooses the recommender's settings by validation inside the training data, never on anything held out for
 * judging: part of each member's items is held back, models are fitted on the rest and ranked by nDCG@10 on what
 * was held back. λ is searched on a multiplicative ladder, then the dropout emphasis and the weighting of graded
 * interactions, then the blend weights of content and popularity (those need no refit, only rescoring).
 *
 * @example const { settings } = chooseRecommenderSettings({ interactions, items })
 */

import { seededRandom } from "../seeded-random.js";
import type { ItemDescription } from "./recommend-content-similarity.js";
import { canSolveExactly, fitRecommender, type Recommender } from "./recommend-fit-recommender.js";
import type { Interaction } from "./recommend-interaction-matrix.js";
import { measureRanking } from "./recommend-rank-metrics.js";
import { scoreMember } from "./recommend-score-member.js";
import { DEFAULT_RECOMMENDER_SETTINGS, type RecommenderSettings } from "./recommend-settings.js";

export interface ChooseRecommenderSettingsOptions {
  interactions: readonly Interaction[];
  items?: ReadonlyMap<string, ItemDescription>;
  /** Share of each member's items held back (default 0.2). */
  holdoutShare?: number;
  /** Members scored per trial at most (default 3,000): enough for a stable nDCG, bounded cost. */
  validationMembers?: number;
  /** Start from these (e.g. to force the neighbourhood solver). */
  start?: Partial<RecommenderSettings>;
  seed?: number;
  /** Progress lines (a CLI prints them). */
  log?: (line: string) => void;
}

export interface SettingsTrial {
  settings: RecommenderSettings;
  ndcg: number;
  precision: number;
}

export interface ChosenSettings {
  settings: RecommenderSettings;
  trials: SettingsTrial[];
}

const K = 10;
/** Members with fewer items are not held out from: nothing would be left to learn them from. */
const MIN_ITEMS_TO_HOLD_OUT = 3;

/** Runs the search; returns the best settings (λ rescaled to the full data) and every trial. */
export function chooseRecommenderSettings(options: ChooseRecommenderSettingsOptions): ChosenSettings {
  const share = options.holdoutShare ?? 0.2;
  const random = seededRandom(options.seed ?? 42);
  const split = splitPerMember(options.interactions, share, random);
  const sample = sampleMembers([...split.heldOut.keys()], options.validationMembers ?? 3_000, random);
  const heldOut = new Map(sample.map((member) => [member, split.heldOut.get(member)!]));
  const trials: SettingsTrial[] = [];
  const cache = new Map<string, SettingsTrial & { recommender: Recommender }>();

  const evaluate = (
    settings: RecommenderSettings,
    recommender?: Recommender,
  ): SettingsTrial & { recommender: Recommender } => {
    const key = JSON.stringify(settings);
    const known = cache.get(key);
    if (known) return known;
    const fitted = recommender ?? fitRecommender({ interactions: split.kept, settings });
    const trial = { settings, ...score(fitted, heldOut), recommender: fitted };
    cache.set(key, trial);
    trials.push({ settings, ndcg: trial.ndcg, precision: trial.precision });
    options.log?.(
      `validation ${describe(settings)} nDCG@10 ${trial.ndcg.toFixed(4)} P@10 ${trial.precision.toFixed(4)}`,
    );
    return trial;
  };

  const members = new Set(split.kept.map((row) => row.memberId)).size;
  const itemCount = new Set(split.kept.map((row) => row.itemId)).size;
  const base: RecommenderSettings = {
    ...DEFAULT_RECOMMENDER_SETTINGS,
    contentWeight: 0,
    popularityWeight: 0,
    ...options.start,
  };
  const exactPossible = canSolveExactly(members, itemCount) && options.start?.solver !== "neighbourhood";
  let best = evaluate(exactPossible ? { ...base, solver: "exact" } : { ...base, solver: "neighbourhood" });
  const tryFrom = (
    from: SettingsTrial & { recommender: Recommender },
    change: (settings: RecommenderSettings) => RecommenderSettings,
  ) => {
    const trial = evaluate(change(from.settings));
    return trial.ndcg > from.ndcg ? trial : null;
  };
  const tryChange = (change: (settings: RecommenderSettings) => RecommenderSettings): boolean => {
    const better = tryFrom(best, change);
    if (better) best = better;
    return better !== null;
  };
  const withLambda = (factor: number) => (s: RecommenderSettings) => ({
    ...s,
    ease: { ...s.ease, lambda: round(s.ease.lambda * factor) },
  });
  const withNeighbours = (factor: number) => (s: RecommenderSettings) => ({
    ...s,
    neighbours: Math.max(5, Math.round(s.neighbours * factor)),
  });
  /** Walks a setting ×factor in whichever direction improves nDCG, as long as it improves. */
  const ladder = (step: (factor: number) => (s: RecommenderSettings) => RecommenderSettings, factor: number) => {
    if (tryChange(step(factor))) while (tryChange(step(factor)));
    else while (tryChange(step(1 / factor)));
  };

  ladder(withLambda, 3);
  tryChange(withLambda(Math.sqrt(3))) || tryChange(withLambda(1 / Math.sqrt(3)));
  // The neighbourhood solver is not only for scale: keeping each item's strongest co-occurrences regularises, and
  // on sparse data it can beat the exact model, so it competes whenever the exact one was tried.
  if (best.settings.solver === "exact") {
    const exact = best;
    best = evaluate({ ...best.settings, solver: "neighbourhood" });
    ladder(withNeighbours, 2);
    ladder(withLambda, 3);
    if (exact.ndcg >= best.ndcg) best = exact;
  } else {
    ladder(withNeighbours, 2);
    ladder(withLambda, 3);
  }
  // Dropout emphasis (DLAE): penalise popular items' self-reconstruction more; doubled while it helps.
  if (tryChange((s) => ({ ...s, ease: { ...s.ease, emphasis: 0.25 } }))) {
    while (
      best.settings.ease.emphasis < 16 &&
      tryChange((s) => ({ ...s, ease: { ...s.ease, emphasis: s.ease.emphasis * 2 } }))
    );
  }
  // Graded weights: their scale differs from binary, so λ is searched again around the rescaled value.
  const graded = options.interactions.some((row) => row.weight !== 1);
  if (graded) {
    const meanSquare = options.interactions.reduce((sum, row) => sum + Math.log1p(row.weight) ** 2, 0);
    const scale = meanSquare / options.interactions.length;
    if (tryChange((s) => ({ ...withLambda(scale)(s), weightMode: "log" }))) {
      tryChange(withLambda(2)) || tryChange(withLambda(0.5));
    }
  }
  // Blend weights: same fitted model, rescored; content needs the item descriptions (one refit with them).
  const model = best.recommender;
  for (const popularityWeight of [0.05, 0.1, 0.2, 0.4]) {
    const trial = evaluate(
      { ...best.settings, popularityWeight },
      { ...model, settings: { ...model.settings, popularityWeight } },
    );
    if (trial.ndcg > best.ndcg) best = trial;
  }
  if (options.items) {
    const withContent = fitRecommender({
      interactions: split.kept,
      settings: { ...best.settings, contentWeight: 0.1 },
      items: options.items,
    });
    // Doubled while it helps (the scale of useful content weight depends on how descriptive the items are).
    for (let contentWeight = 0.05; contentWeight <= 6.4; contentWeight *= 2) {
      const settings = { ...best.settings, contentWeight };
      const trial = evaluate(settings, { ...withContent, settings });
      if (trial.ndcg > best.ndcg) best = trial;
      else if (contentWeight > 0.1) break;
    }
  }
  // The full data has 1 / (1 − share) times the rows: co-occurrence counts, and so λ, grow with it.
  const settings = withLambda(1 / (1 - share))(best.settings);
  options.log?.(`chosen ${describe(settings)}`);
  return { settings, trials };
}

/** A one-line summary of settings, for logs and reports. */
export function describe(settings: RecommenderSettings): string {
  const parts = [
    settings.solver,
    settings.weightMode,
    `λ ${settings.ease.lambda}`,
    `emphasis ${settings.ease.emphasis}`,
    `content ${settings.contentWeight}`,
    `popularity ${settings.popularityWeight}`,
  ];
  if (settings.solver === "neighbourhood") parts.push(`neighbours ${settings.neighbours}`);
  return parts.join(", ");
}

// --- Validation pieces

function score(recommender: Recommender, heldOut: Map<string, Set<string>>): { ndcg: number; precision: number } {
  const { matrix } = recommender;
  const m = matrix.itemIds.length;
  const scratch = { model: new Float64Array(m), content: new Float64Array(m) };
  const recommendations = new Map<string, string[]>();
  for (const member of heldOut.keys()) {
    const u = matrix.memberIndex.get(member);
    if (u === undefined) continue;
    const start = matrix.rows.starts[u]!;
    const end = matrix.rows.starts[u + 1]!;
    const top = scoreMember({
      recommender,
      items: matrix.rows.columns.subarray(start, end),
      values: matrix.rows.values.subarray(start, end),
      k: K,
      scratch,
      withoutReasons: true,
    });
    recommendations.set(
      member,
      top.map((entry) => matrix.itemIds[entry.item]!),
    );
  }
  const figures = measureRanking({ train: new Map(), test: heldOut, recommendations, k: K });
  return { ndcg: figures.ndcg, precision: figures.precision };
}

interface Split {
  kept: Interaction[];
  heldOut: Map<string, Set<string>>;
}

/** Holds back `share` of each member's distinct items (all rows of a held-back item go). */
export function splitPerMember(interactions: readonly Interaction[], share: number, random: () => number): Split {
  const byMember = new Map<string, Map<string, Interaction[]>>();
  for (const row of interactions) {
    let items = byMember.get(row.memberId);
    if (!items) {
      items = new Map();
      byMember.set(row.memberId, items);
    }
    let rows = items.get(row.itemId);
    if (!rows) {
      rows = [];
      items.set(row.itemId, rows);
    }
    rows.push(row);
  }
  const kept: Interaction[] = [];
  const heldOut = new Map<string, Set<string>>();
  for (const [member, items] of byMember) {
    const ids = [...items.keys()];
    const count = ids.length >= MIN_ITEMS_TO_HOLD_OUT ? Math.max(1, Math.round(ids.length * share)) : 0;
    shuffle(ids, random);
    const back = new Set(ids.slice(0, count));
    if (back.size) heldOut.set(member, back);
    for (const id of ids) if (!back.has(id)) kept.push(...items.get(id)!);
  }
  return { kept, heldOut };
}

function sampleMembers(members: string[], limit: number, random: () => number): string[] {
  if (members.length <= limit) return members;
  shuffle(members, random);
  return members.slice(0, limit);
}

function shuffle<T>(values: T[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}

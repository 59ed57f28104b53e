/**
 * Trains the churn model on labelled members: gradient-boosted trees and a logistic regression, with every setting
 * (tree depth, number of trees, the logistic penalty, the blend of the two) chosen on an inner validation share of
 * the training members only — nothing is tuned on the members that will be scored. The final models are refitted
 * on all training members. With too little labelled history the result is the rule-based scorer instead.
 *
 * @example const model = trainChurnModel({ data }); await writeFile("model.json", JSON.stringify(model));
 */

import { seededRandom } from "../seeded-random.js";
import { type ChurnFeatureSchema, memberFeatureNames } from "./churn-features.js";
import { assembleChurnVector, CHURN_MODEL_FORMAT, type ChurnModel, churnFeatureNames } from "./churn-model.js";
import { computeAuc } from "./compute-auc.js";
import {
  type BoostedTrees,
  type BoostingSettings,
  binMatrix,
  type FeatureMatrix,
  fitGradientBoosting,
  treeValueBinned,
} from "./gradient-boosting.js";
import { type GroupStats, GroupStatsBuilder, groupInputIndex } from "./group-features.js";
import { fitLogisticRegression, logisticMargin } from "./logistic-regression.js";
import { DEFAULT_CHURN_RULES, MIN_LABELLED_MEMBERS, MIN_PER_CLASS } from "./rule-based-churn.js";

/** Labelled members: their member features (row-major), community and outcome (1 = churned). */
export interface ChurnTrainingData {
  schema: ChurnFeatureSchema;
  memberFeatures: Float64Array;
  /** Community index per member (−1: none), names in `groupNames`. */
  groups: Int32Array;
  groupNames: string[];
  labels: Uint8Array;
}

export interface ChurnTrainingOptions {
  seed?: number;
  /** Share of the training members held back to choose settings. */
  validationShare?: number;
  /** Tree depths tried. */
  depths?: number[];
  /** Most trees tried (early stopping picks fewer). */
  maxTrees?: number;
  /** Called with progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

const LEARNING_RATE = 0.05;
const L2_CHOICES = [1e-4, 1e-3, 1e-2];
const BLEND_CHOICES = [0, 0.25, 0.5, 0.75, 1];
/** Early stopping: stop after this many trees without a better validation log-loss. */
const PATIENCE = 60;

export function trainChurnModel(options: { data: ChurnTrainingData } & ChurnTrainingOptions): ChurnModel {
  const { data } = options;
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 42;
  const n = data.labels.length;
  let positives = 0;
  for (const label of data.labels) positives += label;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const base: Omit<ChurnModel, "kind" | "trees" | "logistic" | "treeWeight" | "groups"> = {
    format: CHURN_MODEL_FORMAT,
    schema: data.schema,
    featureNames: churnFeatureNames(data.schema),
    rules: DEFAULT_CHURN_RULES,
    training: {
      members: n,
      churnRate: n ? positives / n : Number.NaN,
      trainedAt: new Date().toISOString(),
      chosen: {},
      validation: {},
    },
  };
  if (n < MIN_LABELLED_MEMBERS || positives < MIN_PER_CLASS || n - positives < MIN_PER_CLASS) {
    log(`only ${n} labelled members (${positives} churned): rule-based scorer`);
    return { ...base, kind: "rules", groups: groupStats(data, all), trees: null, logistic: null, treeWeight: 0 };
  }

  // --- Inner split (stratified): settings are chosen here, never on the members to be scored.
  const random = seededRandom(seed);
  const fit: number[] = [];
  const held: number[] = [];
  const share = options.validationShare ?? 0.2;
  for (const label of [0, 1]) {
    const rows = Array.from(all).filter((r) => data.labels[r] === label);
    shuffle(rows, random);
    const cut = Math.round(rows.length * share);
    held.push(...rows.slice(0, cut));
    fit.push(...rows.slice(cut));
  }
  const fitRows = Int32Array.from(fit);
  const heldRows = Int32Array.from(held);
  const inner = buildMatrix(data, fitRows, heldRows, seed);
  const innerFit = Int32Array.from({ length: fitRows.length }, (_, i) => i);
  const innerHeld = Int32Array.from({ length: heldRows.length }, (_, i) => fitRows.length + i);
  const labels = new Uint8Array(inner.rows);
  fitRows.forEach((r, i) => {
    labels[i] = data.labels[r] as number;
  });
  heldRows.forEach((r, i) => {
    labels[fitRows.length + i] = data.labels[r] as number;
  });
  const heldLabels = Array.from(innerHeld, (r) => labels[r] as number);

  const binned = binMatrix(inner);
  let bestTrees: { depth: number; trees: number; auc: number; margins: Float64Array } | null = null;
  for (const depth of options.depths ?? [3, 5]) {
    const margins = new Float64Array(innerHeld.length);
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestCount = 0;
    let bestMargins = new Float64Array(innerHeld.length);
    fitGradientBoosting({
      binned,
      labels,
      train: innerFit,
      settings: boostingSettings(depth, options.maxTrees ?? 800, seed),
      onTree: (model: BoostedTrees) => {
        const tree = model.trees[model.trees.length - 1];
        if (!tree) return true;
        let loss = 0;
        innerHeld.forEach((r, i) => {
          if (model.trees.length === 1) margins[i] = model.baseScore;
          margins[i] = (margins[i] as number) + treeValueBinned(tree, binned, r);
          const p = 1 / (1 + Math.exp(-(margins[i] as number)));
          loss -= heldLabels[i] ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
        });
        if (loss < bestLoss) {
          bestLoss = loss;
          bestCount = model.trees.length;
          bestMargins = margins.slice();
        }
        return model.trees.length - bestCount < PATIENCE;
      },
    });
    const auc = computeAuc(bestMargins, heldLabels);
    log(`trees depth ${depth}: ${bestCount} trees, validation AUC ${auc.toFixed(4)}`);
    if (!bestTrees || auc > bestTrees.auc) bestTrees = { depth, trees: bestCount, auc, margins: bestMargins };
  }

  let bestLogistic: { l2: number; auc: number; margins: Float64Array } | null = null;
  for (const l2 of L2_CHOICES) {
    const model = fitLogisticRegression({ matrix: inner, labels, train: innerFit, l2 });
    const margins = Float64Array.from(innerHeld, (r) =>
      logisticMargin(model, inner.values.subarray(r * inner.columns, (r + 1) * inner.columns)),
    );
    const auc = computeAuc(margins, heldLabels);
    log(`logistic l2 ${l2}: validation AUC ${auc.toFixed(4)}`);
    if (!bestLogistic || auc > bestLogistic.auc) bestLogistic = { l2, auc, margins };
  }
  if (!bestTrees || !bestLogistic) throw new Error("no model was fitted");

  let treeWeight = 1;
  let blendAuc = Number.NEGATIVE_INFINITY;
  for (const weight of BLEND_CHOICES) {
    const margins = bestTrees.margins.map((m, i) => weight * m + (1 - weight) * (bestLogistic.margins[i] as number));
    const auc = computeAuc(margins, heldLabels);
    if (auc > blendAuc + 1e-4) {
      blendAuc = auc;
      treeWeight = weight;
    }
  }
  log(`blend: trees weight ${treeWeight}, validation AUC ${blendAuc.toFixed(4)}`);

  // --- Refit on every training member with the chosen settings (a little more data: a few more trees).
  const full = buildMatrix(data, all, new Int32Array(0), seed);
  const fullLabels = Uint8Array.from(all, (r) => data.labels[r] as number);
  const treeCount = Math.max(1, Math.round(bestTrees.trees / (1 - share)));
  // Both are kept even when the blend gives one weight 0: the evaluation reports each model alone.
  const trees = fitGradientBoosting({
    binned: binMatrix(full),
    labels: fullLabels,
    train: all,
    settings: boostingSettings(bestTrees.depth, treeCount, seed),
  });
  const logistic = fitLogisticRegression({ matrix: full, labels: fullLabels, train: all, l2: bestLogistic.l2 });
  return {
    ...base,
    kind: "learned",
    groups: groupStats(data, all),
    trees,
    logistic,
    treeWeight,
    training: {
      ...base.training,
      chosen: {
        depth: bestTrees.depth,
        trees: treeCount,
        learningRate: LEARNING_RATE,
        l2: bestLogistic.l2,
        treeWeight,
      },
      validation: { trees: bestTrees.auc, logistic: bestLogistic.auc, blend: blendAuc },
    },
  };
}

function boostingSettings(maxDepth: number, trees: number, seed: number): BoostingSettings {
  return { trees, learningRate: LEARNING_RATE, maxDepth, minLeaf: 20, l2: 1, subsample: 0.8, seed };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

function memberRow(data: ChurnTrainingData, row: number): Float64Array {
  const columns = memberFeatureNames(data.schema).length;
  return data.memberFeatures.subarray(row * columns, (row + 1) * columns);
}

/** Community statistics (with churn rates) from the given rows. */
function groupStats(data: ChurnTrainingData, rows: Int32Array): Record<string, GroupStats> {
  const names = memberFeatureNames(data.schema);
  const horizon = data.schema.windows[data.schema.windows.length - 1] ?? 30;
  const builder = new GroupStatsBuilder(groupInputIndex(names, horizon));
  for (const r of rows) {
    const group = data.groups[r] as number;
    builder.add(group >= 0 ? (data.groupNames[group] as string) : "", memberRow(data, r), data.labels[r] as number);
  }
  return builder.build();
}

const OUT_OF_FOLD = 5;

/**
 * The full feature matrix: `fitRows` first, then `otherRows`. A fitted member's community churn rate comes from
 * the other fitted members only (out of fold), or it would see its own label; other rows use all fitted members.
 */
function buildMatrix(data: ChurnTrainingData, fitRows: Int32Array, otherRows: Int32Array, seed: number): FeatureMatrix {
  const names = churnFeatureNames(data.schema);
  const columns = names.length;
  const values = new Float64Array((fitRows.length + otherRows.length) * columns);
  const stats = groupStats(data, fitRows);
  const fold = new Uint8Array(fitRows.length);
  const random = seededRandom(seed + 1);
  for (let i = 0; i < fold.length; i += 1) fold[i] = Math.floor(random() * OUT_OF_FOLD);
  const foldStats = Array.from({ length: OUT_OF_FOLD }, (_, k) =>
    groupStats(
      data,
      fitRows.filter((_, i) => fold[i] !== k),
    ),
  );
  const statsOf = (table: Record<string, GroupStats>, row: number) => {
    const group = data.groups[row] as number;
    return table[group >= 0 ? (data.groupNames[group] as string) : ""] ?? (table["*"] as GroupStats);
  };
  const write = (row: number, at: number, rate: number | null) => {
    const out = values.subarray(at * columns, (at + 1) * columns);
    const own = statsOf(stats, row);
    assembleChurnVector(data.schema, memberRow(data, row), rate === null ? own : { ...own, churnRate: rate }, out);
  };
  fitRows.forEach((row, i) => {
    write(row, i, statsOf(foldStats[fold[i] as number] as Record<string, GroupStats>, row).churnRate);
  });
  otherRows.forEach((row, i) => {
    write(row, fitRows.length + i, null);
  });
  return { rows: fitRows.length + otherRows.length, columns, values };
}

/**
 * A small histogram gradient-boosted tree classifier (logistic loss), written here because no maintained npm
 * package fits: the `ml-*` tree libraries are quadratic and crash at tens of thousands of rows, `ml-xgboost` crashes
 * past ~10k rows (shared/FACTS.md), and TensorFlow.js weighs ~290 MB for no gain on tabular data.
 *
 * Like LightGBM / scikit-learn's HistGradientBoosting: features are cut into quantile bins once, each tree grows
 * level by level from per-bin gradient histograms (the larger child's histogram is the parent's minus the
 * smaller's), a missing value (NaN) has its own bin and each split learns which side it goes to. Trees store raw
 * thresholds, so scoring needs no bins. Every node keeps the value it would have as a leaf, which gives per-feature
 * contributions along the decision path (Saabas attribution) for the reasons shown to the creator.
 */
import { seededRandom } from "../seeded-random.js";

export interface BoostingSettings {
  trees: number;
  learningRate: number;
  maxDepth: number;
  /** Fewest training rows in a leaf. */
  minLeaf: number;
  /** L2 penalty on leaf values. */
  l2: number;
  /** Share of rows drawn (without replacement) for each tree. */
  subsample: number;
  seed: number;
}

/** One tree in flat arrays (leaf: feature −1). */
export interface BoostedTree {
  feature: number[];
  threshold: number[];
  /** 1 when a missing value goes left. */
  missingLeft: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** A trained ensemble, serialisable to JSON as is. */
export interface BoostedTrees {
  baseScore: number;
  trees: BoostedTree[];
}

/** Row-major feature matrix. */
export interface FeatureMatrix {
  rows: number;
  columns: number;
  values: Float64Array;
}

const MAX_BINS = 63;
const MISSING_BIN = MAX_BINS; // histograms have MAX_BINS + 1 slots

/** Quantile cut points per column and the binned matrix (column-major, one byte per cell). */
export interface BinnedMatrix {
  edges: Float64Array[];
  bins: Uint8Array;
  rows: number;
  columns: number;
}

export function binMatrix(matrix: FeatureMatrix): BinnedMatrix {
  const { rows, columns, values } = matrix;
  const edges: Float64Array[] = [];
  const bins = new Uint8Array(rows * columns);
  const column = new Float64Array(rows);
  for (let c = 0; c < columns; c += 1) {
    let present = 0;
    for (let r = 0; r < rows; r += 1) {
      const v = values[r * columns + c] as number;
      if (!Number.isNaN(v)) column[present++] = v;
    }
    const sorted = column.subarray(0, present).slice().sort();
    const cuts: number[] = [];
    for (let b = 1; b <= MAX_BINS && present > 0; b += 1) {
      const q = sorted[Math.min(present - 1, Math.floor((b * present) / (MAX_BINS + 1)))] as number;
      if (cuts.length === 0 || q > (cuts[cuts.length - 1] as number)) cuts.push(q);
    }
    // The largest value gets no cut of its own: "≤ max" would send everything left.
    if (cuts.length && cuts[cuts.length - 1] === sorted[present - 1]) cuts.pop();
    const columnEdges = Float64Array.from(cuts);
    edges.push(columnEdges);
    for (let r = 0; r < rows; r += 1) {
      const v = values[r * columns + c] as number;
      bins[c * rows + r] = Number.isNaN(v) ? MISSING_BIN : lowerBound(columnEdges, v);
    }
  }
  return { edges, bins, rows, columns };
}

/** The first index whose edge is ≥ value (the bin of `value` when bin b means `edges[b-1] < value ≤ edges[b]`). */
function lowerBound(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The bin of each split while training (kept out of the tree so the JSON holds only raw thresholds). */
const trainingBins = new WeakMap<BoostedTree, number[]>();

interface GrowNode {
  id: number;
  rows: Int32Array;
  histogram: Float64Array;
  gradient: number;
  hessian: number;
  depth: number;
}

/**
 * Fits trees on rows `train` of the binned matrix; after each tree, `onTree(treeIndex, margins)` may stop early by
 * returning false (used for early stopping on an inner validation split).
 */
export function fitGradientBoosting(options: {
  binned: BinnedMatrix;
  labels: ArrayLike<number>;
  train: Int32Array;
  settings: BoostingSettings;
  onTree?: (model: BoostedTrees) => boolean;
}): BoostedTrees {
  const { binned, labels, train, settings } = options;
  const n = train.length;
  let positives = 0;
  for (const r of train) positives += labels[r] as number;
  const prior = Math.min(Math.max(positives / Math.max(n, 1), 1e-6), 1 - 1e-6);
  const model: BoostedTrees = { baseScore: Math.log(prior / (1 - prior)), trees: [] };
  const margins = new Float64Array(binned.rows).fill(model.baseScore);
  const gradients = new Float64Array(binned.rows);
  const hessians = new Float64Array(binned.rows);
  const random = seededRandom(settings.seed);
  const sampleSize = Math.max(1, Math.round(n * Math.min(1, settings.subsample)));
  const pool = Int32Array.from(train);

  for (let t = 0; t < settings.trees; t += 1) {
    for (const r of train) {
      const p = sigmoid(margins[r] as number);
      gradients[r] = p - (labels[r] as number);
      hessians[r] = Math.max(p * (1 - p), 1e-12);
    }
    // Partial Fisher–Yates: the first sampleSize entries are a uniform sample without replacement.
    if (sampleSize < n) {
      for (let i = 0; i < sampleSize; i += 1) {
        const j = i + Math.floor(random() * (n - i));
        const swap = pool[i] as number;
        pool[i] = pool[j] as number;
        pool[j] = swap;
      }
    }
    const rows = sampleSize < n ? pool.slice(0, sampleSize).sort() : pool.slice();
    const tree = growTree(binned, gradients, hessians, rows, settings);
    model.trees.push(tree);
    for (const r of train) margins[r] = (margins[r] as number) + treeValueBinned(tree, binned, r);
    if (options.onTree && !options.onTree(model)) break;
  }
  return model;
}

function growTree(
  binned: BinnedMatrix,
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Int32Array,
  settings: BoostingSettings,
): BoostedTree {
  const tree: BoostedTree = { feature: [], threshold: [], missingLeft: [], left: [], right: [], value: [] };
  const splitBins: number[] = [];
  trainingBins.set(tree, splitBins);
  const slots = MAX_BINS + 1;
  const addNode = (gradient: number, hessian: number) => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.missingLeft.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push((-gradient / (hessian + settings.l2)) * settings.learningRate);
    splitBins.push(-1);
    return tree.feature.length - 1;
  };
  let g = 0;
  let h = 0;
  for (const r of rows) {
    g += gradients[r] as number;
    h += hessians[r] as number;
  }
  let level: GrowNode[] = [
    {
      id: addNode(g, h),
      rows,
      histogram: buildHistogram(binned, gradients, hessians, rows),
      gradient: g,
      hessian: h,
      depth: 0,
    },
  ];
  while (level.length) {
    const next: GrowNode[] = [];
    for (const node of level) {
      if (node.depth >= settings.maxDepth || node.rows.length < 2 * settings.minLeaf) continue;
      const split = bestSplit(binned, node, settings, slots);
      if (!split) continue;
      const left: number[] = [];
      const right: number[] = [];
      const offset = split.feature * binned.rows;
      for (const r of node.rows) {
        const bin = binned.bins[offset + r] as number;
        const goesLeft = bin === MISSING_BIN ? split.missingLeft : bin <= split.bin;
        (goesLeft ? left : right).push(r);
      }
      const leftRows = Int32Array.from(left);
      const rightRows = Int32Array.from(right);
      const smallIsLeft = leftRows.length <= rightRows.length;
      const small = buildHistogram(binned, gradients, hessians, smallIsLeft ? leftRows : rightRows);
      const large = node.histogram;
      for (let i = 0; i < large.length; i += 1) large[i] = (large[i] as number) - (small[i] as number);
      const leftId = addNode(split.leftGradient, split.leftHessian);
      const rightId = addNode(node.gradient - split.leftGradient, node.hessian - split.leftHessian);
      tree.feature[node.id] = split.feature;
      tree.threshold[node.id] = binned.edges[split.feature]?.[split.bin] ?? Number.POSITIVE_INFINITY;
      tree.missingLeft[node.id] = split.missingLeft ? 1 : 0;
      splitBins[node.id] = split.bin;
      tree.left[node.id] = leftId;
      tree.right[node.id] = rightId;
      next.push(
        {
          id: leftId,
          rows: leftRows,
          histogram: smallIsLeft ? small : large,
          gradient: split.leftGradient,
          hessian: split.leftHessian,
          depth: node.depth + 1,
        },
        {
          id: rightId,
          rows: rightRows,
          histogram: smallIsLeft ? large : small,
          gradient: node.gradient - split.leftGradient,
          hessian: node.hessian - split.leftHessian,
          depth: node.depth + 1,
        },
      );
    }
    level = next;
  }
  return tree;
}

/** Per column and bin: sum of gradients, of hessians, and the row count (3 slots per bin). */
function buildHistogram(binned: BinnedMatrix, gradients: Float64Array, hessians: Float64Array, rows: Int32Array) {
  const slots = MAX_BINS + 1;
  const histogram = new Float64Array(binned.columns * slots * 3);
  for (let c = 0; c < binned.columns; c += 1) {
    const offset = c * binned.rows;
    const base = c * slots * 3;
    for (const r of rows) {
      const at = base + (binned.bins[offset + r] as number) * 3;
      histogram[at] = (histogram[at] as number) + (gradients[r] as number);
      histogram[at + 1] = (histogram[at + 1] as number) + (hessians[r] as number);
      histogram[at + 2] = (histogram[at + 2] as number) + 1;
    }
  }
  return histogram;
}

function bestSplit(binned: BinnedMatrix, node: GrowNode, settings: BoostingSettings, slots: number) {
  const { l2, minLeaf } = settings;
  const total = node.rows.length;
  const parentScore = (node.gradient * node.gradient) / (node.hessian + l2);
  let best: {
    feature: number;
    bin: number;
    missingLeft: boolean;
    gain: number;
    leftGradient: number;
    leftHessian: number;
  } | null = null;
  for (let c = 0; c < binned.columns; c += 1) {
    const base = c * slots * 3;
    const bins = (binned.edges[c]?.length ?? 0) + 1;
    const missingAt = base + MISSING_BIN * 3;
    const mg = node.histogram[missingAt] as number;
    const mh = node.histogram[missingAt + 1] as number;
    const mc = node.histogram[missingAt + 2] as number;
    let lg = 0;
    let lh = 0;
    let lc = 0;
    for (let b = 0; b < bins - 1; b += 1) {
      const at = base + b * 3;
      lg += node.histogram[at] as number;
      lh += node.histogram[at + 1] as number;
      lc += node.histogram[at + 2] as number;
      // Missing values go right, then left; keep the better.
      for (let side = 0; side < (mc > 0 ? 2 : 1); side += 1) {
        const g = side ? lg + mg : lg;
        const h = side ? lh + mh : lh;
        const count = side ? lc + mc : lc;
        if (count < minLeaf || total - count < minLeaf) continue;
        const rg = node.gradient - g;
        const rh = node.hessian - h;
        const gain = (g * g) / (h + l2) + (rg * rg) / (rh + l2) - parentScore;
        if (gain > 1e-9 && (!best || gain > best.gain)) {
          best = { feature: c, bin: b, missingLeft: side === 1, gain, leftGradient: g, leftHessian: h };
        }
      }
    }
  }
  return best;
}

/** The value one tree gives a row of the binned matrix (training and inner validation rows). */
export function treeValueBinned(tree: BoostedTree, binned: BinnedMatrix, row: number): number {
  const splitBins = trainingBins.get(tree);
  if (!splitBins) throw new Error("tree has no training bins");
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const bin = binned.bins[(tree.feature[node] as number) * binned.rows + row] as number;
    const goesLeft = bin === MISSING_BIN ? tree.missingLeft[node] === 1 : bin <= (splitBins[node] as number);
    node = (goesLeft ? tree.left[node] : tree.right[node]) as number;
  }
  return tree.value[node] as number;
}

/** The margin (log-odds) of one feature vector. */
export function predictMargin(model: BoostedTrees, features: ArrayLike<number>): number {
  let margin = model.baseScore;
  for (const tree of model.trees) {
    let node = 0;
    while ((tree.feature[node] as number) >= 0) {
      const value = features[tree.feature[node] as number] as number;
      const goesLeft = Number.isNaN(value) ? tree.missingLeft[node] === 1 : value <= (tree.threshold[node] as number);
      node = (goesLeft ? tree.left[node] : tree.right[node]) as number;
    }
    margin += tree.value[node] as number;
  }
  return margin;
}

/**
 * Per-feature contributions to the margin along each tree's path (they sum, with the returned bias, to the
 * margin): positive = pushes towards churn.
 */
export function treeContributions(model: BoostedTrees, features: ArrayLike<number>, out: Float64Array): number {
  let bias = model.baseScore;
  for (const tree of model.trees) {
    let node = 0;
    bias += tree.value[0] as number;
    while ((tree.feature[node] as number) >= 0) {
      const feature = tree.feature[node] as number;
      const value = features[feature] as number;
      const goesLeft = Number.isNaN(value) ? tree.missingLeft[node] === 1 : value <= (tree.threshold[node] as number);
      const child = (goesLeft ? tree.left[node] : tree.right[node]) as number;
      out[feature] = (out[feature] as number) + (tree.value[child] as number) - (tree.value[node] as number);
      node = child;
    }
  }
  return bias;
}

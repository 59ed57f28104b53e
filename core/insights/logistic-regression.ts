/**
 * L2-regularised logistic regression on standardised features, fitted by Newton's method (a p × p system with p
 * under a hundred: exact and quick, no library needed). It runs beside the trees: on small or very regular data it
 * is as good, and its terms (weight × standardised value) are easy reasons. A missing value (NaN) is imputed with
 * the training mean, i.e. contributes nothing.
 */
import type { FeatureMatrix } from "./gradient-boosting.js";

export interface LogisticModel {
  means: number[];
  scales: number[];
  weights: number[];
  intercept: number;
}

/** Fits on rows `train` of the matrix; `l2` is the penalty per training row. */
export function fitLogisticRegression(options: {
  matrix: FeatureMatrix;
  labels: ArrayLike<number>;
  train: Int32Array;
  l2: number;
}): LogisticModel {
  const { matrix, labels, train, l2 } = options;
  const p = matrix.columns;
  const means = new Array<number>(p).fill(0);
  const scales = new Array<number>(p).fill(1);
  for (let c = 0; c < p; c += 1) {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (const r of train) {
      const v = matrix.values[r * p + c] as number;
      if (Number.isNaN(v)) continue;
      n += 1;
      sum += v;
      squares += v * v;
    }
    const mean = n ? sum / n : 0;
    const variance = n ? squares / n - mean * mean : 0;
    means[c] = mean;
    scales[c] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  const dim = p + 1; // the intercept last, not penalised
  const x = new Float64Array(train.length * dim);
  train.forEach((r, i) => {
    for (let c = 0; c < p; c += 1)
      x[i * dim + c] = standardised(matrix.values[r * p + c] as number, means[c] as number, scales[c] as number);
    x[i * dim + p] = 1;
  });
  let weights = new Float64Array(dim);
  const penalty = l2 * train.length;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const gradient = new Float64Array(dim);
    const hessian = new Float64Array(dim * dim);
    for (let c = 0; c < p; c += 1) {
      gradient[c] = penalty * (weights[c] as number);
      hessian[c * dim + c] = penalty;
    }
    for (let i = 0; i < train.length; i += 1) {
      let z = 0;
      const row = i * dim;
      for (let c = 0; c < dim; c += 1) z += (x[row + c] as number) * (weights[c] as number);
      const prob = 1 / (1 + Math.exp(-z));
      const error = prob - (labels[train[i] as number] as number);
      const curvature = Math.max(prob * (1 - prob), 1e-9);
      for (let a = 0; a < dim; a += 1) {
        const xa = x[row + a] as number;
        if (xa === 0) continue;
        gradient[a] = (gradient[a] as number) + error * xa;
        const scaled = curvature * xa;
        const hessianRow = a * dim;
        for (let b = a; b < dim; b += 1)
          hessian[hessianRow + b] = (hessian[hessianRow + b] as number) + scaled * (x[row + b] as number);
      }
    }
    for (let a = 0; a < dim; a += 1)
      for (let b = 0; b < a; b += 1) hessian[a * dim + b] = hessian[b * dim + a] as number;
    const step = solveSymmetric(hessian, gradient, dim);
    let largest = 0;
    weights = weights.map((w, c) => {
      largest = Math.max(largest, Math.abs(step[c] as number));
      return w - (step[c] as number);
    });
    if (largest < 1e-8) break;
  }
  return { means, scales, weights: Array.from(weights.subarray(0, p)), intercept: weights[p] as number };
}

function standardised(value: number, mean: number, scale: number): number {
  return Number.isNaN(value) ? 0 : (value - mean) / scale;
}

/** Solves H s = g by Gaussian elimination with partial pivoting (H is small and positive definite). */
function solveSymmetric(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(vector);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) {
      if (Math.abs(a[row * n + col] as number) > Math.abs(a[pivot * n + col] as number)) pivot = row;
    }
    if (pivot !== col) {
      for (let k = 0; k < n; k += 1) {
        const swap = a[col * n + k] as number;
        a[col * n + k] = a[pivot * n + k] as number;
        a[pivot * n + k] = swap;
      }
      const swap = b[col] as number;
      b[col] = b[pivot] as number;
      b[pivot] = swap;
    }
    const head = a[col * n + col] as number;
    if (Math.abs(head) < 1e-15) continue;
    for (let row = col + 1; row < n; row += 1) {
      const factor = (a[row * n + col] as number) / head;
      if (factor === 0) continue;
      for (let k = col; k < n; k += 1)
        a[row * n + k] = (a[row * n + k] as number) - factor * (a[col * n + k] as number);
      b[row] = (b[row] as number) - factor * (b[col] as number);
    }
  }
  const solution = new Float64Array(n);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = b[row] as number;
    for (let k = row + 1; k < n; k += 1) sum -= (a[row * n + k] as number) * (solution[k] as number);
    const head = a[row * n + row] as number;
    solution[row] = Math.abs(head) < 1e-15 ? 0 : sum / head;
  }
  return solution;
}

/** The margin (log-odds) of one feature vector. */
export function logisticMargin(model: LogisticModel, features: ArrayLike<number>): number {
  let z = model.intercept;
  for (let c = 0; c < model.weights.length; c += 1) {
    z +=
      (model.weights[c] as number) *
      standardised(features[c] as number, model.means[c] as number, model.scales[c] as number);
  }
  return z;
}

/** Adds each feature's term (weight × standardised value) to `out`: positive = pushes towards churn. */
export function logisticContributions(model: LogisticModel, features: ArrayLike<number>, out: Float64Array, scale = 1) {
  for (let c = 0; c < model.weights.length; c += 1) {
    const term =
      (model.weights[c] as number) *
      standardised(features[c] as number, model.means[c] as number, model.scales[c] as number);
    out[c] = (out[c] as number) + scale * term;
  }
}

/**
 * L2-regularised logistic regression fitted by Newton's method: exact and fast for the handful of features the
 * retrieval models use (no library needed for a 7 × 7 system).
 */

function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] as number]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) {
      if (Math.abs(a[row]?.[col] as number) > Math.abs(a[pivot]?.[col] as number)) pivot = row;
    }
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const head = a[col] as number[];
    for (let row = 0; row < n; row += 1) {
      if (row === col) continue;
      const current = a[row] as number[];
      const factor = (current[col] as number) / (head[col] as number);
      for (let k = col; k <= n; k += 1) current[k] = (current[k] as number) - factor * (head[k] as number);
    }
  }
  return a.map((row, i) => (row[n] as number) / (row[i] as number));
}

export interface LogisticOptions {
  /** Fit an intercept (stored as the last weight). */
  intercept?: boolean;
  l2?: number;
  /** Per-example weights (e.g. to balance classes). */
  sampleWeights?: number[];
}

/** Weights w (and the intercept last) maximising the penalised likelihood of labels y ∈ {0, 1}. */
export function fitLogistic(rows: number[][], labels: number[], options: LogisticOptions = {}): number[] {
  const intercept = options.intercept ?? false;
  const l2 = options.l2 ?? 1e-3;
  const data = intercept ? rows.map((row) => [...row, 1]) : rows;
  const dim = data[0]?.length ?? 0;
  let weights = new Array<number>(dim).fill(0);
  for (let iteration = 0; iteration < 30; iteration += 1) {
    const gradient = weights.map((w, j) => (intercept && j === dim - 1 ? 0 : l2 * w * data.length));
    const hessian = weights.map((_, i) =>
      weights.map((__, j) => (i === j && !(intercept && i === dim - 1) ? l2 * data.length : 0)),
    );
    data.forEach((row, n) => {
      let z = 0;
      for (let j = 0; j < dim; j += 1) z += (row[j] as number) * (weights[j] as number);
      const p = 1 / (1 + Math.exp(-z));
      const weight = options.sampleWeights?.[n] ?? 1;
      const error = (p - (labels[n] as number)) * weight;
      const curvature = Math.max(p * (1 - p), 1e-9) * weight;
      for (let i = 0; i < dim; i += 1) {
        gradient[i] = (gradient[i] as number) + error * (row[i] as number);
        const hessianRow = hessian[i] as number[];
        for (let j = 0; j < dim; j += 1) {
          hessianRow[j] = (hessianRow[j] as number) + curvature * (row[i] as number) * (row[j] as number);
        }
      }
    });
    const step = solve(hessian, gradient);
    weights = weights.map((w, j) => w - (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return weights;
}

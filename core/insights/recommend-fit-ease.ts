/**
 * EASE (Steck 2019): the item-item weights B = I − P·diag(1/diag P), P = (XᵀX + Λ)⁻¹, in closed form. Two exact
 * routes to the same model: the dense primal (an items × items inverse) for catalogs up to a few thousand items, and
 * the dual through Woodbury's identity (a members × members inverse) when there are fewer members than items, which
 * is the common case of a young community with a large back catalog.
 *
 * @example const model = fitEase({ matrix, settings: { lambda: 300, emphasis: 0 } })
 */
import type { SparseRows } from "./recommend-interaction-matrix.js";
import { type EaseSettings, type ItemToItemModel, regularisers } from "./recommend-item-model.js";
import { invertSymmetricPositiveDefinite } from "./recommend-linear-algebra.js";

/** Largest side the dense inverse is asked to handle (~20 s in plain JS at 3,000 on this kind of machine). */
export const MAX_DENSE_SIDE = 3_000;

export interface FitEaseOptions {
  /** members × items */
  rows: SparseRows;
  /** items × members (the transpose of rows) */
  columns: SparseRows;
  settings: EaseSettings;
  /** Force a route (tests, benchmarks); default: the smaller side. */
  route?: "primal" | "dual";
}

/** Fits EASE exactly; throws when both sides exceed MAX_DENSE_SIDE (use the neighbourhood model then). */
export function fitEase(options: FitEaseOptions): ItemToItemModel {
  const members = options.rows.rowCount;
  const items = options.rows.columnCount;
  const route = options.route ?? (items <= members ? "primal" : "dual");
  const side = route === "primal" ? items : members;
  if (side > MAX_DENSE_SIDE && !options.route) {
    throw new Error(`EASE needs a side ≤ ${MAX_DENSE_SIDE}; got ${members} members × ${items} items`);
  }
  return route === "primal" ? fitPrimal(options) : fitDual(options);
}

/** G_jj: the summed squared values of each item column. */
export function itemDiagonal(columns: SparseRows): Float64Array {
  const out = new Float64Array(columns.rowCount);
  for (let j = 0; j < columns.rowCount; j += 1) {
    let s = 0;
    for (let k = columns.starts[j]!; k < columns.starts[j + 1]!; k += 1) s += columns.values[k]! ** 2;
    out[j] = s;
  }
  return out;
}

// --- Primal: P = (G + Λ)⁻¹ over items

function fitPrimal(options: FitEaseOptions): ItemToItemModel {
  const { rows, columns, settings } = options;
  const m = rows.columnCount;
  const gram = new Float64Array(m * m);
  for (let u = 0; u < rows.rowCount; u += 1) {
    const start = rows.starts[u]!;
    const end = rows.starts[u + 1]!;
    for (let a = start; a < end; a += 1) {
      const i = rows.columns[a]!;
      const vi = rows.values[a]!;
      const base = i * m;
      for (let b = start; b < end; b += 1) gram[base + rows.columns[b]!]! += vi * rows.values[b]!;
    }
  }
  const lambda = regularisers(itemDiagonal(columns), settings);
  for (let j = 0; j < m; j += 1) gram[j * m + j]! += lambda[j]!;
  const p = invertSymmetricPositiveDefinite(gram, m);
  // B[i][j] = −P[i][j] / P[j][j], zero diagonal; Float32 halves the memory of the scoring matrix.
  const weights = new Float32Array(m * m);
  const inverseDiagonal = new Float64Array(m);
  for (let j = 0; j < m; j += 1) inverseDiagonal[j] = 1 / p[j * m + j]!;
  for (let i = 0; i < m; i += 1) {
    const base = i * m;
    for (let j = 0; j < m; j += 1) weights[base + j] = i === j ? 0 : -p[base + j]! * inverseDiagonal[j]!;
  }
  return {
    kind: "ease-dense",
    itemCount: m,
    scoreInto(items, values, out) {
      for (let a = 0; a < items.length; a += 1) {
        const base = items[a]! * m;
        const v = values[a]!;
        for (let j = 0; j < m; j += 1) out[j]! += v * weights[base + j]!;
      }
    },
    weight: (from, to) => weights[from * m + to]!,
  };
}

// --- Dual: P = Λ⁻¹ − Λ⁻¹Xᵀ Q X Λ⁻¹ with Q = (I + X Λ⁻¹ Xᵀ)⁻¹ over members

function fitDual(options: FitEaseOptions): ItemToItemModel {
  const { rows, columns, settings } = options;
  const n = rows.rowCount;
  const m = rows.columnCount;
  const lambda = regularisers(itemDiagonal(columns), settings);
  const kernel = new Float64Array(n * n);
  for (let u = 0; u < n; u += 1) kernel[u * n + u] = 1;
  for (let j = 0; j < m; j += 1) {
    const start = columns.starts[j]!;
    const end = columns.starts[j + 1]!;
    const scale = 1 / lambda[j]!;
    for (let a = start; a < end; a += 1) {
      const base = columns.columns[a]! * n;
      const va = columns.values[a]! * scale;
      for (let b = start; b < end; b += 1) kernel[base + columns.columns[b]!]! += va * columns.values[b]!;
    }
  }
  const q = invertSymmetricPositiveDefinite(kernel, n);
  // x_jᵀ Q x_j for every item: P_jj = 1/Λ_j − x_jᵀQx_j / Λ_j².
  const diagonal = new Float64Array(m);
  for (let j = 0; j < m; j += 1) {
    const quadratic = quadraticForm(q, n, columns, j, j);
    diagonal[j] = 1 / lambda[j]! - quadratic / lambda[j]! ** 2;
  }
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  return {
    kind: "ease-dual",
    itemCount: m,
    scoreInto(items, values, out) {
      // xP = xΛ⁻¹ − (Q X Λ⁻¹ xᵀ)ᵀ X Λ⁻¹; score_j = x_j − (xP)_j / P_jj, and x_j only matters for owned items.
      y.fill(0);
      for (let a = 0; a < items.length; a += 1) {
        const j = items[a]!;
        const v = values[a]! / lambda[j]!;
        for (let k = columns.starts[j]!; k < columns.starts[j + 1]!; k += 1)
          y[columns.columns[k]!]! += v * columns.values[k]!;
      }
      for (let u = 0; u < n; u += 1) {
        const base = u * n;
        let s = 0;
        for (let v = 0; v < n; v += 1) s += q[base + v]! * y[v]!;
        z[u] = s;
      }
      const own = new Map<number, number>();
      for (let a = 0; a < items.length; a += 1) own.set(items[a]!, values[a]!);
      for (let j = 0; j < m; j += 1) {
        let w = 0;
        for (let k = columns.starts[j]!; k < columns.starts[j + 1]!; k += 1)
          w += z[columns.columns[k]!]! * columns.values[k]!;
        const xj = own.get(j) ?? 0;
        const xp = (xj - w) / lambda[j]!;
        out[j]! += xj - xp / diagonal[j]!;
      }
    },
    weight(from, to) {
      if (from === to) return 0;
      // P_ij = −x_iᵀQx_j / (Λ_i Λ_j) off the diagonal; B_ij = −P_ij / P_jj.
      const pij = -quadraticForm(q, n, columns, from, to) / (lambda[from]! * lambda[to]!);
      return -pij / diagonal[to]!;
    },
  };
}

/** x_iᵀ Q x_j over the sparse item columns i and j. */
function quadraticForm(q: Float64Array, n: number, columns: SparseRows, i: number, j: number): number {
  let total = 0;
  for (let a = columns.starts[i]!; a < columns.starts[i + 1]!; a += 1) {
    const base = columns.columns[a]! * n;
    let s = 0;
    for (let b = columns.starts[j]!; b < columns.starts[j + 1]!; b += 1)
      s += q[base + columns.columns[b]!]! * columns.values[b]!;
    total += columns.values[a]! * s;
  }
  return total;
}

/**
 * EASE for catalogs too large for an exact inverse: each item's column of B is the same ridge regression EASE
 * solves (the item's column of X on the other items, weight zero on itself), restricted to the `neighbours` items
 * that co-occur with it most. A neighbours × neighbours Cholesky solve per item replaces one items × items inverse,
 * so cost grows linearly with the catalog; B comes out sparse, which also makes scoring cheap.
 *
 * @example const model = fitNeighbourhoodEase({ rows, columns, settings: { lambda: 100, emphasis: 0 }, neighbours: 200 })
 */
import type { SparseRows } from "./recommend-interaction-matrix.js";
import { sparseFromTriples } from "./recommend-interaction-matrix.js";
import { type EaseSettings, type ItemToItemModel, regularisers } from "./recommend-item-model.js";
import { topIndexes } from "./recommend-top-indexes.js";

export interface FitNeighbourhoodEaseOptions {
  rows: SparseRows;
  columns: SparseRows;
  settings: EaseSettings;
  /** Co-occurring items kept per target item. */
  neighbours: number;
}

/** Fits the sparse approximation of EASE. Memory: a dense items × items Float32 co-occurrence (4 bytes × m²). */
export function fitNeighbourhoodEase(options: FitNeighbourhoodEaseOptions): ItemToItemModel {
  const { rows, settings } = options;
  const m = rows.columnCount;
  const gram = new Float32Array(m * m);
  for (let u = 0; u < rows.rowCount; u += 1) {
    const start = rows.starts[u]!;
    const end = rows.starts[u + 1]!;
    for (let a = start; a < end; a += 1) {
      const base = rows.columns[a]! * m;
      const va = rows.values[a]!;
      for (let b = start; b < end; b += 1) gram[base + rows.columns[b]!]! += va * rows.values[b]!;
    }
  }
  const diagonal = new Float64Array(m);
  for (let j = 0; j < m; j += 1) diagonal[j] = gram[j * m + j]!;
  const lambda = regularisers(diagonal, settings);
  const k = Math.max(1, options.neighbours);
  const system = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  const triples: [number, number, number][] = [];
  const row = new Float64Array(m);
  for (let j = 0; j < m; j += 1) {
    const base = j * m;
    let candidates = 0;
    for (let i = 0; i < m; i += 1) {
      const g = gram[base + i]!;
      row[i] = i !== j && g > 0 ? g : Number.NEGATIVE_INFINITY;
      if (i !== j && g > 0) candidates += 1;
    }
    if (candidates === 0) continue;
    const neighbours = topIndexes(row, Math.min(k, candidates));
    const size = neighbours.length;
    for (let a = 0; a < size; a += 1) {
      const ia = neighbours[a]! * m;
      for (let b = 0; b <= a; b += 1) {
        const g = gram[ia + neighbours[b]!]!;
        system[a * size + b] = g;
        system[b * size + a] = g;
      }
      system[a * size + a]! += lambda[neighbours[a]!]!;
      rhs[a] = gram[base + neighbours[a]!]!;
    }
    solveInPlace(system, rhs, size);
    for (let a = 0; a < size; a += 1) if (rhs[a] !== 0) triples.push([neighbours[a]!, j, rhs[a]!]);
  }
  // Rows of B: from-item → (to-item, weight), the order scoring reads them in.
  const weights = sparseFromTriples(m, m, triples);
  return {
    kind: "ease-neighbourhood",
    itemCount: m,
    scoreInto(items, values, out) {
      for (let a = 0; a < items.length; a += 1) {
        const i = items[a]!;
        const v = values[a]!;
        for (let e = weights.starts[i]!; e < weights.starts[i + 1]!; e += 1)
          out[weights.columns[e]!]! += v * weights.values[e]!;
      }
    },
    weight(from, to) {
      let low = weights.starts[from]!;
      let high = weights.starts[from + 1]! - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const c = weights.columns[mid]!;
        if (c === to) return weights.values[mid]!;
        if (c < to) low = mid + 1;
        else high = mid - 1;
      }
      return 0;
    },
  };
}

/** Solves A x = b for a small SPD A (n × n, leading block of `a`); x overwrites b, A is destroyed. */
function solveInPlace(a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i += 1) {
    const ri = i * n;
    for (let j = 0; j <= i; j += 1) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k += 1) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = j < i ? s / a[rj + j]! : Math.sqrt(s);
    }
  }
  for (let i = 0; i < n; i += 1) {
    let s = b[i]!;
    for (let k = 0; k < i; k += 1) s -= a[i * n + k]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k += 1) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
}

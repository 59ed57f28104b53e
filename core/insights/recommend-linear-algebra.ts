/**
 * Dense symmetric positive-definite inversion for the closed-form item model, in plain TypeScript (no LAPACK on
 * npm). Cholesky, then L⁻¹, then P = L⁻ᵀL⁻¹: each step is written as dot products of contiguous rows, four rows at
 * a time, because in JavaScript memory traffic, not arithmetic, is what costs: a row read once serves four dots.
 *
 * @example const inverse = invertSymmetricPositiveDefinite(gram, n) // gram: n × n row-major, overwritten
 */

/**
 * Inverts an n × n symmetric positive-definite matrix (row-major). The input is overwritten and returned holding
 * the full symmetric inverse. Throws when the matrix is not positive definite (a model bug: EASE adds λ > 0).
 */
export function invertSymmetricPositiveDefinite(matrix: Float64Array, n: number): Float64Array {
  choleskyInPlace(matrix, n);
  const upper = inverseFactorColumns(matrix, n);
  productOfRows(upper, n, matrix);
  return matrix;
}

// --- Cholesky: L (lower, row-major) overwrites the lower triangle

function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rowsInBlock = Math.min(4, n - i0);
    const r0 = i0 * n;
    const r1 = (i0 + 1) * n;
    const r2 = (i0 + 2) * n;
    const r3 = (i0 + 3) * n;
    // Columns left of the block: four dots per row j, sharing the read of row j.
    for (let j = 0; j < i0; j += 1) {
      const rj = j * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      if (rowsInBlock === 4) {
        for (let k = 0; k < j; k += 1) {
          const l = a[rj + k]!;
          s0 += a[r0 + k]! * l;
          s1 += a[r1 + k]! * l;
          s2 += a[r2 + k]! * l;
          s3 += a[r3 + k]! * l;
        }
        const d = a[rj + j]!;
        a[r0 + j] = (a[r0 + j]! - s0) / d;
        a[r1 + j] = (a[r1 + j]! - s1) / d;
        a[r2 + j] = (a[r2 + j]! - s2) / d;
        a[r3 + j] = (a[r3 + j]! - s3) / d;
      } else {
        for (let r = 0; r < rowsInBlock; r += 1) {
          const ri = (i0 + r) * n;
          let s = 0;
          for (let k = 0; k < j; k += 1) s += a[ri + k]! * a[rj + k]!;
          a[ri + j] = (a[ri + j]! - s) / a[rj + j]!;
        }
      }
    }
    // The small triangle inside the block.
    for (let r = 0; r < rowsInBlock; r += 1) {
      const i = i0 + r;
      const ri = i * n;
      for (let j = i0; j <= i; j += 1) {
        const rj = j * n;
        let s = a[ri + j]!;
        for (let k = 0; k < j; k += 1) s -= a[ri + k]! * a[rj + k]!;
        if (j < i) a[ri + j] = s / a[rj + j]!;
        else {
          if (!(s > 0)) throw new Error(`matrix not positive definite at row ${i}`);
          a[ri + i] = Math.sqrt(s);
        }
      }
    }
  }
}

// --- Columns of L⁻¹, stored as rows of U = L⁻ᵀ (row a holds entries a … n-1)

function inverseFactorColumns(l: Float64Array, n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let a0 = 0; a0 < n; a0 += 4) {
    const count = Math.min(4, n - a0);
    const u0 = a0 * n;
    const u1 = (a0 + 1) * n;
    const u2 = (a0 + 2) * n;
    const u3 = (a0 + 3) * n;
    // Forward substitution L m = e_a for the block's columns; entries below a are zero.
    for (let i = a0; i < n; i += 1) {
      const ri = i * n;
      const diagonal = l[ri + i]!;
      if (count === 4 && i >= a0 + 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = a0; k < i; k += 1) {
          const lik = l[ri + k]!;
          s0 += lik * u[u0 + k]!;
          s1 += lik * u[u1 + k]!;
          s2 += lik * u[u2 + k]!;
          s3 += lik * u[u3 + k]!;
        }
        u[u0 + i] = -s0 / diagonal;
        u[u1 + i] = -s1 / diagonal;
        u[u2 + i] = -s2 / diagonal;
        u[u3 + i] = -s3 / diagonal;
      } else {
        for (let c = 0; c < count; c += 1) {
          const a = a0 + c;
          if (i < a) continue;
          const ua = a * n;
          let s = i === a ? 1 : 0;
          for (let k = a; k < i; k += 1) s -= l[ri + k]! * u[ua + k]!;
          u[ua + i] = s / diagonal;
        }
      }
    }
  }
  return u;
}

// --- P = L⁻ᵀ L⁻¹: P[a][b] = Σ_{i ≥ max(a, b)} U[a][i] U[b][i]

function productOfRows(u: Float64Array, n: number, out: Float64Array): void {
  for (let a0 = 0; a0 < n; a0 += 4) {
    const count = Math.min(4, n - a0);
    for (let b = 0; b < a0; b += 1) {
      const ub = b * n;
      if (count === 4) {
        const ua0 = a0 * n;
        const ua1 = ua0 + n;
        const ua2 = ua1 + n;
        const ua3 = ua2 + n;
        // Rows a0+1 … a0+3 are zero before their own index, so the shared range starts at a0.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = a0; i < n; i += 1) {
          const v = u[ub + i]!;
          s0 += u[ua0 + i]! * v;
          s1 += u[ua1 + i]! * v;
          s2 += u[ua2 + i]! * v;
          s3 += u[ua3 + i]! * v;
        }
        out[a0 * n + b] = s0;
        out[b * n + a0] = s0;
        out[(a0 + 1) * n + b] = s1;
        out[b * n + a0 + 1] = s1;
        out[(a0 + 2) * n + b] = s2;
        out[b * n + a0 + 2] = s2;
        out[(a0 + 3) * n + b] = s3;
        out[b * n + a0 + 3] = s3;
      } else {
        for (let c = 0; c < count; c += 1) {
          const a = a0 + c;
          const ua = a * n;
          let s = 0;
          for (let i = a; i < n; i += 1) s += u[ua + i]! * u[ub + i]!;
          out[a * n + b] = s;
          out[b * n + a] = s;
        }
      }
    }
    for (let a = a0; a < a0 + count; a += 1) {
      for (let b = a0; b <= a; b += 1) {
        let s = 0;
        for (let i = a; i < n; i += 1) s += u[a * n + i]! * u[b * n + i]!;
        out[a * n + b] = s;
        out[b * n + a] = s;
      }
    }
  }
}

/**
 * The shape every fitted item-to-item model shares, so scoring, blending, reasons and product rules do not care
 * which solver produced it (dense EASE, its dual form, or the sparse neighbourhood approximation).
 */

/** A fitted item-to-item model over the matrix's item indexes. */
export interface ItemToItemModel {
  /** Which solver produced it, for reports. */
  kind: "ease-dense" | "ease-dual" | "ease-neighbourhood";
  itemCount: number;
  /**
   * Adds the scores of every item for one member into `out` (length itemCount): Σ over the member's items i of
   * value_i × weight(i, j). The member need not be one the model was fitted on.
   */
  scoreInto(items: ArrayLike<number>, values: ArrayLike<number>, out: Float64Array): void;
  /** How much having item `from` pushes item `to`: the model's B[from][to] (0 on the diagonal). */
  weight(from: number, to: number): number;
}

/** EASE's regularisation: Λ_j = λ + emphasis × G_jj (emphasis > 0 is the dropout-emphasis variant, DLAE). */
export interface EaseSettings {
  lambda: number;
  /** p / (1 − p) of DLAE's dropout p; 0 is plain EASE. */
  emphasis: number;
}

/** The diagonal regulariser for each item, from the item's own count (G_jj). */
export function regularisers(diagonal: Float64Array, settings: EaseSettings): Float64Array {
  const out = new Float64Array(diagonal.length);
  for (let j = 0; j < diagonal.length; j += 1) out[j] = settings.lambda + settings.emphasis * diagonal[j]!;
  return out;
}

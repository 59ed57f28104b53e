/**
 * The member × item matrix every recommender reads: compressed sparse rows (one row per member, the items they
 * touched and a weight), with the transpose kept beside it because item-item models walk item columns as often as
 * member rows. Ids stay strings at the edge (CSV ids, database ids) and become dense indexes inside.
 *
 * @example const matrix = buildInteractionMatrix({ interactions: [{ memberId: "7", itemId: "42", weight: 1 }] })
 */

/** One implicit-feedback interaction; several rows for the same member and item add up. */
export interface Interaction {
  memberId: string;
  itemId: string;
  /** Strength of the signal (a product weight, a rating); must be > 0 to count. */
  weight: number;
  /** When it happened, in milliseconds; used only to order, never required. */
  occurredAt?: number;
}

/** A sparse matrix in compressed rows: row r holds columns `columns[starts[r] … starts[r + 1])`. */
export interface SparseRows {
  rowCount: number;
  columnCount: number;
  starts: Int32Array;
  columns: Int32Array;
  values: Float32Array;
}

/** Members × items with the id maps and the transpose (items × members). */
export interface InteractionMatrix {
  memberIds: string[];
  itemIds: string[];
  memberIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  /** members × items */
  rows: SparseRows;
  /** items × members */
  columns: SparseRows;
}

/** How repeated or graded interactions become a cell value. */
export type WeightMode = "binary" | "weight" | "log";

export interface BuildInteractionMatrixOptions {
  /** Any iterable: a generator lets a large batch stream in without an array of objects. */
  interactions: Iterable<Interaction>;
  /** "binary": 1 per touched item; "weight": the summed weight; "log": ln(1 + summed weight). Default "binary". */
  mode?: WeightMode;
  /** Extra items to index even without interactions (e.g. a new course), so content similarity can reach them. */
  extraItemIds?: readonly string[];
}

/** Builds the matrix; members and items are indexed in order of first appearance. */
export function buildInteractionMatrix(options: BuildInteractionMatrixOptions): InteractionMatrix {
  const mode = options.mode ?? "binary";
  const memberIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const memberIds: string[] = [];
  const itemIds: string[] = [];
  // Plain number arrays, not one object per cell: millions of interactions must stay cheap in memory.
  const memberOf: number[] = [];
  const itemOf: number[] = [];
  const weightOf: number[] = [];
  for (const interaction of options.interactions) {
    if (!(interaction.weight > 0)) continue;
    let member = memberIndex.get(interaction.memberId);
    if (member === undefined) {
      member = memberIds.length;
      memberIndex.set(interaction.memberId, member);
      memberIds.push(interaction.memberId);
    }
    let item = itemIndex.get(interaction.itemId);
    if (item === undefined) {
      item = itemIds.length;
      itemIndex.set(interaction.itemId, item);
      itemIds.push(interaction.itemId);
    }
    memberOf.push(member);
    itemOf.push(item);
    weightOf.push(interaction.weight);
  }
  for (const itemId of options.extraItemIds ?? []) {
    if (itemIndex.has(itemId)) continue;
    itemIndex.set(itemId, itemIds.length);
    itemIds.push(itemId);
  }
  // Counting sort by member, then by item within each member; repeated cells are summed.
  const n = memberIds.length;
  const counts = new Int32Array(n + 1);
  for (const member of memberOf) counts[member + 1]! += 1;
  for (let r = 0; r < n; r += 1) counts[r + 1]! += counts[r]!;
  const fill = counts.slice(0, n);
  const order = new Int32Array(memberOf.length);
  memberOf.forEach((member, at) => {
    order[fill[member]!] = at;
    fill[member]! += 1;
  });
  const starts = new Int32Array(n + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < n; r += 1) {
    const cells = Array.from(order.subarray(counts[r]!, counts[r + 1]!)).sort((a, b) => itemOf[a]! - itemOf[b]!);
    let previous = -1;
    for (const at of cells) {
      if (itemOf[at] === previous) values[values.length - 1]! += weightOf[at]!;
      else {
        previous = itemOf[at]!;
        columns.push(previous);
        values.push(weightOf[at]!);
      }
    }
    starts[r + 1] = columns.length;
  }
  const cellValues = Float32Array.from(values, (sum) =>
    mode === "binary" ? 1 : mode === "log" ? Math.log1p(sum) : sum,
  );
  const rows: SparseRows = {
    rowCount: n,
    columnCount: itemIds.length,
    starts,
    columns: Int32Array.from(columns),
    values: cellValues,
  };
  return { memberIds, itemIds, memberIndex, itemIndex, rows, columns: transposeSparse(rows) };
}

/** Compressed rows from (row, column, value) triples with no duplicates; columns sorted within each row. */
export function sparseFromTriples(
  rowCount: number,
  columnCount: number,
  triples: readonly (readonly [number, number, number])[],
): SparseRows {
  const starts = new Int32Array(rowCount + 1);
  for (const [row] of triples) starts[row + 1]! += 1;
  for (let r = 0; r < rowCount; r += 1) starts[r + 1]! += starts[r]!;
  const fill = starts.slice(0, rowCount);
  const columns = new Int32Array(triples.length);
  const values = new Float32Array(triples.length);
  for (const [row, column, value] of triples) {
    const at = fill[row]!;
    fill[row] = at + 1;
    columns[at] = column;
    values[at] = value;
  }
  const rows: SparseRows = { rowCount, columnCount, starts, columns, values };
  return transposeSparse(transposeSparse(rows));
}

/** The transpose; a counting sort, so columns come out sorted within each row. */
export function transposeSparse(matrix: SparseRows): SparseRows {
  const { rowCount, columnCount, starts, columns, values } = matrix;
  const outStarts = new Int32Array(columnCount + 1);
  for (let k = 0; k < columns.length; k += 1) outStarts[columns[k]! + 1]! += 1;
  for (let c = 0; c < columnCount; c += 1) outStarts[c + 1]! += outStarts[c]!;
  const fill = outStarts.slice(0, columnCount);
  const outColumns = new Int32Array(columns.length);
  const outValues = new Float32Array(columns.length);
  for (let r = 0; r < rowCount; r += 1) {
    for (let k = starts[r]!; k < starts[r + 1]!; k += 1) {
      const c = columns[k]!;
      const at = fill[c]!;
      fill[c] = at + 1;
      outColumns[at] = r;
      outValues[at] = values[k]!;
    }
  }
  return { rowCount: columnCount, columnCount: rowCount, starts: outStarts, columns: outColumns, values: outValues };
}

/** Number of stored entries in row r. */
export function rowLength(matrix: SparseRows, row: number): number {
  return matrix.starts[row + 1]! - matrix.starts[row]!;
}

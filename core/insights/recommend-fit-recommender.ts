/**
 * Fits the whole recommender for given settings: the interaction matrix, the item-to-item model (exact EASE when a
 * side is small enough to invert, the neighbourhood approximation otherwise), content neighbours when items are
 * described, and item popularity.
 *
 * @example const recommender = fitRecommender({ interactions, settings: DEFAULT_RECOMMENDER_SETTINGS })
 */
import { buildContentNeighbours, type ItemDescription } from "./recommend-content-similarity.js";
import { fitEase, MAX_DENSE_SIDE } from "./recommend-fit-ease.js";
import { fitNeighbourhoodEase } from "./recommend-fit-neighbourhood-ease.js";
import {
  buildInteractionMatrix,
  type Interaction,
  type InteractionMatrix,
  rowLength,
  type SparseRows,
} from "./recommend-interaction-matrix.js";
import type { ItemToItemModel } from "./recommend-item-model.js";
import { CONTENT_NEIGHBOURS, type RecommenderSettings } from "./recommend-settings.js";

/** A fitted recommender: everything scoring needs. */
export interface Recommender {
  settings: RecommenderSettings;
  matrix: InteractionMatrix;
  model: ItemToItemModel;
  /** items × items content similarity (best neighbours), when items were described. */
  content: SparseRows | null;
  /** Members per item, divided by the largest. */
  popularity: Float64Array;
  /** Members per item. */
  itemCounts: Int32Array;
  /** Mean interactions per item and per member: the scales at which an item or a member counts as "few". */
  meanItemCount: number;
  meanMemberCount: number;
}

export interface FitRecommenderOptions {
  interactions: Iterable<Interaction>;
  settings: RecommenderSettings;
  /** Content of items (titles, summaries, tags), keyed by item id. */
  items?: ReadonlyMap<string, ItemDescription>;
}

/** Which solver a matrix gets: exact when either side fits the dense inverse, unless settings ask otherwise. */
export function canSolveExactly(members: number, items: number): boolean {
  return Math.min(members, items) <= MAX_DENSE_SIDE;
}

/** Fits the recommender; the settings' solver is downgraded to "neighbourhood" when exact is out of reach. */
export function fitRecommender(options: FitRecommenderOptions): Recommender {
  // Descriptions matter only when content is blended in; then undescribed-yet items (new courses) join the matrix.
  const items = options.settings.contentWeight > 0 ? options.items : undefined;
  const matrix = buildInteractionMatrix({
    interactions: options.interactions,
    mode: options.settings.weightMode,
    extraItemIds: items ? [...items.keys()] : [],
  });
  const members = matrix.memberIds.length;
  const itemTotal = matrix.itemIds.length;
  const exact = options.settings.solver === "exact" && canSolveExactly(members, itemTotal);
  const settings: RecommenderSettings = { ...options.settings, solver: exact ? "exact" : "neighbourhood" };
  const model = exact
    ? fitEase({ rows: matrix.rows, columns: matrix.columns, settings: settings.ease })
    : fitNeighbourhoodEase({
        rows: matrix.rows,
        columns: matrix.columns,
        settings: settings.ease,
        neighbours: settings.neighbours,
      });
  const content = items
    ? buildContentNeighbours({
        itemIds: matrix.itemIds,
        describe: (id) => items.get(id),
        neighbours: CONTENT_NEIGHBOURS,
      })
    : null;
  const itemCounts = new Int32Array(itemTotal);
  let largest = 1;
  for (let j = 0; j < itemTotal; j += 1) {
    itemCounts[j] = rowLength(matrix.columns, j);
    largest = Math.max(largest, itemCounts[j]!);
  }
  const popularity = new Float64Array(itemTotal);
  for (let j = 0; j < itemTotal; j += 1) popularity[j] = itemCounts[j]! / largest;
  const entries = matrix.rows.columns.length;
  return {
    settings,
    matrix,
    model,
    content,
    popularity,
    itemCounts,
    meanItemCount: itemTotal ? entries / itemTotal : 0,
    meanMemberCount: members ? entries / members : 0,
  };
}

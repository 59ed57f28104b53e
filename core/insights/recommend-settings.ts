/**
 * The recommender's settings. None is tuned to one data set: `chooseRecommenderSettings` picks them by validation
 * inside each training set; these defaults are only the starting point and what a tiny community falls back on.
 */
import type { WeightMode } from "./recommend-interaction-matrix.js";
import type { EaseSettings } from "./recommend-item-model.js";

export interface RecommenderSettings {
  weightMode: WeightMode;
  ease: EaseSettings;
  /** "exact": EASE (primal or dual); "neighbourhood": the sparse approximation, for large catalogs. */
  solver: "exact" | "neighbourhood";
  /** Co-occurring items per item for the neighbourhood solver. */
  neighbours: number;
  /** Weight of content similarity, scaled up for items with few interactions (0: off). */
  contentWeight: number;
  /** Weight of popularity, scaled up for members with few interactions (0: off). */
  popularityWeight: number;
}

export const DEFAULT_RECOMMENDER_SETTINGS: RecommenderSettings = {
  weightMode: "binary",
  ease: { lambda: 100, emphasis: 0 },
  solver: "exact",
  neighbours: 100,
  contentWeight: 0,
  popularityWeight: 0.1,
};

/** Content neighbours kept per item. */
export const CONTENT_NEIGHBOURS = 50;

/**
 * The churn model as stored (plain JSON) and the scoring of one member with it: a blend, in log-odds, of the
 * gradient-boosted trees and the logistic regression (weights chosen by validation inside the training data), or
 * the rule-based scorer when the community had too little labelled history.
 *
 * Score = probability that the member churns (the evaluation contract: higher = more likely to leave).
 */
import { type ChurnFeatureSchema, memberFeatureNames } from "./churn-features.js";
import { type BoostedTrees, predictMargin, treeContributions } from "./gradient-boosting.js";
import { GROUP_FEATURE_NAMES, type GroupStats, groupInputIndex, writeGroupFeatures } from "./group-features.js";
import { type LogisticModel, logisticContributions, logisticMargin } from "./logistic-regression.js";
import { type ChurnRuleSettings, ruleContributions, ruleScore } from "./rule-based-churn.js";

export const CHURN_MODEL_FORMAT = "lyceum-churn/1";

export interface ChurnModel {
  format: typeof CHURN_MODEL_FORMAT;
  kind: "learned" | "rules";
  schema: ChurnFeatureSchema;
  featureNames: string[];
  /** Community statistics from the training members, `*` for everyone. */
  groups: Record<string, GroupStats>;
  trees: BoostedTrees | null;
  logistic: LogisticModel | null;
  /** Weight of the trees in the log-odds blend (1 − weight for the logistic model). */
  treeWeight: number;
  rules: ChurnRuleSettings;
  training: {
    members: number;
    churnRate: number;
    trainedAt: string;
    /** What inner validation chose and measured (AUC on the held-back share of the training members). */
    chosen: Record<string, number | string>;
    validation: Record<string, number>;
  };
}

/** The full feature names of a schema: member features, then community features. */
export function churnFeatureNames(schema: ChurnFeatureSchema): string[] {
  return [...memberFeatureNames(schema), ...GROUP_FEATURE_NAMES];
}

/**
 * Appends the community features to a member vector: `out` has room for all of `churnFeatureNames`.
 * `memberColumns` features are copied from `member` (which may be `out` itself).
 */
export function assembleChurnVector(
  schema: ChurnFeatureSchema,
  member: Float64Array,
  stats: GroupStats,
  out: Float64Array,
): Float64Array {
  const names = memberFeatureNames(schema);
  if (member !== out) out.set(member.subarray(0, names.length));
  const horizon = schema.windows[schema.windows.length - 1] ?? 30;
  writeGroupFeatures(groupInputIndexCached(schema, names, horizon), member, stats, out, names.length);
  return out;
}

const indexCache = new WeakMap<ChurnFeatureSchema, ReturnType<typeof groupInputIndex>>();
function groupInputIndexCached(schema: ChurnFeatureSchema, names: string[], horizon: number) {
  let index = indexCache.get(schema);
  if (!index) {
    index = groupInputIndex(names, horizon);
    indexCache.set(schema, index);
  }
  return index;
}

/** What a model trained on nobody knows of any community (the rules' first days): nothing, and no churn rate. */
const NO_GROUP_STATS: GroupStats = {
  members: 0,
  meanTotal: 0,
  meanActiveDays: 0,
  meanRecency: 0,
  activeShare7d: 0,
  churnRate: Number.NaN,
};

/**
 * The statistics to use for a community: the model's own, else those given (from the scored population), else
 * global. A model trained on no labelled member at all (a new community, scored by the rules) has none of its own.
 */
export function groupStatsFor(model: ChurnModel, group: string | undefined, fallback?: GroupStats): GroupStats {
  const own = group === undefined ? undefined : model.groups[group];
  if (own) return own;
  const global = model.groups["*"] ?? NO_GROUP_STATS;
  return fallback ? { ...fallback, churnRate: global.churnRate } : global;
}

/** The blended log-odds of a full feature vector. */
export function churnMargin(model: ChurnModel, vector: ArrayLike<number>): number {
  if (model.kind === "rules") return ruleScore(model.rules, model.featureNames, vector);
  let margin = 0;
  if (model.trees && model.treeWeight > 0) margin += model.treeWeight * predictMargin(model.trees, vector);
  if (model.logistic && model.treeWeight < 1) margin += (1 - model.treeWeight) * logisticMargin(model.logistic, vector);
  return margin;
}

/** Probability of churn for a full feature vector (the rule scorer's points are squashed the same way). */
export function churnProbability(model: ChurnModel, vector: ArrayLike<number>): number {
  return 1 / (1 + Math.exp(-churnMargin(model, vector)));
}

/** Per-feature contributions to the log-odds (positive = towards churn), in `featureNames` order. */
export function churnContributions(model: ChurnModel, vector: ArrayLike<number>): Float64Array {
  const out = new Float64Array(model.featureNames.length);
  if (model.kind === "rules") {
    ruleContributions(model.rules, model.featureNames, vector, out);
    return out;
  }
  if (model.trees && model.treeWeight > 0) {
    const trees = new Float64Array(out.length);
    treeContributions(model.trees, vector, trees);
    for (let i = 0; i < out.length; i += 1) out[i] = model.treeWeight * (trees[i] as number);
  }
  if (model.logistic && model.treeWeight < 1) logisticContributions(model.logistic, vector, out, 1 - model.treeWeight);
  return out;
}

/** Parses and checks a stored model (JSON text): a model of another format is refused, not misread. */
export function parseChurnModel(text: string): ChurnModel {
  const model = JSON.parse(text) as ChurnModel;
  if (model?.format !== CHURN_MODEL_FORMAT) throw new Error(`not a ${CHURN_MODEL_FORMAT} model`);
  const expected = churnFeatureNames(model.schema);
  if (expected.join("|") !== model.featureNames.join("|")) throw new Error("model features do not match its schema");
  return model;
}

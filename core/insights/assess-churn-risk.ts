/**
 * Churn risk of the community's current members at a moment `asOf`, learned from the community's own history:
 *
 * 1. Labelled snapshots: every `snapshotEveryDays` days back over `lookbackDays`, at moments whose outcome is known
 *    by `asOf` (snapshot + H ≤ asOf), the members current then (paying, or active in the last 30 days) with their
 *    features from what happened strictly before the snapshot and the label "churned within the next H days"
 *    (no activity for H days, or paid access ended without renewal).
 * 2. `trainChurnModel` on them: gradient-boosted trees and a logistic regression, or the rule scorer while the
 *    history is too short.
 * 3. Every member current at `asOf` scored, with the top reasons as codes and numbers (rendered in any language).
 *
 * Nothing here reads anything at or after `asOf`, so the same `asOf` gives the same scores however much happened
 * since (the leakage test relies on it).
 *
 * @example const { assessments } = await assessChurnRisk(ctx, { asOf: ctx.clock.now() })
 */
import type { CoreContext } from "../context.js";
import {
  type ChurnFeatureSchema,
  computeMemberFeatures,
  createFeatureScratch,
  DAY_MS,
  DEFAULT_WINDOWS,
  memberFeatureNames,
} from "./churn-features.js";
import { assembleChurnVector, type ChurnModel, churnProbability, groupStatsFor } from "./churn-model.js";
import { type ChurnSettings, churnSettings } from "./churn-settings.js";
import { type ChurnReason, explainChurnRisk } from "./explain-churn-risk.js";
import {
  type CommunityHistory,
  churnExtrasAt,
  churnedAfter,
  currentAt,
  loadMemberHistory,
} from "./load-member-history.js";
import { trainChurnModel } from "./train-churn-model.js";
import { keepTrainingRow, MAX_TRAINING_ROWS, trainingShare } from "./training-sample.js";

export interface ChurnAssessment {
  memberId: number;
  /** Probability of churning within the next H days. */
  score: number;
  reasons: ChurnReason[];
}

/** The feature windows' longest span: how far back activity counts for "current" and for features. */
export const CURRENT_ACTIVITY_DAYS = DEFAULT_WINDOWS[DEFAULT_WINDOWS.length - 1] as number;

/** The labelled snapshots' moments (ms), newest first: each one's outcome is known at `asOf`. */
export function snapshotMoments(asOf: number, settings: ChurnSettings): number[] {
  const moments: number[] = [];
  const oldest = asOf - settings.lookbackDays * DAY_MS;
  for (let at = asOf - settings.idleDays * DAY_MS; at >= oldest; at -= settings.snapshotEveryDays * DAY_MS)
    moments.push(at);
  return moments;
}

/** Loads what the model needs: from the oldest snapshot's feature window up to (not including) `asOf`. */
export function loadChurnHistory(ctx: CoreContext, asOf: Date, settings: ChurnSettings): Promise<CommunityHistory> {
  const since = new Date(asOf.getTime() - (settings.lookbackDays + CURRENT_ACTIVITY_DAYS + 1) * DAY_MS);
  return loadMemberHistory(ctx, { since, until: asOf });
}

/** Member features at `at` from events strictly before it, into `out`. */
function featuresAt(
  history: CommunityHistory,
  schema: ChurnFeatureSchema,
  memberIndex: number,
  at: number,
  out: Float64Array,
  scratch: ReturnType<typeof createFeatureScratch>,
): Float64Array {
  const member = history.members[memberIndex]!;
  return computeMemberFeatures({
    schema,
    asOf: at - 1, // churn-features keeps events at as_of itself; "strictly before" is one millisecond earlier
    events: member.events,
    extras: churnExtrasAt(history, member, at),
    out,
    scratch,
  });
}

/**
 * Trains the community's churn model from its history as known at `asOf` (the rule scorer with H as its
 * inactivity threshold when there is too little labelled history).
 */
export function trainCommunityChurnModel(
  history: CommunityHistory,
  asOf: number,
  settings: ChurnSettings,
  maxRows = MAX_TRAINING_ROWS,
): ChurnModel {
  const schema: ChurnFeatureSchema = { eventTypes: [...history.eventTypes], windows: [...DEFAULT_WINDOWS] };
  const columns = memberFeatureNames(schema).length;
  const scratch = createFeatureScratch(schema);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  const moments = snapshotMoments(asOf, settings);
  let pairs = 0;
  for (const at of moments)
    for (const member of history.members) if (currentAt(member, at, CURRENT_ACTIVITY_DAYS)) pairs += 1;
  const share = trainingShare(pairs, maxRows);
  for (const at of moments) {
    history.members.forEach((member, i) => {
      if (!currentAt(member, at, CURRENT_ACTIVITY_DAYS) || !keepTrainingRow(member.id, at, share)) return;
      rows.push(featuresAt(history, schema, i, at, new Float64Array(columns), scratch));
      labels.push(churnedAfter(member, at, settings.idleDays));
    });
  }
  const memberFeatures = new Float64Array(rows.length * columns);
  rows.forEach((row, i) => {
    memberFeatures.set(row, i * columns);
  });
  const model = trainChurnModel({
    data: {
      schema,
      memberFeatures,
      groups: new Int32Array(rows.length).fill(-1),
      groupNames: [],
      labels: Uint8Array.from(labels),
    },
    maxTrees: settings.maxTrees,
  });
  // The rules read "inactive" as the community's own H.
  return { ...model, rules: { ...model.rules, inactiveDays: settings.idleDays } };
}

/**
 * Scores every member current at `asOf` with `model` (the community's, trained now when not given).
 */
export async function assessChurnRisk(
  ctx: CoreContext,
  options: { asOf?: Date; model?: ChurnModel; settings?: Partial<ChurnSettings>; history?: CommunityHistory } = {},
): Promise<{ model: ChurnModel; assessments: ChurnAssessment[] }> {
  const asOf = options.asOf ?? ctx.clock.now();
  const settings = churnSettings(ctx, options.settings);
  const history = options.history ?? (await loadChurnHistory(ctx, asOf, settings));
  const at = asOf.getTime();
  const model = options.model ?? trainCommunityChurnModel(history, at, settings);
  return { model, assessments: scoreHistory(history, model, at) };
}

/** Scores the members of a loaded history who are current at `at`. */
export function scoreHistory(history: CommunityHistory, model: ChurnModel, at: number): ChurnAssessment[] {
  const schema = model.schema;
  const vector = new Float64Array(model.featureNames.length);
  const scratch = createFeatureScratch(schema);
  // The model's own vocabulary: a kind it never saw is counted in the totals only (index −1).
  const toModel = history.eventTypes.map((type) => schema.eventTypes.indexOf(type));
  const stats = groupStatsFor(model, "");
  const assessments: ChurnAssessment[] = [];
  for (const member of history.members) {
    if (!currentAt(member, at, CURRENT_ACTIVITY_DAYS)) continue;
    const types = Array.from(member.events.types, (t) => toModel[t as number] ?? -1);
    computeMemberFeatures({
      schema,
      asOf: at - 1,
      events: { ...member.events, types },
      extras: churnExtrasAt(history, member, at),
      out: vector,
      scratch,
    });
    assembleChurnVector(schema, vector, stats, vector);
    assessments.push({
      memberId: member.id,
      score: churnProbability(model, vector),
      reasons: explainChurnRisk({ model, vector }),
    });
  }
  return assessments;
}

/**
 * Feature tables and scores for a whole population of members (the evaluation commands, the daily job, the scale
 * benchmark). Scoring streams: one member's vector is built, scored and handed to `onScore`, so a million members
 * need memory only for their events, not for a feature matrix.
 */
import type { GroupedActivity } from "./activity-store.js";
import { memberEventsView, schemaTypeMap } from "./activity-store.js";
import {
  type ChurnExtras,
  type ChurnFeatureSchema,
  computeMemberFeatures,
  createFeatureScratch,
  DEFAULT_WINDOWS,
  memberFeatureNames,
} from "./churn-features.js";
import { assembleChurnVector, type ChurnModel, churnProbability, groupStatsFor } from "./churn-model.js";
import { type GroupStats, GroupStatsBuilder, groupInputIndex } from "./group-features.js";

/** Most event types that get their own features (the rest count in the totals). */
const MAX_EVENT_TYPES = 24;

/** The feature schema for a training population: its event types, most frequent first. */
export function schemaForActivity(activity: GroupedActivity, windows = DEFAULT_WINDOWS): ChurnFeatureSchema {
  const totals = new Map<string, number>();
  for (let i = 0; i < activity.types.length; i += 1) {
    const name = activity.typeNames[activity.types[i] as number] as string;
    totals.set(name, (totals.get(name) ?? 0) + 1);
  }
  const eventTypes = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_EVENT_TYPES)
    .map(([name]) => name);
  return { eventTypes, windows: [...windows] };
}

/** Member features of every member, row-major (training: the populations there are small enough). */
export function computeFeatureTable(
  activity: GroupedActivity,
  schema: ChurnFeatureSchema,
  extras?: (member: number) => ChurnExtras | undefined,
): Float64Array {
  const columns = memberFeatureNames(schema).length;
  const members = activity.memberIds.length;
  const table = new Float64Array(members * columns);
  const scratch = createFeatureScratch(schema);
  const types = schemaTypeMap(activity, schema);
  for (let m = 0; m < members; m += 1) {
    computeMemberFeatures({
      schema,
      asOf: activity.asOf[m] as number,
      events: memberEventsView(activity, types, m),
      extras: extras?.(m),
      out: table.subarray(m * columns, (m + 1) * columns),
      scratch,
    });
  }
  return table;
}

/**
 * Scores every member; `onScore(member, probability)` is called in member order. Communities the model has not
 * seen get their statistics from this population in a first pass (no labels are involved).
 */
export function scoreChurnPopulation(options: {
  model: ChurnModel;
  activity: GroupedActivity;
  extras?: (member: number) => ChurnExtras | undefined;
  onScore: (member: number, probability: number) => void;
}): void {
  const { model, activity } = options;
  const schema = model.schema;
  const names = memberFeatureNames(schema);
  const horizon = schema.windows[schema.windows.length - 1] ?? 30;
  const scratch = createFeatureScratch(schema);
  const types = schemaTypeMap(activity, schema);
  const vector = new Float64Array(model.featureNames.length);
  const members = activity.memberIds.length;
  const groupName = (m: number) => {
    const group = activity.memberGroup[m] as number;
    return group >= 0 ? (activity.groupNames[group] as string) : "";
  };
  const features = (m: number) =>
    computeMemberFeatures({
      schema,
      asOf: activity.asOf[m] as number,
      events: memberEventsView(activity, types, m),
      extras: options.extras?.(m),
      out: vector,
      scratch,
    });

  let unseen: Record<string, GroupStats> = {};
  if (activity.groupNames.some((name) => !model.groups[name])) {
    const builder = new GroupStatsBuilder(groupInputIndex(names, horizon));
    for (let m = 0; m < members; m += 1) {
      const group = groupName(m);
      if (!model.groups[group]) builder.add(group, features(m));
    }
    unseen = builder.build();
  }
  for (let m = 0; m < members; m += 1) {
    const group = groupName(m);
    features(m);
    assembleChurnVector(schema, vector, groupStatsFor(model, group, unseen[group]), vector);
    options.onScore(m, churnProbability(model, vector));
  }
}

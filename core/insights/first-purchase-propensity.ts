/**
 * Paid-conversion propensity: for every member who has not bought anything yet, the probability of a first purchase
 * within the next 30 days. A logistic regression (core/insights/logistic-regression.ts) on the churn features of
 * the member (activity per kind over several windows — previews opened, course pages viewed, lessons, questions —
 * recency, tenure), learned from the community's past: every 7 days back over the lookback, the members who had
 * not bought by then, labelled 1 when their first purchase came within the 30 days after. Features use only what
 * happened strictly before each moment.
 *
 * At most about MAX_TRAINING_ROWS snapshot rows are learned from (training-sample.ts), so a large community stays
 * within memory. With too few past first purchases to learn from (fewer than `MIN_BUYERS`), an engagement score stands in:
 * previews and course views weigh most, then any activity, so the ranking is still "most buying-like first".
 *
 * @example const { members } = await firstPurchasePropensity(ctx) // [{ memberId, probability }, …] best first
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
import { type ChurnSettings, churnSettings } from "./churn-settings.js";
import { type CommunityHistory, churnExtrasAt, loadMemberHistory, type MemberHistory } from "./load-member-history.js";
import { fitLogisticRegression, type LogisticModel, logisticMargin } from "./logistic-regression.js";
import { keepTrainingRow, trainingShare } from "./training-sample.js";

export const PURCHASE_HORIZON_DAYS = 30;
/** Fewest past first purchases (and non-purchases) to learn from. */
export const MIN_BUYERS = 5;
/** The penalty per row: strong, because buyers are few and the features many. */
const L2 = 0.05;

export interface PurchasePropensity {
  memberId: number;
  /** Probability of a first purchase within 30 days (the engagement fallback: a score on the same 0–1 scale). */
  probability: number;
}

export interface PropensityResult {
  kind: "learned" | "engagement";
  /** Labelled snapshots learned from, and how many of them bought. */
  training: { rows: number; buyers: number };
  /** Members who have not bought, most likely buyers first. */
  members: PurchasePropensity[];
}

const hasNotBoughtBy = (member: MemberHistory, at: number) => member.createdAt <= at && !(member.firstPurchaseAt < at);

function featuresAt(
  history: CommunityHistory,
  schema: ChurnFeatureSchema,
  member: MemberHistory,
  at: number,
  scratch: ReturnType<typeof createFeatureScratch>,
): Float64Array {
  return computeMemberFeatures({
    schema,
    asOf: at - 1, // strictly before `at`
    events: member.events,
    extras: churnExtrasAt(history, member, at),
    out: new Float64Array(memberFeatureNames(schema).length),
    scratch,
  });
}

/** Previews and course views weigh most, then any activity in the last 30 days, then recency. */
function engagementScore(schema: ChurnFeatureSchema, features: Float64Array): number {
  const names = memberFeatureNames(schema);
  const value = (name: string) => {
    const v = features[names.indexOf(name)];
    return v === undefined || Number.isNaN(v) ? 0 : v;
  };
  const margin =
    -3 +
    1.0 * value("count:preview_opened:30d") +
    0.8 * value("count:course_viewed:30d") +
    0.3 * value("count:all:30d") -
    0.03 * value("days_since_last");
  return 1 / (1 + Math.exp(-margin));
}

export async function firstPurchasePropensity(
  ctx: CoreContext,
  options: {
    asOf?: Date;
    settings?: Partial<ChurnSettings>;
    history?: CommunityHistory;
    maxTrainingRows?: number;
  } = {},
): Promise<PropensityResult> {
  const asOf = options.asOf ?? ctx.clock.now();
  const at = asOf.getTime();
  const settings = churnSettings(ctx, options.settings);
  const history =
    options.history ??
    (await loadMemberHistory(ctx, {
      since: new Date(at - (settings.lookbackDays + DEFAULT_WINDOWS[DEFAULT_WINDOWS.length - 1]! + 1) * DAY_MS),
      until: asOf,
    }));
  const schema: ChurnFeatureSchema = { eventTypes: [...history.eventTypes], windows: [...DEFAULT_WINDOWS] };
  const scratch = createFeatureScratch(schema);

  // --- Labelled snapshots whose 30 days are over by `asOf`.
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  const oldest = at - settings.lookbackDays * DAY_MS;
  const moments: number[] = [];
  for (let s = at - PURCHASE_HORIZON_DAYS * DAY_MS; s >= oldest; s -= settings.snapshotEveryDays * DAY_MS)
    moments.push(s);
  let pairs = 0;
  for (const s of moments) for (const member of history.members) if (hasNotBoughtBy(member, s)) pairs += 1;
  const share = trainingShare(pairs, options.maxTrainingRows);
  for (const s of moments) {
    for (const member of history.members) {
      if (!hasNotBoughtBy(member, s) || !keepTrainingRow(member.id, s, share)) continue;
      rows.push(featuresAt(history, schema, member, s, scratch));
      labels.push(member.firstPurchaseAt < s + PURCHASE_HORIZON_DAYS * DAY_MS ? 1 : 0);
    }
  }
  const buyers = labels.reduce((sum, label) => sum + label, 0);
  let model: LogisticModel | null = null;
  if (buyers >= MIN_BUYERS && rows.length - buyers >= MIN_BUYERS) {
    const columns = memberFeatureNames(schema).length;
    const values = new Float64Array(rows.length * columns);
    rows.forEach((row, i) => {
      values.set(row, i * columns);
    });
    model = fitLogisticRegression({
      matrix: { rows: rows.length, columns, values },
      labels,
      train: Int32Array.from(rows, (_, i) => i),
      l2: L2,
    });
  }

  const members: PurchasePropensity[] = [];
  for (const member of history.members) {
    if (!hasNotBoughtBy(member, at)) continue;
    const features = featuresAt(history, schema, member, at, scratch);
    const probability = model
      ? 1 / (1 + Math.exp(-logisticMargin(model, features)))
      : engagementScore(schema, features);
    members.push({ memberId: member.id, probability });
  }
  members.sort((a, b) => b.probability - a.probability || a.memberId - b.memberId);
  return { kind: model ? "learned" : "engagement", training: { rows: rows.length, buyers }, members };
}

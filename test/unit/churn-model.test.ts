import { describe, expect, it } from "vitest";
import { ActivityStore } from "../../core/insights/activity-store.js";
import { memberFeatureNames } from "../../core/insights/churn-features.js";
import {
  assembleChurnVector,
  churnProbability,
  groupStatsFor,
  parseChurnModel,
} from "../../core/insights/churn-model.js";
import { computeAuc } from "../../core/insights/compute-auc.js";
import { describeChurnReason, explainChurnRisk } from "../../core/insights/explain-churn-risk.js";
import {
  computeFeatureTable,
  schemaForActivity,
  scoreChurnPopulation,
} from "../../core/insights/score-churn-population.js";
import { trainChurnModel } from "../../core/insights/train-churn-model.js";
import { generateChurnCommunity } from "../support/churn-community.js";

function community(members: number, seed: number) {
  const store = new ActivityStore();
  const labels: number[] = [];
  generateChurnCommunity({
    members,
    seed,
    onMember: (id, asOf, churned) => {
      store.addMember(id, asOf);
      labels.push(churned);
    },
    onEvent: (id, group, type, time, count) => store.addEvent(id, group, type, time, count),
  });
  return { activity: store.group(), labels };
}

function train(members: number, seed: number) {
  const { activity, labels } = community(members, seed);
  const schema = schemaForActivity(activity);
  return trainChurnModel({
    data: {
      schema,
      memberFeatures: computeFeatureTable(activity, schema),
      groups: activity.memberGroup,
      groupNames: activity.groupNames,
      labels: Uint8Array.from(labels),
    },
    maxTrees: 200,
  });
}

function scores(model: ReturnType<typeof train>, activity: ReturnType<typeof community>["activity"]) {
  const out: number[] = [];
  scoreChurnPopulation({ model, activity, onScore: (_m, p) => out.push(p) });
  return out;
}

describe("churn model", () => {
  const model = train(3_000, 11);
  const heldOut = community(1_500, 12);

  it("ranks generated leavers above stayers on members it never saw", () => {
    expect(model.kind).toBe("learned");
    expect(computeAuc(scores(model, heldOut.activity), heldOut.labels)).toBeGreaterThan(0.8);
  });

  it("survives a JSON round trip with the same scores", () => {
    const restored = parseChurnModel(JSON.stringify(model));
    expect(scores(restored, heldOut.activity)).toEqual(scores(model, heldOut.activity));
    expect(() => parseChurnModel(JSON.stringify({ ...model, format: "other/1" }))).toThrow(/not a lyceum-churn/);
  });

  it("falls back to the rules with too little labelled history, and they still rank", () => {
    const small = train(120, 13);
    expect(small.kind).toBe("rules");
    expect(computeAuc(scores(small, heldOut.activity), heldOut.labels)).toBeGreaterThan(0.7);
  });

  it("gives at-risk members reasons in English and Chinese", () => {
    const { activity } = heldOut;
    const probabilities = scores(model, activity);
    const risky = probabilities.indexOf(Math.max(...probabilities));
    const columns = memberFeatureNames(model.schema).length;
    const table = computeFeatureTable(activity, model.schema);
    const vector = new Float64Array(model.featureNames.length);
    const group = activity.groupNames[activity.memberGroup[risky] as number];
    assembleChurnVector(
      model.schema,
      table.subarray(risky * columns, (risky + 1) * columns),
      groupStatsFor(model, group),
      vector,
    );
    expect(churnProbability(model, vector)).toBeCloseTo(probabilities[risky] as number, 4);
    const reasons = explainChurnRisk({ model, vector });
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) {
      const english = describeChurnReason("en", reason);
      const chinese = describeChurnReason("zh", reason);
      expect(english).toMatch(/^[\x20-\x7e]+$/);
      expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(describeChurnReason("en", { code: "noEventFor", eventType: "lesson_opened", days: 12 })).toBe(
      "no lesson opened for 12 days",
    );
    expect(describeChurnReason("zh", { code: "renewalFailed" })).toBe("续费失败");
    // No active day is said as such, not as "only 0".
    expect(describeChurnReason("en", { code: "fewActiveDays", active: 0, days: 14 })).toBe(
      "not active on any of the last 14 days",
    );
    expect(describeChurnReason("zh", { code: "fewActiveDays", active: 0, days: 14 })).toBe("最近 14 天都没有活跃");
    expect(describeChurnReason("en", { code: "fewActiveDays", active: 2, days: 14 })).toBe(
      "active on only 2 of the last 14 days",
    );
  });

  it("names how long a member has been away rather than that two weeks held no active day", () => {
    const vector = new Float64Array(model.featureNames.length);
    const at = (name: string) => model.featureNames.indexOf(name);
    vector[at("days_since_last")] = 20;
    vector[at("active_days:14d")] = 0;
    const reasons = explainChurnRisk({ model, vector });
    expect(reasons.some((reason) => reason.code === "fewActiveDays" && reason.active === 0)).toBe(false);
  });
});

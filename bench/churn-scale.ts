/**
 * `npm run bench:churn`: scores 1,000,000 generated members (about ten event rows each, in memory: the daily job
 * reads events from the database, not from CSV) with a model trained on a generated community, and prints the time
 * of each step, the peak RSS and the load average (other work may share the machine). Goal: ≤ 60 s and ≤ 1 GiB.
 * BENCH_MEMBERS overrides the number of members.
 */
import os from "node:os";
import { ActivityStore } from "../core/insights/activity-store.js";
import {
  computeFeatureTable,
  schemaForActivity,
  scoreChurnPopulation,
} from "../core/insights/score-churn-population.js";
import { trainChurnModel } from "../core/insights/train-churn-model.js";
import { generateChurnCommunity } from "../test/support/churn-community.js";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const peakMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

// --- Train on 20,000 labelled members of a generated community.
let started = performance.now();
const trainStore = new ActivityStore();
const trainLabels: number[] = [];
generateChurnCommunity({
  members: 20_000,
  seed: 1,
  onMember: (id, asOf, churned) => {
    trainStore.addMember(id, asOf);
    trainLabels.push(churned);
  },
  onEvent: (id, group, type, time, count) => trainStore.addEvent(id, group, type, time, count),
});
const trainActivity = trainStore.group();
const schema = schemaForActivity(trainActivity);
const model = trainChurnModel({
  data: {
    schema,
    memberFeatures: computeFeatureTable(trainActivity, schema),
    groups: trainActivity.memberGroup,
    groupNames: trainActivity.groupNames,
    labels: Uint8Array.from(trainLabels),
  },
});
console.log(
  `trained on 20,000 members in ${seconds(started)} s: ${model.trees?.trees.length} trees of depth ≤ ${model.training.chosen.depth}, trees weight ${model.treeWeight}`,
);

// --- Generate the population to score (not timed as scoring: it stands for reading the events).
started = performance.now();
const store = new ActivityStore();
let events = 0;
generateChurnCommunity({
  members: MEMBERS,
  seed: 2,
  groups: 20, // communities the model has not seen: their statistics come from this population (two passes)
  onMember: (id, asOf) => store.addMember(id, asOf),
  onEvent: (id, group, type, time, count) => {
    store.addEvent(id, group, type, time, count);
    events += 1;
  },
});
const activity = store.group();
console.log(
  `generated ${MEMBERS.toLocaleString("en")} members, ${events.toLocaleString("en")} event rows in ${seconds(started)} s`,
);

// --- Score.
started = performance.now();
let sum = 0;
let scored = 0;
scoreChurnPopulation({
  model,
  activity,
  onScore: (_member, probability) => {
    sum += probability;
    scored += 1;
  },
});
const scoreSeconds = seconds(started);
console.log(
  `scored ${scored.toLocaleString("en")} members in ${scoreSeconds} s (mean score ${(sum / scored).toFixed(3)}); ` +
    `peak RSS ${peakMiB()} MiB; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${os.cpus().length} cores`,
);

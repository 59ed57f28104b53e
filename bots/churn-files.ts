/**
 * The churn evaluation contract on files: streaming CSV in (events, members, labels), a model JSON, scores out.
 * Shared by `npm run churn` (bots/churn-cli.ts) and `npm run eval:churn` (bench/eval-churn.ts), so the evaluation
 * runs exactly the code the command runs. Files are read line by line: a big events file never sits in memory as
 * text, only as typed arrays (core/insights/activity-store.ts).
 */
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { ActivityStore, type GroupedActivity } from "../core/insights/activity-store.js";
import { type ChurnModel, parseChurnModel } from "../core/insights/churn-model.js";
import {
  computeFeatureTable,
  schemaForActivity,
  scoreChurnPopulation,
} from "../core/insights/score-churn-population.js";
import { type ChurnTrainingOptions, trainChurnModel } from "../core/insights/train-churn-model.js";
import { streamCsv } from "./csv.js";

function parseTime(text: string, what: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new Error(`${what}: not a date: ${text}`);
  return time;
}

/** Members (member_id,as_of) and their events (member_id,course_id,event_type,occurred_at,count), grouped. */
export async function readActivity(options: { eventsPath: string; membersPath: string }): Promise<GroupedActivity> {
  const store = new ActivityStore();
  await streamCsv(options.membersPath, (row) => {
    store.addMember(
      requireField(row, "member_id", options.membersPath),
      parseTime(requireField(row, "as_of", options.membersPath), "as_of"),
    );
  });
  await streamCsv(options.eventsPath, (row) => {
    const count = row.count === undefined || row.count === "" ? 1 : Number(row.count);
    store.addEvent(
      requireField(row, "member_id", options.eventsPath),
      row.course_id ?? "",
      requireField(row, "event_type", options.eventsPath),
      parseTime(requireField(row, "occurred_at", options.eventsPath), "occurred_at"),
      Number.isFinite(count) ? count : 0,
    );
  });
  return store.group();
}

function requireField(row: Record<string, string>, name: string, path: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`${path}: no column ${name}`);
  return value;
}

/** `churn train`: reads the files, trains, writes the model JSON; returns the model. */
export async function trainChurnFromFiles(
  options: { eventsPath: string; membersPath: string; labelsPath: string; modelPath: string } & ChurnTrainingOptions,
): Promise<ChurnModel> {
  const activity = await readActivity(options);
  const labelled = new Map<string, number>();
  await streamCsv(options.labelsPath, (row) => {
    labelled.set(requireField(row, "member_id", options.labelsPath), Number(row.churned) > 0 ? 1 : 0);
  });
  const schema = schemaForActivity(activity);
  const table = computeFeatureTable(activity, schema);
  const columns = table.length / Math.max(activity.memberIds.length, 1);
  // Only members with a label train; the rest of the file is ignored.
  const rows = activity.memberIds.flatMap((id, m) => (labelled.has(id) ? [m] : []));
  const memberFeatures = new Float64Array(rows.length * columns);
  rows.forEach((m, i) => {
    memberFeatures.set(table.subarray(m * columns, (m + 1) * columns), i * columns);
  });
  const model = trainChurnModel({
    ...options,
    data: {
      schema,
      memberFeatures,
      groups: Int32Array.from(rows, (m) => activity.memberGroup[m] as number),
      groupNames: activity.groupNames,
      labels: Uint8Array.from(rows, (m) => labelled.get(activity.memberIds[m] as string) as number),
    },
  });
  await writeFile(options.modelPath, JSON.stringify(model));
  return model;
}

/** `churn score`: writes member_id,score for every member of the members file; returns how many. */
export async function scoreChurnFromFiles(options: {
  eventsPath: string;
  membersPath: string;
  modelPath: string;
  outPath: string;
}): Promise<number> {
  const model = parseChurnModel(await readFile(options.modelPath, "utf8"));
  const activity = await readActivity(options);
  const out = createWriteStream(options.outPath, { encoding: "utf8" });
  let chunk = "member_id,score\n";
  let written = 0;
  scoreChurnPopulation({
    model,
    activity,
    onScore: (member, probability) => {
      chunk += `${csvField(activity.memberIds[member] as string)},${probability.toPrecision(6)}\n`;
      written += 1;
      if (chunk.length > 1 << 16) {
        out.write(chunk);
        chunk = "";
      }
    },
  });
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return written;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

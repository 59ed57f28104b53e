/**
 * A generated community for churn tests and the scale benchmark (never the real data sets): members come with a
 * base activity level; leavers' activity decays towards `as_of` and stops, stayers keep a steady rhythm. The label
 * is the generator's truth (1 = a leaver), so a working model must rank leavers above stayers.
 */
import { seededRandom } from "../../core/seeded-random.js";

const DAY_MS = 86_400_000;
export const GENERATED_EVENT_TYPES = ["lesson_opened", "lesson_completed", "question_asked", "preview_opened"];

export interface GeneratedCommunityOptions {
  members: number;
  seed?: number;
  /** Share of members who leave. */
  churnRate?: number;
  /** `as_of` of every member (ms). */
  asOf?: number;
  /** Communities (course ids) the members are spread over. */
  groups?: number;
  /** Days of history before `as_of`. */
  days?: number;
  onMember: (id: string, asOf: number, churned: number) => void;
  onEvent: (id: string, group: string, type: string, time: number, count: number) => void;
}

/** Small Poisson draws (Knuth): the daily counts here are low. */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit && k < 50) {
    k += 1;
    p *= random();
  }
  return k;
}

export function generateChurnCommunity(options: GeneratedCommunityOptions): void {
  const random = seededRandom(options.seed ?? 7);
  const asOf = options.asOf ?? Date.parse("2024-06-30T23:59:59Z");
  const days = options.days ?? 30;
  const groups = options.groups ?? 3;
  const churnRate = options.churnRate ?? 0.5;
  for (let m = 0; m < options.members; m += 1) {
    const id = `m${m}`;
    const group = `c${m % groups}`;
    const churned = random() < churnRate ? 1 : 0;
    options.onMember(id, asOf, churned);
    const level = 0.15 + random() * 0.5; // expected active days share
    const joined = Math.floor(random() * days * 0.5); // days before the start of the window the member shows up
    const stop = churned ? Math.floor(random() * 12) : 0; // leavers stop some days before as_of…
    const decay = churned ? 4 + random() * 10 : 1e9; // …after a decay
    for (let day = days - 1 - joined; day >= 0; day -= 1) {
      if (day < stop) break;
      const rate = level * Math.exp(-(days - day) / decay) * (0.8 + 0.4 * random());
      if (random() >= rate) continue;
      const time = asOf - day * DAY_MS - DAY_MS / 2;
      const opened = 1 + poisson(random, 1.5);
      options.onEvent(id, group, "lesson_opened", time, opened);
      if (random() < 0.6) options.onEvent(id, group, "lesson_completed", time, Math.max(1, opened - 1));
      if (random() < 0.1) options.onEvent(id, group, "question_asked", time, 1);
    }
  }
}

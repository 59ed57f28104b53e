/**
 * The simulated members and their known behaviour, drawn from the seed before anything touches the database: who
 * they are (interests, language), how active they are and how fast that fades (leavers fade fast and stop), how
 * likely they buy, whether their renewals fail, how often they ask. Each member draws from random streams of their
 * own, so what one member does never shifts another's draws: the same seed gives the same community.
 */
import { seededRandom } from "../seeded-random.js";

export const DAY_MS = 86_400_000;

/** Interests a simulated member can have: tag slugs of the demo catalog (and of most creators' catalogs). */
export const SIMULATED_INTERESTS = ["data", "ai", "growth", "python", "live"] as const;

export interface SimulatedPerson {
  index: number;
  /** The console account's id (`sim-<seed>-<index>`): unique per seed, so a second run is noticed. */
  externalId: string;
  displayName: string;
  languageCode: "en" | "zh-CN";
  /** Tag slugs, most interesting first. */
  interests: string[];
  /** Day (0-based) of the first contact. */
  joinDay: number;
  /** Hour of day (UTC) the member usually shows up. */
  hour: number;
  /** Chance of being active on a day, before any decay. */
  level: number;
  /** The simulator's truth: this member leaves. */
  leaver: boolean;
  /** Day the decay starts (leavers; null for stayers, whose slow drift starts at join). */
  leaveDay: number | null;
  /** Days for activity to fall to 1/e: a few for leavers, months for stayers. */
  decayDays: number;
  /** Activity below this share of `level` means gone for good (a leaver's last day). */
  goneBelow: number;
  /** Chance per active day of buying something that fits (when something does). */
  purchasePropensity: number;
  /** Chance a renewal charge fails (card declined): the subscription goes past due. */
  renewalFailure: number;
  /** Chance per active day of asking a question. */
  questionRate: number;
  /** Chance per active day of answering someone's open question. */
  answerRate: number;
  /** Behaviour draws (activity, learning, buying), in the member's own order. */
  random: () => number;
  /** Billing draws (renewal outcomes), apart from behaviour so one never shifts the other. */
  billingRandom: () => number;
}

export interface SimulatedPeopleOptions {
  members: number;
  days: number;
  seed: number;
  /** Share of members the simulator makes leave (default 0.35). */
  leaverShare?: number;
}

const FIRST_NAMES = ["Ada", "Ben", "Chen", "Dara", "Eli", "Fang", "Gus", "Hui", "Ivy", "Jun", "Kai", "Lena", "Ming"];
const LAST_NAMES = ["Li", "Wang", "Smith", "Zhang", "Garcia", "Liu", "Brown", "Chen", "Kim", "Ng", "Rossi", "Zhou"];

/** A seed for stream `stream` of member `index` (a small integer hash: streams must not overlap). */
function streamSeed(seed: number, index: number, stream: number): number {
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.imul(stream + 7, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * The community's members. Leavers start fading somewhere in the second quarter to the end of the period (so some
 * are gone by its end and some are still fading), stayers keep their rhythm with a slow drift.
 *
 * @example const people = createSimulatedPeople({ members: 300, days: 90, seed: 1 })
 */
export function createSimulatedPeople(options: SimulatedPeopleOptions): SimulatedPerson[] {
  const leaverShare = options.leaverShare ?? 0.35;
  const people: SimulatedPerson[] = [];
  for (let index = 0; index < options.members; index += 1) {
    const random = seededRandom(streamSeed(options.seed, index, 0));
    const interests: string[] = [...SIMULATED_INTERESTS];
    for (let i = interests.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [interests[i], interests[j]] = [interests[j] as string, interests[i] as string];
    }
    const leaver = random() < leaverShare;
    // Most members are there from the start; the rest arrive during the first 60 % of the period.
    const joinDay = random() < 0.5 ? 0 : Math.floor(random() * options.days * 0.6);
    const earliestLeave = Math.max(joinDay + 7, Math.floor(options.days * 0.25));
    const leaveDay = leaver
      ? Math.min(options.days - 3, earliestLeave + Math.floor(random() * Math.max(1, options.days - earliestLeave)))
      : null;
    const zh = random() < 0.4;
    people.push({
      index,
      externalId: `sim-${options.seed}-${index}`,
      displayName: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`,
      languageCode: zh ? "zh-CN" : "en",
      interests: interests.slice(0, 1 + Math.floor(random() * 2)),
      joinDay,
      hour: 6 + Math.floor(random() * 17),
      level: 0.2 + random() * 0.5,
      leaver,
      leaveDay,
      decayDays: leaver ? 2 + random() * 6 : 150 + random() * 400,
      goneBelow: 0.08,
      purchasePropensity: 0.03 + random() * 0.12,
      renewalFailure: 0.05 + random() * 0.2,
      questionRate: random() < 0.3 ? 0.05 + random() * 0.15 : 0.01,
      answerRate: random() < 0.2 ? 0.1 + random() * 0.2 : 0,
      random,
      billingRandom: seededRandom(streamSeed(options.seed, index, 1)),
    });
  }
  return people;
}

/**
 * How likely the member is active on `day` (0 before joining and after a leaver is gone). The day-to-day
 * wobble is drawn by the caller from the member's own stream.
 */
export function activityChance(person: SimulatedPerson, day: number): number {
  if (day < person.joinDay) return 0;
  const since = person.leaveDay === null ? day - person.joinDay : day - person.leaveDay;
  if (since <= 0) return person.level;
  const share = Math.exp(-since / person.decayDays);
  if (person.leaver && share < person.goneBelow) return 0;
  return person.level * share;
}

/** The day a leaver's activity reaches zero (their last possible active day is the one before); null for stayers. */
export function goneDay(person: SimulatedPerson): number | null {
  if (person.leaveDay === null) return null;
  return person.leaveDay + Math.ceil(-Math.log(person.goneBelow) * person.decayDays);
}

/** Whether the member has decided to leave by `day` (they cancel what renews and buy nothing more). */
export function hasDecidedToLeave(person: SimulatedPerson, day: number): boolean {
  return person.leaveDay !== null && day >= person.leaveDay;
}

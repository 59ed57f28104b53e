/**
 * The simulator's members: the same seed draws the same people, another seed other people; leavers fade and stop,
 * stayers keep their rhythm (the truth the simulator test checks the churn model against).
 */
import { describe, expect, it } from "vitest";
import {
  activityChance,
  createSimulatedPeople,
  goneDay,
  hasDecidedToLeave,
} from "../../core/simulation/simulated-people.js";

const draws = (seed: number) =>
  createSimulatedPeople({ members: 50, days: 60, seed }).map(({ random, billingRandom, ...person }) => ({
    ...person,
    first: [random(), random(), billingRandom()],
  }));

describe("simulated people", () => {
  it("are the same for a seed, and different for another", () => {
    expect(draws(4)).toEqual(draws(4));
    expect(draws(5)).not.toEqual(draws(4));
  });

  it("keeps each member's draws their own: a larger community starts with the same members", () => {
    expect(draws(4).slice(0, 10)).toEqual(
      createSimulatedPeople({ members: 10, days: 60, seed: 4 }).map(({ random, billingRandom, ...person }) => ({
        ...person,
        first: [random(), random(), billingRandom()],
      })),
    );
  });

  it("makes about the asked share leave, each after joining, fading to nothing while stayers keep going", () => {
    const people = createSimulatedPeople({ members: 400, days: 90, seed: 1, leaverShare: 0.3 });
    const leavers = people.filter((p) => p.leaver);
    expect(leavers.length / people.length).toBeGreaterThan(0.22);
    expect(leavers.length / people.length).toBeLessThan(0.38);
    for (const person of leavers) {
      const leaveDay = person.leaveDay as number;
      expect(leaveDay).toBeGreaterThan(person.joinDay);
      expect(hasDecidedToLeave(person, leaveDay - 1)).toBe(false);
      expect(hasDecidedToLeave(person, leaveDay)).toBe(true);
      const gone = goneDay(person) as number;
      expect(activityChance(person, leaveDay)).toBe(person.level);
      expect(activityChance(person, gone)).toBe(0);
      expect(activityChance(person, gone + 30)).toBe(0);
    }
    for (const person of people.filter((p) => !p.leaver)) {
      expect(goneDay(person)).toBeNull();
      expect(activityChance(person, person.joinDay - 1)).toBe(0);
      // After three months a stayer still has most of their rhythm.
      expect(activityChance(person, 89)).toBeGreaterThan(person.level * 0.5);
    }
  });
});

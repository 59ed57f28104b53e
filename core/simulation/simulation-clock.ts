/**
 * The clock a simulation moves: every use case the simulator calls reads `now()` from it, so activity, orders,
 * entitlements and renewals carry the simulated day, not the machine's.
 *
 * @example const clock = new SimulationClock(start); const ctx = { ...base, clock }; clock.set(nextHour)
 */
import type { Clock } from "../ports.js";

export class SimulationClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `moment`; never backwards, because the product assumes time only goes forward. */
  set(moment: Date): void {
    if (moment.getTime() < this.current.getTime()) throw new Error("a simulation clock never goes back");
    this.current = new Date(moment);
  }
}

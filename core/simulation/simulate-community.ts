/**
 * A community simulator: members with known behaviour live through `days` days on the simulation's clock, and
 * everything they do goes through the product's own use cases (see simulate-member-day.ts), so the activity log,
 * progress, orders, payments, subscriptions and entitlements are exactly what the product writes for real members.
 * The simulator's truth (who it made leave, and when) comes back with a summary, for tests and the CLI.
 *
 * Deterministic per seed: each member draws from random streams of their own, members of one hour run in a fixed
 * order of batches, and renewals are settled in due order at the start of every simulated hour.
 *
 * @example
 * const clock = new SimulationClock(new Date(Date.now() - 90 * DAY_MS));
 * const { summary, truth } = await simulateCommunity({ ...ctx, clock }, { clock, members: 300, days: 90, seed: 1 });
 */

import { handlePaymentEvent } from "../commerce/handle-payment-event.js";
import type { CoreContext } from "../context.js";
import { recordNudgeConversions } from "../insights/record-nudge-conversions.js";
import { flushActivity } from "../learning/record-activity.js";
import { makeFirstContact, simulateMemberDay } from "./simulate-member-day.js";
import { isCampaignDay, runSimulatedCampaigns } from "./simulated-campaigns.js";
import { SimulatedCardProcessor } from "./simulated-card-processor.js";
import { createSimulatedPeople, DAY_MS, goneDay } from "./simulated-people.js";
import { startSimulatedPriceTest } from "./simulated-price-test.js";
import type { SimulationClock } from "./simulation-clock.js";
import {
  emptyTallies,
  loadSimulatedProducts,
  type SimulatedMember,
  type SimulationTallies,
  type SimulationWorld,
} from "./simulation-world.js";

/** Days between charge attempts of a past-due subscription. */
const RETRY_DAYS = 2;
/** Failed charges in a row after which the processor gives up and the subscription ends. */
const MAX_FAILED_CHARGES = 3;
/** Chance a retry of a stayer's declined card succeeds (a leaver's never does). */
const RETRY_SUCCESS = 0.6;

export interface SimulateCommunityOptions {
  /** The context's clock (the simulation starts at its current moment and moves it forward `days` days). */
  clock: SimulationClock;
  members: number;
  days: number;
  seed: number;
  /** Share of members the simulator makes leave (default 0.35). */
  leaverShare?: number;
  /** Members of one simulated hour run this many at a time (default 4; 1 on the embedded database changes nothing). */
  concurrency?: number;
  /** Run the creator's daily messages job over the last weeks, and let members answer it (default true). */
  campaigns?: boolean;
  /** Called after every simulated day (progress lines). */
  onDay?: (day: number, tallies: SimulationTallies) => void;
}

/** One member as the simulator made them. */
export interface SimulatedMemberTruth {
  memberId: number;
  externalId: string;
  /** The simulator made this member leave. */
  leaver: boolean;
  /** When their activity started to fade (leavers). */
  leavingFrom: string | null;
  /** When their activity stopped for good, if that happened within the simulated period. */
  goneAt: string | null;
  joinedAt: string;
  interests: string[];
}

export interface SimulationTruth {
  seed: number;
  start: string;
  end: string;
  members: SimulatedMemberTruth[];
}

export interface SimulationSummary extends SimulationTallies {
  members: number;
  leavers: number;
  stayers: number;
  /** Leavers whose activity had stopped by the end. */
  goneByEnd: number;
  /** Rows in the activity log written during the run. */
  activityEvents: number;
}

export async function simulateCommunity(
  ctx: CoreContext,
  options: SimulateCommunityOptions,
): Promise<{ summary: SimulationSummary; truth: SimulationTruth }> {
  const { clock, days, seed } = options;
  if (ctx.clock !== clock) throw new Error("simulateCommunity: the context must run on the simulation's clock");
  const start = clock.now();
  const processor = new SimulatedCardProcessor(clock, `${seed}x${start.getTime().toString(36)}`);
  const simCtx: CoreContext = { ...ctx, payments: { ...ctx.payments, stripe: processor } };
  const products = await loadSimulatedProducts(simCtx);
  if (!products.some((p) => p.lessons > 0)) throw new Error("the catalog has no course with lessons to simulate");
  const eventsBefore = await ctx.prisma.activityEvent.count();
  const people = createSimulatedPeople({ members: options.members, days, seed, leaverShare: options.leaverShare });
  const world: SimulationWorld = {
    ctx: simCtx,
    processor,
    seed,
    start,
    products,
    members: people.map(
      (person): SimulatedMember => ({
        person,
        user: {
          platform: "CONSOLE",
          externalId: person.externalId,
          displayName: person.displayName,
          username: person.externalId,
          languageCode: person.languageCode,
          chatId: person.externalId,
        },
        member: null,
        contactDay: null,
        tried: new Set(),
        subscriptions: [],
        stopped: false,
      }),
    ),
    byMemberId: new Map(),
    priceTest: await startSimulatedPriceTest(simCtx, products),
    openQuestions: [],
    tallies: emptyTallies(),
    sequence: 0,
    inbox: new Map(),
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);

  for (let day = 0; day < days; day += 1) {
    if (options.campaigns !== false && isCampaignDay(day, days)) {
      clock.set(new Date(start.getTime() + day * DAY_MS));
      await runSimulatedCampaigns(world);
    }
    for (let hour = 0; hour < 24; hour += 1) {
      clock.set(new Date(start.getTime() + day * DAY_MS + hour * 3_600_000));
      await settleRenewals(world);
      const due = world.members.filter((m) => m.person.hour === hour && m.person.joinDay <= day);
      for (const member of due) await makeFirstContact(world, member, day);
      for (let i = 0; i < due.length; i += concurrency) {
        await Promise.all(due.slice(i, i + concurrency).map((member) => simulateMemberDay(world, member, day)));
      }
    }
    options.onDay?.(day, world.tallies);
  }
  const end = new Date(start.getTime() + days * DAY_MS);
  clock.set(end);
  await settleRenewals(world);
  await flushActivity(simCtx);
  // Purchases and returns after the last messages count for their campaigns, as the messaging sweep would record.
  if (options.campaigns !== false) await recordNudgeConversions(simCtx);

  const truth: SimulationTruth = {
    seed,
    start: start.toISOString(),
    end: end.toISOString(),
    members: world.members
      .filter((m) => m.member)
      .map((m) => {
        const { person } = m;
        const gone = goneDay(person);
        const at = (day: number) => new Date(start.getTime() + day * DAY_MS).toISOString();
        return {
          memberId: m.member?.id as number,
          externalId: person.externalId,
          leaver: person.leaver,
          leavingFrom: person.leaveDay === null ? null : at(person.leaveDay),
          goneAt: gone !== null && gone < days ? at(gone) : null,
          joinedAt: at(person.joinDay),
          interests: person.interests,
        };
      }),
  };
  const leavers = truth.members.filter((m) => m.leaver).length;
  return {
    summary: {
      members: truth.members.length,
      leavers,
      stayers: truth.members.length - leavers,
      goneByEnd: truth.members.filter((m) => m.goneAt).length,
      activityEvents: (await ctx.prisma.activityEvent.count()) - eventsBefore,
      ...world.tallies,
    },
    truth,
  };
}

/**
 * Every subscription whose period (or retry date) has come: a cancelled one ends; a leaver's card fails; a stayer's
 * renews unless their card is declined (then retried every few days until it pays or the processor gives up).
 */
async function settleRenewals(world: SimulationWorld): Promise<void> {
  const { processor } = world;
  for (const due of processor.dueSubscriptions()) {
    const member = world.byMemberId.get(due.memberId);
    if (!member) continue;
    const { person } = member;
    const leaving = member.stopped;
    let event: ReturnType<typeof processor.renew>;
    if (due.cancelAtPeriodEnd) {
      event = processor.end(due.subscriptionRef);
      world.tallies.cancellations += 1;
    } else if (due.status === "PAST_DUE") {
      if (!leaving && person.billingRandom() < RETRY_SUCCESS) {
        event = processor.renew(due.subscriptionRef);
        world.tallies.renewals += 1;
        world.tallies.recoveredRenewals += 1;
      } else if (processor.failedCharges(due.subscriptionRef) >= MAX_FAILED_CHARGES) {
        event = processor.end(due.subscriptionRef);
        world.tallies.cancellations += 1;
      } else {
        event = processor.failRenewal(due.subscriptionRef, RETRY_DAYS);
      }
    } else if (leaving || person.billingRandom() < person.renewalFailure) {
      event = processor.failRenewal(due.subscriptionRef, RETRY_DAYS);
      world.tallies.failedRenewals += 1;
    } else {
      event = processor.renew(due.subscriptionRef);
      world.tallies.renewals += 1;
    }
    await handlePaymentEvent(world.ctx, processor, event);
  }
}

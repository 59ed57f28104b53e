/**
 * Runs the community simulator on an open database with the product's real job runner (the outbox it fills is
 * drained through the same handlers as in production, into a gateway that only counts): what `npm run simulate` and
 * the simulator's test share. An empty catalog gets the demo catalog first (content/demo).
 *
 * @example const { summary, truth } = await runSimulation({ db, members: 300, days: 90, seed: 1 })
 */
import { kickOutbox } from "../core/access/outbox.js";
import { type CoreContext, defaultCoreConfig, type Logger, silentLogger } from "../core/context.js";
import { refreshRecommendations } from "../core/insights/refresh-recommendations.js";
import { scoreChurnDaily } from "../core/insights/score-churn-daily.js";
import {
  type SimulationSummary,
  type SimulationTruth,
  simulateCommunity,
} from "../core/simulation/simulate-community.js";
import { SimulatedChatGateway } from "../core/simulation/simulated-chat-gateway.js";
import { DAY_MS } from "../core/simulation/simulated-people.js";
import { SimulationClock } from "../core/simulation/simulation-clock.js";
import type { SimulationTallies } from "../core/simulation/simulation-world.js";
import { InProcessJobRunner } from "../jobs/in-process-runner.js";
import type { OpenedDatabase } from "../prisma/database.js";
import { seedDemoCatalog } from "../prisma/seed.js";

export interface RunSimulationOptions {
  db: Pick<OpenedDatabase, "prisma" | "sql">;
  members: number;
  days: number;
  seed: number;
  /** When the simulated period ends (default: now, to the hour), so the console shows recent activity. */
  end?: Date;
  concurrency?: number;
  /**
   * Score churn risk and refresh recommendations at the end, as the daily jobs would (default true), so /atrisk and
   * /foryou have something to show at once; the jobs of `npm start` skip members scored the same day.
   */
  insights?: boolean;
  log?: Logger;
  onDay?: (day: number, tallies: SimulationTallies) => void;
}

export type RunSimulationResult =
  | {
      ok: true;
      summary: SimulationSummary;
      truth: SimulationTruth;
      seededDemo: boolean;
      /** Messages the outbox delivered to simulated members. */
      messages: number;
      /** Members given a churn score and a recommendation list at the end (0 without `insights`). */
      churnScored: number;
      recommended: number;
    }
  /** The same seed ran on this database before: its members exist, a second run would not be the same community. */
  | { ok: false; reason: "ALREADY_SIMULATED" };

export async function runSimulation(options: RunSimulationOptions): Promise<RunSimulationResult> {
  const { prisma } = options.db;
  const taken = await prisma.platformAccount.count({
    where: { platform: "CONSOLE", externalId: { startsWith: `sim-${options.seed}-` } },
  });
  if (taken > 0) return { ok: false, reason: "ALREADY_SIMULATED" };
  const end = options.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  // The catalog is the creator's "today": a demo live session starts a week after the simulated period.
  const seededDemo = await seedDemoCatalog(prisma, end);
  const clock = new SimulationClock(new Date(end.getTime() - options.days * DAY_MS));
  const gateway = new SimulatedChatGateway();
  const jobs = new InProcessJobRunner();
  const ctx: CoreContext = {
    prisma,
    sql: options.db.sql,
    clock,
    config: defaultCoreConfig,
    log: options.log ?? silentLogger,
    jobs,
    payments: {},
    gateways: { CONSOLE: gateway },
  };
  await jobs.start(ctx);
  try {
    const result = await simulateCommunity(ctx, {
      clock,
      members: options.members,
      days: options.days,
      seed: options.seed,
      concurrency: options.concurrency,
      onDay: options.onDay,
    });
    // Production drains what is left with its periodic sweep; here, one last drain before the runner closes, so the
    // first `npm start` does not deliver the simulated members' last notices to the console.
    await kickOutbox(ctx);
    await jobs.idle();
    const insights = options.insights ?? true;
    const churn = insights ? await scoreChurnDaily(ctx) : { scored: 0 };
    const recommendations = insights ? await refreshRecommendations(ctx) : { members: 0 };
    return {
      ok: true,
      ...result,
      seededDemo,
      messages: gateway.messages,
      churnScored: churn.scored,
      recommended: recommendations.members,
    };
  } finally {
    await jobs.close();
  }
}

/**
 * `GET /readyz`: is this process able to do its work right now? Each part registers a check — the database, Redis
 * when configured, each chat platform — and the answer is 200 when all are up, or 503 naming the parts that are
 * down. Platform checks read a state the adapter keeps (last known connection state), so the probe stays cheap;
 * every check gets a short time limit, so a hung dependency is reported as down instead of hanging the probe.
 */
import type { FastifyInstance } from "fastify";

/** What a part reports: up or not, and a short reason when not (never a secret). */
export interface ComponentStatus {
  up: boolean;
  detail?: string;
}

export type ReadinessCheck = () => ComponentStatus | Promise<ComponentStatus>;

const CHECK_LIMIT_MS = 2_000;

/** The parts `/readyz` asks, by name. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Adds (or replaces) the check of one part. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Runs every check at once, each limited to 2 seconds. */
  async report(): Promise<{ ok: boolean; down: string[]; checks: Record<string, ComponentStatus> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, ComponentStatus]> => {
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<ComponentStatus>((resolve) => {
          timer = setTimeout(() => resolve({ up: false, detail: "no answer within 2 s" }), CHECK_LIMIT_MS);
        });
        try {
          const status = await Promise.race([Promise.resolve().then(check), limit]);
          return [name, status];
        } catch (error) {
          return [name, { up: false, detail: error instanceof Error ? error.message.split("\n")[0] : String(error) }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const down = entries.filter(([, status]) => !status.up).map(([name]) => name);
    return { ok: down.length === 0, down, checks };
  }
}

/** Mounts `GET /readyz` for these checks. */
export function registerReadiness(app: FastifyInstance, readiness: Readiness): void {
  app.get("/readyz", async (_request, reply) => {
    const report = await readiness.report();
    return reply.code(report.ok ? 200 : 503).send(report);
  });
}

/**
 * The sender: takes due delivery rows of one platform in batches, ahead of the pacer, and sends them one at a time in
 * pacing order through the platform's gateway. Every message of every kind (broadcasts, reminders, win-back) goes
 * through here, so one pacer per platform sees them all.
 *
 * Never twice, and the database off the pacing path:
 * - Claim: a batch of due rows (about a second's worth) is claimed in one statement (SKIP LOCKED, a lease,
 *   `lastError = CLAIMED`), in the background while the previous batch is being sent. A claimed row has not been sent.
 * - Send: right before its send, one row is marked `IN_FLIGHT` (a single-row update that also checks it is still ours,
 *   still PENDING and its broadcast still SENDING — a pause or cancel since the claim is seen here).
 * - Outcome: written by a background writer (queued outcomes go in one transaction) while the pacer waits for the next
 *   slot; the next row is marked IN_FLIGHT only once the previous outcome is committed.
 * So at any moment at most one row is IN_FLIGHT without its outcome recorded: the one being sent, or the one just sent
 * whose outcome is being written. A hard kill leaves that one row IN_FLIGHT — once its lease runs out the next sender
 * marks it FAILED ("outcome unknown") and does not send it again — and leaves the rest of its batch CLAIMED: the next
 * sender run releases them at its start (or anyone after the lease) as ordinary pending rows, not unknown ones, since
 * they were never handed to the platform. A send the gateway reports OUTCOME_UNKNOWN (the request left, no clear answer
 * came back) is recorded FAILED at once.
 *
 * Stopping (signal, time budget, end of the work): nothing new is sent; claimed rows not handed to the platform are
 * given back as they were (due at once), and every outcome is committed before it returns.
 *
 * Scheduling uses ctx.clock (domain time: quiet hours, leases); pacing uses real time (platform limits).
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { DeliveryKind, Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import type { SendResult } from "../ports.js";
import { type DeliveryPayload, DeliveryPayloadSchema, renderDelivery, SEND_MESSAGES_JOB } from "./delivery-payload.js";
import { deliveryStats } from "./delivery-stats.js";
import { whyNotWanted } from "./delivery-still-wanted.js";
import type { Pacer } from "./pacer.js";
import { isGroupChat, PLATFORM_LIMITS } from "./platform-limits.js";
import { quietHoursEnd } from "./quiet-hours.js";

/** lastError of a row whose send started and whose outcome is not recorded yet. */
export const IN_FLIGHT = "IN_FLIGHT";
/** lastError of a row claimed in a batch and not handed to the platform yet (a crash leaves it pending). */
export const CLAIMED = "CLAIMED";
/** lastError of a FAILED row the platform may have received: not resent, counted apart in the creator's tally. */
export const OUTCOME_UNKNOWN =
  "outcome unknown: the platform may have received it (no answer, or the sender stopped mid-send); not resent so nobody gets it twice";
const LEASE_SECONDS = 30;
const MAX_ATTEMPTS = 4;
/** A claimed batch holds about this many seconds of sends at the platform's rate (fewer rows to give back). */
const BATCH_SECONDS = 1;
const UNPACED_BATCH = 50;

export interface SendDeliveriesOptions {
  platform: Platform;
  pacer: Pacer;
  /** Stops between two messages (worker shutdown); a message already handed to the platform is recorded first. */
  signal?: AbortSignal;
  /** Hand back after this long (real time), so other jobs get a turn; the caller re-enqueues. */
  budgetMs?: number;
  /** Rows claimed per statement; default about a second of the platform's rate. */
  batchSize?: number;
}

export interface SendDeliveriesReport {
  processed: number;
  sent: number;
  /** True when the budget or the signal stopped it with due rows possibly left. */
  interrupted: boolean;
}

interface ClaimedRow {
  id: number;
  kind: DeliveryKind;
  payload: unknown;
  attempts: number;
  broadcastId: number | null;
  accountId: number;
  dueAt: Date;
  previousError: string | null;
  externalId: string;
  chatId: string | null;
  locale: "en" | "zh";
  timeZone: string;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  erasedAt: Date | null;
  urgent: boolean | null;
  broadcastText: string | null;
  /** The lease this claim set (ISO): the row is still ours while its notBefore equals it and lastError is CLAIMED. */
  lease: string;
}

const sqlTime = (date: Date) => date.toISOString();

/**
 * Claims up to `limit` due rows in one statement, in pacing order. A row a dead sender had claimed (CLAIMED, lease
 * over) is taken as the pending row it is, without counting a second attempt; one it had IN_FLIGHT is returned with
 * previousError IN_FLIGHT, to be settled as outcome unknown.
 */
async function claimBatch(ctx: CoreContext, platform: Platform, now: Date, limit: number): Promise<ClaimedRow[]> {
  const lease = sqlTime(new Date(now.getTime() + LEASE_SECONDS * 1000));
  const rows = await ctx.prisma.$queryRaw<Omit<ClaimedRow, "lease">[]>`
    WITH next AS (
      SELECT d."id", d."notBefore" AS "dueAt", d."lastError" AS "previousError", a."externalId", a."chatId",
             m."locale"::text AS "locale", m."timeZone", m."quietHoursStart", m."quietHoursEnd", m."erasedAt",
             b."urgent", b."text" AS "broadcastText"
      FROM "Delivery" d
      JOIN "PlatformAccount" a ON a."id" = d."accountId"
      JOIN "Member" m ON m."id" = d."memberId"
      LEFT JOIN "Broadcast" b ON b."id" = d."broadcastId"
      WHERE d."status" = 'PENDING' AND d."notBefore" <= ${sqlTime(now)}::timestamp
        AND a."platform" = ${platform}::"Platform"
        AND (d."broadcastId" IS NULL OR b."status" = 'SENDING')
      ORDER BY d."notBefore", d."id"
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "Delivery" d
    SET "attempts" = CASE WHEN d."lastError" = ${CLAIMED} THEN d."attempts" ELSE d."attempts" + 1 END,
        "lastError" = ${CLAIMED}, "notBefore" = ${lease}::timestamp
    FROM next WHERE d."id" = next."id"
    RETURNING d."id", d."kind"::text AS "kind", d."payload", d."attempts", d."broadcastId", d."accountId",
      next."dueAt", next."previousError", next."externalId", next."chatId", next."locale", next."timeZone",
      next."quietHoursStart", next."quietHoursEnd", next."erasedAt", next."urgent", next."broadcastText"`;
  return rows
    .map((row) => ({
      ...row,
      // A dead sender's claim never reached the platform: nothing to restore but "pending".
      previousError: row.previousError === CLAIMED ? null : row.previousError,
      lease,
    }))
    .sort((a, b) => new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime() || a.id - b.id);
}

/**
 * At the start of a sender run: rows left CLAIMED (never handed to the platform) by an earlier run of this platform's
 * sender, one that died or was stalled, are pending again at once instead of after their lease. Safe even when that
 * sender still runs: it only sends a row after marking it IN_FLIGHT, which needs its own claim to be intact.
 */
async function releaseClaims(ctx: CoreContext, platform: Platform, now: Date): Promise<void> {
  await ctx.prisma.$executeRaw`
    UPDATE "Delivery" d SET "lastError" = NULL, "attempts" = d."attempts" - 1, "notBefore" = ${sqlTime(now)}::timestamp
    FROM "PlatformAccount" a
    WHERE a."id" = d."accountId" AND a."platform" = ${platform}::"Platform"
      AND d."status" = 'PENDING' AND d."lastError" = ${CLAIMED}`;
}

type Write = (prisma: CoreContext["prisma"]) => Prisma.PrismaPromise<unknown>[];

/**
 * Outcome writes, off the pacing path: queued writes are committed together in one transaction, one transaction at a
 * time, in order. `flush` waits until everything queued so far is committed (and rethrows a failed write).
 */
class OutcomeWriter {
  private queue: Write[] = [];
  private running: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly prisma: CoreContext["prisma"]) {}

  push(write: Write): void {
    this.queue.push(write);
    if (!this.running) this.running = this.drain();
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const writes = this.queue.splice(0);
        await this.prisma.$transaction(writes.flatMap((write) => write(this.prisma)));
      }
    } catch (error) {
      this.failure ??= error;
      this.queue.length = 0;
    } finally {
      this.running = null;
    }
  }
}

/**
 * Sends due deliveries of one platform until none is due, the budget is spent or the signal aborts.
 *
 * @example await sendDueDeliveries(ctx, { platform: "TELEGRAM", pacer: new Pacer(PLATFORM_LIMITS.TELEGRAM) })
 */
export async function sendDueDeliveries(
  ctx: CoreContext,
  options: SendDeliveriesOptions,
): Promise<SendDeliveriesReport> {
  const { platform, pacer, signal } = options;
  const report: SendDeliveriesReport = { processed: 0, sent: 0, interrupted: false };
  const gateway = ctx.gateways[platform];
  if (!gateway) return report;
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 20_000;
  const perSecond = PLATFORM_LIMITS[platform].perSecond;
  const batchSize =
    options.batchSize ??
    (Number.isFinite(perSecond) ? Math.max(1, Math.ceil(perSecond * BATCH_SECONDS)) : UNPACED_BATCH);
  const writer = new OutcomeWriter(ctx.prisma);
  await releaseClaims(ctx, platform, ctx.clock.now());

  type Data = Prisma.DeliveryUpdateManyMutationInput;
  // Only a PENDING row changes: a broadcast canceled meanwhile keeps its rows CANCELED (except SENT, the truth).
  const settle = (id: number, data: Data) =>
    writer.push((prisma) => [prisma.delivery.updateMany({ where: { id, status: "PENDING" }, data })]);
  // A claimed row not handed to the platform goes back as it was, if it is still ours (same lease, still CLAIMED).
  const giveBack = (rows: readonly ClaimedRow[], notBefore: Date) => {
    const groups = new Map<string, { lease: string; previousError: string | null; ids: number[] }>();
    for (const row of rows) {
      const key = JSON.stringify([row.lease, row.previousError]);
      const group = groups.get(key) ?? { lease: row.lease, previousError: row.previousError, ids: [] };
      group.ids.push(row.id);
      groups.set(key, group);
    }
    if (!groups.size) return;
    writer.push((prisma) =>
      [...groups.values()].map((g) =>
        prisma.delivery.updateMany({
          where: { id: { in: g.ids }, status: "PENDING", lastError: CLAIMED, notBefore: new Date(g.lease) },
          data: { attempts: { decrement: 1 }, lastError: g.previousError, notBefore },
        }),
      ),
    );
  };
  /** Marks the row IN_FLIGHT if it is still ours and still to be sent; false: leave it (paused, canceled, taken). */
  const markInFlight = async (row: ClaimedRow, now: Date): Promise<boolean> => {
    const lease = sqlTime(new Date(now.getTime() + LEASE_SECONDS * 1000));
    const marked = await ctx.prisma.$executeRaw`
      UPDATE "Delivery" d SET "lastError" = ${IN_FLIGHT}, "notBefore" = ${lease}::timestamp
      WHERE d."id" = ${row.id} AND d."status" = 'PENDING' AND d."lastError" = ${CLAIMED}
        AND d."notBefore" = ${row.lease}::timestamp
        AND (d."broadcastId" IS NULL
          OR EXISTS (SELECT 1 FROM "Broadcast" b WHERE b."id" = d."broadcastId" AND b."status" = 'SENDING'))`;
    return marked === 1;
  };

  let buffer: ClaimedRow[] = [];
  let refill: Promise<ClaimedRow[]> | null = null;
  let drained = false;
  const claim = async () => {
    // Rows given back (429) must be visible to the claim, so queued outcomes are committed first.
    await writer.flush();
    return claimBatch(ctx, platform, ctx.clock.now(), batchSize);
  };
  const take = (rows: ClaimedRow[]) => {
    if (!rows.length) return;
    // A row claimed again after its lease ran out in this buffer: only the newer claim is ours.
    const ids = new Set(rows.map((r) => r.id));
    buffer = [...buffer.filter((r) => !ids.has(r.id)), ...rows];
  };

  try {
    while (true) {
      if (signal?.aborted || performance.now() - started > budgetMs) {
        report.interrupted = true;
        break;
      }
      if (!buffer.length) {
        const pending = refill ?? claim();
        refill = null;
        take(await pending);
        if (!buffer.length) {
          // One more look once every outcome is committed (a 429's row is due again at once).
          take(await claim());
          if (!buffer.length) break;
        }
        drained = false;
      }
      // The next batch is claimed while this one is sent.
      if (!refill && !drained && buffer.length <= Math.ceil(batchSize / 2)) {
        refill = claim().then((rows) => {
          if (!rows.length) drained = true;
          return rows;
        });
        refill.catch(() => {}); // awaited later; keeps an early failure from being reported as unhandled
      }

      const row = buffer.shift()!;
      report.processed += 1;
      const now = ctx.clock.now();
      if (row.previousError === IN_FLIGHT) {
        settle(row.id, { status: "FAILED", lastError: OUTCOME_UNKNOWN });
        ctx.log.warn({ deliveryId: row.id, platform }, "delivery outcome unknown after a crash; not resent");
        deliveryStats.record(platform, "failed");
        continue;
      }
      const payload = DeliveryPayloadSchema.safeParse(row.payload);
      if (row.erasedAt || !payload.success) {
        settle(row.id, { status: "SKIPPED", lastError: payload.success ? "member erased" : "bad payload" });
        continue;
      }
      if (!row.urgent) {
        const until = quietHoursEnd(
          { timeZone: row.timeZone, start: row.quietHoursStart, end: row.quietHoursEnd },
          now,
        );
        if (until > now) {
          giveBack([row], until);
          deliveryStats.record(platform, "deferred");
          continue;
        }
      }
      // Only right at the moment of sending: a reminder past its event, a notice for a product no longer held.
      const unwanted = await whyNotWanted(ctx, { accountId: row.accountId, payload: payload.data, now });
      if (unwanted) {
        settle(row.id, { status: "SKIPPED", lastError: unwanted });
        continue;
      }
      const reply = renderDelivery(
        row.locale,
        payload.data as DeliveryPayload,
        { text: row.broadcastText ?? "" },
        row.timeZone,
      );
      if (!reply) {
        settle(row.id, { status: "SKIPPED", lastError: "nothing to send" });
        continue;
      }

      await pacer.waitTurn(signal);
      const chatKey = row.chatId ?? row.externalId;
      if (!signal?.aborted) await pacer.waitChat(chatKey, isGroupChat(platform, chatKey), signal);
      if (signal?.aborted) {
        // Not handed to the platform: it goes back with the rest of the batch below.
        buffer.unshift(row);
        report.processed -= 1;
        report.interrupted = true;
        break;
      }
      // At most one row without its recorded outcome: the previous send's outcome is committed before this one.
      await writer.flush();
      if (!(await markInFlight(row, ctx.clock.now()))) {
        // Paused or canceled since the claim (or no longer ours): its broadcast's other claimed rows go back too.
        report.processed -= 1;
        const same =
          row.broadcastId === null ? [row] : [row, ...buffer.filter((r) => r.broadcastId === row.broadcastId)];
        buffer = buffer.filter((r) => !same.includes(r));
        giveBack(same, now);
        continue;
      }

      let result: SendResult;
      try {
        pacer.started(chatKey);
        result = await gateway.send(
          { accountId: row.accountId, platform, externalId: row.externalId, chatId: row.chatId },
          { ...reply, locale: row.locale },
        );
      } catch (error) {
        // Gateways answer refusals as values; a throw may come after the request left, so it is not safe to resend.
        const detail = error instanceof Error ? error.message : String(error);
        result = { ok: false, reason: "OUTCOME_UNKNOWN", detail };
      } finally {
        pacer.finished();
      }
      const after = ctx.clock.now();
      if (result.ok) {
        // The truth, whatever happened to the row meanwhile (a cancel landing mid-send).
        writer.push((prisma) => [
          prisma.delivery.updateMany({
            where: { id: row.id },
            data: { status: "SENT", sentAt: after, lastError: null },
          }),
        ]);
        report.sent += 1;
        deliveryStats.record(platform, "sent");
      } else if (result.reason === "UNREACHABLE") {
        writer.push((prisma) => [
          prisma.delivery.updateMany({
            where: { id: row.id, status: "PENDING" },
            data: { status: "UNREACHABLE", lastError: null },
          }),
          prisma.platformAccount.updateMany({
            where: { id: row.accountId, unreachableSince: null },
            data: { unreachableSince: after },
          }),
        ]);
        deliveryStats.record(platform, "unreachable");
      } else if (result.reason === "OUTCOME_UNKNOWN") {
        // The platform may have it: sending again could deliver it twice, so it is reported instead.
        settle(row.id, { status: "FAILED", lastError: OUTCOME_UNKNOWN });
        ctx.log.warn({ deliveryId: row.id, platform, detail: result.detail }, "delivery outcome unknown; not resent");
        deliveryStats.record(platform, "failed");
      } else if (result.reason === "RATE_LIMITED") {
        // Everyone on this platform waits; this row goes back as it was and is due again at once.
        pacer.backOff(result.retryAfterSeconds);
        settle(row.id, { attempts: { decrement: 1 }, lastError: "RATE_LIMITED", notBefore: now });
        deliveryStats.record(platform, "rate_limited");
      } else {
        const final = row.attempts >= MAX_ATTEMPTS;
        settle(row.id, {
          status: final ? "FAILED" : "PENDING",
          lastError: result.detail.slice(0, 500),
          notBefore: new Date(after.getTime() + 2 ** row.attempts * 5000),
        });
        ctx.log.warn({ deliveryId: row.id, platform, attempts: row.attempts, final }, "delivery failed");
        if (final) deliveryStats.record(platform, "failed");
      }
    }
  } finally {
    // Claimed and never handed over: back to pending, due at once; then every outcome committed.
    const claimedAhead = refill ? await refill.catch(() => [] as ClaimedRow[]) : [];
    giveBack([...buffer, ...claimedAhead], ctx.clock.now());
    buffer = [];
    await writer.flush();
  }
  return report;
}

/** Platforms with a delivery due now (the sweep kicks their senders). */
export async function platformsWithDueDeliveries(ctx: CoreContext): Promise<Platform[]> {
  const rows = await ctx.prisma.platformAccount.findMany({
    where: {
      deliveries: {
        some: {
          status: "PENDING",
          notBefore: { lte: ctx.clock.now() },
          OR: [{ broadcastId: null }, { broadcast: { status: "SENDING" } }],
        },
      },
    },
    distinct: ["platform"],
    select: { platform: true },
  });
  return rows.map((r) => r.platform).filter((p) => ctx.gateways[p]);
}

/** Asks the job runner to run each platform's sender (coalesced: one waits, one runs). */
export async function kickSenders(ctx: CoreContext, platforms: readonly Platform[]): Promise<void> {
  for (const platform of new Set(platforms)) {
    await ctx.jobs.enqueue(SEND_MESSAGES_JOB, { platform }, { jobId: `${SEND_MESSAGES_JOB}.${platform}` });
  }
}

/** A delivery row to write, with the platform its sender runs for. */
export interface QueuedDelivery {
  kind: "REMINDER" | "WIN_BACK" | "RECOMMENDATION" | "NOTIFICATION";
  memberId: number;
  accountId: number;
  dedupeKey: string;
  payload: Prisma.InputJsonValue;
  notBefore: Date;
  platform: Platform;
}

/** Writes delivery rows once each (the dedupe key), and wakes the senders of the platforms that got new ones. */
export async function queueDeliveries(ctx: CoreContext, rows: QueuedDelivery[]): Promise<number> {
  if (!rows.length) return 0;
  const created = await ctx.prisma.delivery.createMany({
    data: rows.map(({ platform: _platform, ...row }) => row),
    skipDuplicates: true,
  });
  if (created.count)
    await kickSenders(
      ctx,
      rows.map((r) => r.platform),
    );
  return created.count;
}

/**
 * The sender: takes due delivery rows of one platform one at a time, in pacing order, and sends them through the
 * platform's gateway. Every message of every kind (broadcasts, reminders, win-back) goes through here, so one pacer
 * per platform sees them all.
 *
 * Never twice: a row is claimed (SKIP LOCKED, a lease, `lastError = IN_FLIGHT`) in the same statement that picks it,
 * just before its send, and its outcome is written right after. A row found still IN_FLIGHT when its lease ran out
 * belonged to a sender that died mid-send: whether the platform got it is unknown, so it is marked FAILED ("outcome
 * unknown") and not sent again. A send the gateway reports OUTCOME_UNKNOWN (the request left, no clear answer came
 * back) is recorded the same way, at once. Rows claimed by nobody are simply picked up by the next sender, so a crash
 * loses nothing else.
 *
 * Stopping: the signal is checked before each claim and during every pacing wait; a row claimed but not yet handed
 * to the platform is given back as it was. A message already handed over is finished and recorded first.
 *
 * Scheduling uses ctx.clock (domain time: quiet hours, leases); pacing uses real time (platform limits).
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { DeliveryKind, Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import type { SendResult } from "../ports.js";
import { type DeliveryPayload, DeliveryPayloadSchema, renderDelivery, SEND_MESSAGES_JOB } from "./delivery-payload.js";
import { deliveryStats } from "./delivery-stats.js";
import type { Pacer } from "./pacer.js";
import { isGroupChat } from "./platform-limits.js";
import { quietHoursEnd } from "./quiet-hours.js";

export const IN_FLIGHT = "IN_FLIGHT";
/** lastError of a FAILED row the platform may have received: not resent, counted apart in the creator's tally. */
export const OUTCOME_UNKNOWN =
  "outcome unknown: the platform may have received it (no answer, or the sender stopped mid-send); not resent so nobody gets it twice";
const LEASE_SECONDS = 30;
const MAX_ATTEMPTS = 4;

export interface SendDeliveriesOptions {
  platform: Platform;
  pacer: Pacer;
  /** Stops between two messages (worker shutdown); a message already handed to the platform is recorded first. */
  signal?: AbortSignal;
  /** Hand back after this long (real time), so other jobs get a turn; the caller re-enqueues. */
  budgetMs?: number;
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
}

const sqlTime = (date: Date) => date.toISOString();

async function claimNext(ctx: CoreContext, platform: Platform, now: Date): Promise<ClaimedRow | undefined> {
  const lease = new Date(now.getTime() + LEASE_SECONDS * 1000);
  const rows = await ctx.prisma.$queryRaw<ClaimedRow[]>`
    WITH next AS (
      SELECT d."id", d."lastError" AS "previousError", a."externalId", a."chatId", m."locale"::text AS "locale",
             m."timeZone", m."quietHoursStart", m."quietHoursEnd", m."erasedAt", b."urgent", b."text" AS "broadcastText"
      FROM "Delivery" d
      JOIN "PlatformAccount" a ON a."id" = d."accountId"
      JOIN "Member" m ON m."id" = d."memberId"
      LEFT JOIN "Broadcast" b ON b."id" = d."broadcastId"
      WHERE d."status" = 'PENDING' AND d."notBefore" <= ${sqlTime(now)}::timestamp
        AND a."platform" = ${platform}::"Platform"
        AND (d."broadcastId" IS NULL OR b."status" = 'SENDING')
      ORDER BY d."notBefore", d."id"
      LIMIT 1
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "Delivery" d
    SET "attempts" = d."attempts" + 1, "lastError" = ${IN_FLIGHT}, "notBefore" = ${sqlTime(lease)}::timestamp
    FROM next WHERE d."id" = next."id"
    RETURNING d."id", d."kind"::text AS "kind", d."payload", d."attempts", d."broadcastId", d."accountId",
      next."previousError", next."externalId", next."chatId", next."locale", next."timeZone", next."quietHoursStart",
      next."quietHoursEnd", next."erasedAt", next."urgent", next."broadcastText"`;
  return rows[0];
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
  // Only a PENDING row changes: a broadcast canceled meanwhile keeps its rows CANCELED (except SENT, the truth).
  const update = (id: number, data: Parameters<CoreContext["prisma"]["delivery"]["updateMany"]>[0]["data"]) =>
    ctx.prisma.delivery.updateMany({ where: { id, status: "PENDING" }, data });

  while (true) {
    if (signal?.aborted || performance.now() - started > budgetMs) {
      report.interrupted = true;
      break;
    }
    await pacer.waitTurn(signal);
    if (signal?.aborted) {
      report.interrupted = true;
      break;
    }
    const now = ctx.clock.now();
    const row = await claimNext(ctx, platform, now);
    if (!row) break;
    report.processed += 1;

    if (row.previousError === IN_FLIGHT) {
      await update(row.id, { status: "FAILED", lastError: OUTCOME_UNKNOWN });
      ctx.log.warn({ deliveryId: row.id, platform }, "delivery outcome unknown after a crash; not resent");
      deliveryStats.record(platform, "failed");
      continue;
    }
    const payload = DeliveryPayloadSchema.safeParse(row.payload);
    if (row.erasedAt || !payload.success) {
      await update(row.id, { status: "SKIPPED", lastError: payload.success ? "member erased" : "bad payload" });
      continue;
    }
    if (!row.urgent) {
      const until = quietHoursEnd({ timeZone: row.timeZone, start: row.quietHoursStart, end: row.quietHoursEnd }, now);
      if (until > now) {
        await update(row.id, { attempts: row.attempts - 1, lastError: row.previousError, notBefore: until });
        deliveryStats.record(platform, "deferred");
        continue;
      }
    }
    const reply = renderDelivery(
      row.locale,
      payload.data as DeliveryPayload,
      { text: row.broadcastText ?? "" },
      row.timeZone,
    );
    if (!reply) {
      await update(row.id, { status: "SKIPPED", lastError: "nothing to send" });
      continue;
    }
    const chatKey = row.chatId ?? row.externalId;
    await pacer.waitChat(chatKey, isGroupChat(platform, chatKey), signal);
    if (signal?.aborted) {
      // Not handed to the platform: the row goes back as it was, due at once for the next sender.
      await update(row.id, { attempts: row.attempts - 1, lastError: row.previousError, notBefore: now });
      report.interrupted = true;
      break;
    }

    let result: SendResult;
    try {
      result = await gateway.send(
        { accountId: row.accountId, platform, externalId: row.externalId, chatId: row.chatId },
        { ...reply, locale: row.locale },
      );
    } catch (error) {
      // Gateways answer refusals as values; a throw may come after the request left, so it is not safe to resend.
      const detail = error instanceof Error ? error.message : String(error);
      result = { ok: false, reason: "OUTCOME_UNKNOWN", detail };
    }
    const after = ctx.clock.now();
    if (result.ok) {
      await ctx.prisma.delivery.update({
        where: { id: row.id },
        data: { status: "SENT", sentAt: after, lastError: null },
      });
      report.sent += 1;
      deliveryStats.record(platform, "sent");
    } else if (result.reason === "UNREACHABLE") {
      await ctx.prisma.$transaction([
        ctx.prisma.delivery.updateMany({
          where: { id: row.id, status: "PENDING" },
          data: { status: "UNREACHABLE", lastError: null },
        }),
        ctx.prisma.platformAccount.updateMany({
          where: { id: row.accountId, unreachableSince: null },
          data: { unreachableSince: after },
        }),
      ]);
      deliveryStats.record(platform, "unreachable");
    } else if (result.reason === "OUTCOME_UNKNOWN") {
      // The platform may have it: sending again could deliver it twice, so it is reported instead.
      await update(row.id, { status: "FAILED", lastError: OUTCOME_UNKNOWN });
      ctx.log.warn({ deliveryId: row.id, platform, detail: result.detail }, "delivery outcome unknown; not resent");
      deliveryStats.record(platform, "failed");
    } else if (result.reason === "RATE_LIMITED") {
      // Everyone on this platform waits; this row goes back as it was and is due again at once.
      pacer.backOff(result.retryAfterSeconds);
      await update(row.id, { attempts: row.attempts - 1, lastError: "RATE_LIMITED", notBefore: now });
      deliveryStats.record(platform, "rate_limited");
    } else {
      const final = row.attempts >= MAX_ATTEMPTS;
      await update(row.id, {
        status: final ? "FAILED" : "PENDING",
        lastError: result.detail.slice(0, 500),
        notBefore: new Date(after.getTime() + 2 ** row.attempts * 5000),
      });
      ctx.log.warn({ deliveryId: row.id, platform, attempts: row.attempts, final }, "delivery failed");
      if (final) deliveryStats.record(platform, "failed");
    }
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

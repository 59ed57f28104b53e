/**
 * Side effects decided inside a transaction and carried out after it commits: a crash between "paid" and "let in"
 * loses nothing, and a retry does nothing twice (each item is marked done; the effects themselves are idempotent).
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext, Transaction } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import type { Messages } from "../i18n/en.js";

export const OUTBOX_DRAIN_JOB = "outbox.drain";

export type OutboxMessage =
  /** Bring every gate to what this member's entitlements say. */
  | { kind: "access.sync"; memberId: number }
  /** A translated message to a member (all reachable accounts); `key` names a notice in core/i18n. */
  | { kind: "notify.member"; memberId: number; notice: Notice }
  /** A translated message to every owner and creator. */
  | { kind: "notify.staff"; notice: Notice }
  /**
   * The answer helper's reply posted in the question's thread: a stored answer (`answerId`, posted once, with its
   * vote buttons) or a reply with no answer behind it (an honest "I don't know", a limit reached).
   */
  | { kind: "helper.post"; questionId: number; answerId: number | null; reply?: Reply }
  /** The helper's draft, sent to the staff with Approve / Edit / Reject (approval mode). */
  | { kind: "helper.draft"; answerId: number }
  /** Flagged content hidden where the platform lets the bot (a question's message or post, an answer's message). */
  | { kind: "qa.hide"; questionId: number; answerId: number | null }
  /** A lesson comment mirrored into the lesson's thread on each platform that has one (the thread made on first use). */
  | { kind: "discussion.post"; commentId: number }
  /** A removed or flagged comment's platform messages deleted where the bot may. */
  | { kind: "discussion.hide"; commentId: number }
  /** A moderator's mute (until then) or ban (`mutedUntil` null) applied on the platforms, where the bot has the right. */
  | { kind: "moderation.restrict"; memberId: number; mutedUntil: string | null }
  /** A translated message to everyone who moderates (owner, creators, moderators). */
  | { kind: "notify.team"; notice: Notice }
  /** The helper badge (Discord role, Telegram custom title) brought to what the member's helper level says now. */
  | { kind: "community.helper-badge"; memberId: number };

/** A notice is rendered at send time in the recipient's locale. */
export interface Notice {
  key: NoticeKey;
  params: Record<string, string | number>;
}

/** Any notice in core/i18n (`notices`), so adding a notice is one edit in en.ts and zh.ts. */
export type NoticeKey = keyof Messages["notices"];

export async function addToOutbox(tx: Transaction, message: OutboxMessage, dedupeKey?: string): Promise<void> {
  const data: Prisma.OutboxItemCreateInput = {
    kind: message.kind,
    payload: message as unknown as Prisma.InputJsonValue,
    dedupeKey: dedupeKey ?? null,
  };
  if (dedupeKey) {
    // INSERT … ON CONFLICT DO NOTHING: atomic, unlike an upsert (read, then insert), when two requests race.
    await tx.outboxItem.createMany({
      data: [{ kind: data.kind, payload: data.payload, dedupeKey }],
      skipDuplicates: true,
    });
  } else {
    await tx.outboxItem.create({ data });
  }
}

/** Tells the job runner there is work; call after the transaction that wrote outbox items commits. */
export async function kickOutbox(ctx: CoreContext): Promise<void> {
  await ctx.jobs.enqueue(OUTBOX_DRAIN_JOB, {});
}

export type OutboxHandler = (ctx: CoreContext, message: OutboxMessage) => Promise<void>;

const MAX_ATTEMPTS = 8;
/** A claimed item whose worker died is taken up again after this long. */
const CLAIM_SECONDS = 60;

interface ClaimedRow {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
}

/**
 * Claims pending items one at a time and runs them. Safe with several workers: the claim is one UPDATE on a row
 * locked with SKIP LOCKED, and it pushes `runAfter` forward so a crashed worker's item is retried later.
 * Scheduling uses the database's clock (not ctx.clock, which is domain time that tests move). Returns how many items
 * were processed. `signal` (a worker shutting down) stops it between two items; the rest wait for the next drain.
 */
export async function drainOutbox(
  ctx: CoreContext,
  handle: OutboxHandler,
  limit = 500,
  signal?: AbortSignal,
): Promise<number> {
  let processed = 0;
  while (processed < limit && !signal?.aborted) {
    const rows = await ctx.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "OutboxItem" SET "runAfter" = now() + make_interval(secs => ${CLAIM_SECONDS}), "attempts" = "attempts" + 1
      WHERE "id" = (
        SELECT "id" FROM "OutboxItem" WHERE "status" = 'PENDING' AND "runAfter" <= now()
        ORDER BY "id" LIMIT 1 FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "kind", "payload", "attempts"`;
    const next = rows[0];
    if (!next) break;
    processed += 1;
    try {
      await handle(ctx, next.payload as OutboxMessage);
      await ctx.prisma.outboxItem.update({ where: { id: next.id }, data: { status: "DONE", processedAt: new Date() } });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      ctx.log.warn({ outboxId: next.id, kind: next.kind, attempts: next.attempts, err: detail }, "outbox item failed");
      await ctx.prisma.outboxItem.update({
        where: { id: next.id },
        data: {
          lastError: detail.slice(0, 500),
          status: next.attempts >= MAX_ATTEMPTS ? "FAILED" : "PENDING",
          runAfter: new Date(Date.now() + Math.min(3_600_000, 2 ** next.attempts * 1000)),
        },
      });
    }
  }
  return processed;
}

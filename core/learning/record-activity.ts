/**
 * The activity log every other area reads (churn risk, recommendations, the answer helper): one function for every
 * event a member causes. It is called on the reply path of every update, so it must cost nothing there and never
 * fail a reply: events wait in memory and are written in batches (`createMany`) on a short timer, off the reply,
 * and at shutdown (`flushActivity`, called by bots/app.ts before the database closes). A failed write is logged,
 * never thrown. What waits in memory is lost if the process dies abruptly: activity is analytics, not money.
 *
 * @example recordActivity(ctx, { memberId, kind: "lesson_opened", productId: course.id, data: { lessonId } })
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";

/** Every kind of activity event, so readers can rely on the names. */
export const ACTIVITY_KINDS = [
  "order_created",
  "question_asked",
  "lesson_opened",
  "lesson_completed",
  "preview_opened",
  "file_downloaded",
  "live_joined",
  /** A course page opened (/course): interest before a purchase, what purchase propensity reads. */
  "course_viewed",
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityInput {
  memberId: number;
  kind: ActivityKind;
  productId?: number | null;
  /** Small JSON facts about the event (ids, positions), never message text. */
  data?: Prisma.InputJsonObject;
  /** Default: the context's clock now. */
  occurredAt?: Date;
}

/** How long an event may wait in memory before it is written. */
export const ACTIVITY_FLUSH_DELAY_MS = 1_000;
/** Rows per createMany statement. */
const BATCH_SIZE = 500;
/** A buffer this full is written at once instead of waiting for the timer. */
const FLUSH_AT = 2_000;
/** Beyond this (the database unreachable for a long time), the oldest events are dropped so memory stays bounded. */
const MAX_BUFFERED = 50_000;

interface Buffer {
  events: Prisma.ActivityEventCreateManyInput[];
  timer: NodeJS.Timeout | null;
  /** The write in progress: a flush waits for it, so `flushActivity` returns only once everything is written. */
  writing: Promise<void> | null;
  ctx: CoreContext;
}

/** Per database client: tests open several databases in one process, and events belong to theirs. */
const buffers = new WeakMap<object, Buffer>();

function bufferFor(ctx: CoreContext): Buffer {
  let buffer = buffers.get(ctx.prisma);
  if (!buffer) {
    buffer = { events: [], timer: null, writing: null, ctx };
    buffers.set(ctx.prisma, buffer);
  }
  return buffer;
}

/**
 * Records one activity event. Synchronous and infallible for the caller: the event is written within about a second
 * by a background batch.
 *
 * @example recordActivity(ctx, { memberId: member.id, kind: "order_created", productId, data: { orderId } })
 */
export function recordActivity(ctx: CoreContext, event: ActivityInput): void {
  try {
    const buffer = bufferFor(ctx);
    buffer.events.push({
      memberId: event.memberId,
      kind: event.kind,
      productId: event.productId ?? null,
      data: event.data ?? {},
      occurredAt: event.occurredAt ?? ctx.clock.now(),
    });
    if (buffer.events.length > MAX_BUFFERED) {
      const dropped = buffer.events.splice(0, buffer.events.length - MAX_BUFFERED).length;
      ctx.log.warn({ dropped }, "activity events dropped: the buffer is full (database unreachable?)");
    }
    if (buffer.events.length >= FLUSH_AT) void startWrite(buffer);
    else if (!buffer.timer) {
      buffer.timer = setTimeout(() => {
        buffer.timer = null;
        void startWrite(buffer);
      }, ACTIVITY_FLUSH_DELAY_MS);
      // A waiting event never keeps the process alive: shutdown flushes it explicitly.
      buffer.timer.unref();
    }
  } catch (error) {
    ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, "activity event not recorded");
  }
}

/**
 * Writes every waiting event now and resolves once they are in the database (or logged as failed). Called at
 * shutdown before the database closes, before merging members, and by tests.
 *
 * @example await flushActivity(ctx); expect(await prisma.activityEvent.count()).toBe(1)
 */
export async function flushActivity(ctx: CoreContext): Promise<void> {
  const buffer = buffers.get(ctx.prisma);
  if (!buffer) return;
  if (buffer.timer) {
    clearTimeout(buffer.timer);
    buffer.timer = null;
  }
  // Loop: events recorded while a write was running are written too.
  while (buffer.writing || buffer.events.length) await startWrite(buffer);
}

/** One writer at a time per database: a second caller waits for the running write. */
function startWrite(buffer: Buffer): Promise<void> {
  if (buffer.writing) return buffer.writing;
  if (buffer.events.length === 0) return Promise.resolve();
  const events = buffer.events.splice(0, buffer.events.length);
  buffer.writing = writeEvents(buffer.ctx, events).finally(() => {
    buffer.writing = null;
  });
  return buffer.writing;
}

/**
 * One INSERT of a whole batch from five arrays, straight to the driver: a course page viewed by a member who does not
 * own it is an event, so at hundreds of views a second Prisma's createMany (its query compiler and per-row
 * serialisation) cost more CPU than the page itself (issue 10's profile: 0.1 ms per view).
 */
const INSERT_EVENTS = `
  INSERT INTO "ActivityEvent" ("memberId", "kind", "productId", "data", "occurredAt")
  SELECT e."memberId", e."kind", e."productId", e."data"::jsonb, e."occurredAt"
  FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::timestamp[])
    AS e("memberId", "kind", "productId", "data", "occurredAt")`;

function insertEvents(ctx: CoreContext, batch: Prisma.ActivityEventCreateManyInput[]): Promise<unknown> {
  return ctx.sql.query(INSERT_EVENTS, [
    batch.map((e) => e.memberId),
    batch.map((e) => e.kind),
    batch.map((e) => e.productId ?? null),
    batch.map((e) => JSON.stringify(e.data ?? {})),
    // Stored as UTC without a zone: the ISO text cast to `timestamp` drops its "Z".
    batch.map((e) => new Date(e.occurredAt ?? Date.now()).toISOString()),
  ]);
}

async function writeEvents(ctx: CoreContext, events: Prisma.ActivityEventCreateManyInput[]): Promise<void> {
  for (let start = 0; start < events.length; start += BATCH_SIZE) {
    const batch = events.slice(start, start + BATCH_SIZE);
    try {
      await insertEvents(ctx, batch);
    } catch (error) {
      await writeSurvivors(ctx, batch, error);
    }
  }
}

/**
 * A batch fails as a whole when one of its members no longer exists (erased, or merged into another by /link while
 * its events waited). Those events are dropped and the rest written again; any other failure is logged and the
 * batch dropped, because retrying analytics must never pile up behind a broken database.
 */
async function writeSurvivors(
  ctx: CoreContext,
  batch: Prisma.ActivityEventCreateManyInput[],
  firstError: unknown,
): Promise<void> {
  try {
    const ids = [...new Set(batch.map((e) => e.memberId))];
    const existing = await ctx.prisma.member.findMany({ where: { id: { in: ids } }, select: { id: true } });
    const alive = new Set(existing.map((m) => m.id));
    const survivors = batch.filter((e) => alive.has(e.memberId));
    if (survivors.length < batch.length) {
      ctx.log.info({ dropped: batch.length - survivors.length }, "activity events of members that no longer exist");
    }
    if (survivors.length === batch.length) throw firstError;
    if (survivors.length) await insertEvents(ctx, survivors);
  } catch (error) {
    ctx.log.warn(
      { count: batch.length, err: error instanceof Error ? error.message : String(error) },
      "activity events not written",
    );
  }
}

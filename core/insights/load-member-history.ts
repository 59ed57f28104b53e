/**
 * The community's own history, read once from the database for churn risk and purchase propensity: every member's
 * activity events, paid access (entitlements with the period ends their payments announced, so "when does access
 * end" can be asked as of any past moment), lessons, questions, answers and first purchase.
 *
 * Everything is stamped with the moment it became known, and the questions asked of it (`payingAt`, `churnExtrasAt`,
 * `firstPurchaseAt`) only look at what a member did strictly before the moment asked about (and payment facts known
 * by then): features at a past `as_of`
 * come out the same whatever happened later (test/integration/churn-risk.test.ts).
 */
import type { CoreContext } from "../context.js";
import { ACTIVITY_KINDS } from "../learning/record-activity.js";
import { type ChurnExtras, DAY_MS, type MemberEvents } from "./churn-features.js";

/** Paid access of one member: an entitlement from an order or a subscription (grants are not paid). */
interface PaidSpan {
  knownFrom: number;
  startsAt: number;
  /** The end written on the entitlement now (NaN: lifetime). */
  endsAt: number;
  graceUntil: number;
  revokedAt: number;
  revokedForPayment: boolean;
  /** Subscription period ends announced by its payments: [paid at, period end], by payment time. */
  periods: [number, number][];
}

export interface MemberHistory {
  id: number;
  createdAt: number;
  /** Events in time order (columnar, the shape churn-features reads); types index `eventTypes`. */
  events: MemberEvents & { products: number[] };
  paid: PaidSpan[];
  questions: number[];
  answers: number[];
  /** Lessons opened: course, when first opened, when completed (NaN: not yet). */
  lessons: { productId: number; openedAt: number; completedAt: number }[];
  /** When the member's first order was paid (NaN: never). */
  firstPurchaseAt: number;
}

export interface CommunityHistory {
  eventTypes: string[];
  members: MemberHistory[];
  /** Published lessons per course (progress is a share of them). */
  lessonsPerCourse: Map<number, number>;
}

const time = (date: Date | null | undefined) => (date ? date.getTime() : Number.NaN);

/**
 * Reads the history of every member (staff and erased members left out) from `since` up to, not including, `until`.
 *
 * @example const history = await loadMemberHistory(ctx, { since: addDays(now, -150), until: now })
 */
export async function loadMemberHistory(
  ctx: CoreContext,
  options: { since: Date; until: Date },
): Promise<CommunityHistory> {
  const { since, until } = options;
  const members = await ctx.prisma.member.findMany({
    where: { role: "MEMBER", erasedAt: null, createdAt: { lt: until } },
    select: { id: true, createdAt: true },
    orderBy: { id: "asc" },
  });
  const memberIds = members.map((m) => m.id);
  const inMembers = { in: memberIds };
  const [events, entitlements, periods, progress, questions, answers, firstOrders, lessons] = await Promise.all([
    ctx.prisma.activityEvent.findMany({
      where: { memberId: inMembers, occurredAt: { gte: since, lt: until } },
      select: { memberId: true, kind: true, productId: true, occurredAt: true },
      orderBy: [{ memberId: "asc" }, { occurredAt: "asc" }],
    }),
    ctx.prisma.entitlement.findMany({
      where: { memberId: inMembers, source: { not: "GRANT" }, createdAt: { lt: until } },
      select: {
        memberId: true,
        subscriptionId: true,
        createdAt: true,
        startsAt: true,
        endsAt: true,
        graceUntil: true,
        revokedAt: true,
        revokeReason: true,
      },
    }),
    ctx.prisma.payment.findMany({
      where: { periodEnd: { not: null }, createdAt: { lt: until }, order: { subscriptionId: { not: null } } },
      select: { createdAt: true, periodEnd: true, order: { select: { subscriptionId: true } } },
      orderBy: { createdAt: "asc" },
    }),
    ctx.prisma.lessonProgress.findMany({
      where: { memberId: inMembers, firstOpenedAt: { lt: until } },
      select: { memberId: true, firstOpenedAt: true, completedAt: true, lesson: { select: { productId: true } } },
    }),
    ctx.prisma.question.findMany({
      where: { memberId: inMembers, createdAt: { gte: since, lt: until } },
      select: { memberId: true, createdAt: true },
    }),
    ctx.prisma.answer.findMany({
      where: { authorId: inMembers, createdAt: { gte: since, lt: until } },
      select: { authorId: true, createdAt: true },
    }),
    ctx.prisma.order.groupBy({
      by: ["memberId"],
      where: { memberId: inMembers, paidAt: { not: null, lt: until } },
      _min: { paidAt: true },
    }),
    ctx.prisma.lesson.groupBy({ by: ["productId"], where: { published: true }, _count: { _all: true } }),
  ]);

  const eventTypes: string[] = [...ACTIVITY_KINDS];
  const typeIndex = new Map(eventTypes.map((type, i) => [type, i]));
  const byId = new Map<number, MemberHistory>();
  const result = members.map((m) => {
    const history: MemberHistory = {
      id: m.id,
      createdAt: m.createdAt.getTime(),
      events: { types: [], times: [], counts: [], products: [], start: 0, end: 0 },
      paid: [],
      questions: [],
      answers: [],
      lessons: [],
      firstPurchaseAt: Number.NaN,
    };
    byId.set(m.id, history);
    return history;
  });
  for (const event of events) {
    const member = byId.get(event.memberId);
    if (!member) continue;
    let type = typeIndex.get(event.kind);
    if (type === undefined) {
      // A kind this code does not list (written by a newer version): it still counts, under its own name.
      type = eventTypes.length;
      eventTypes.push(event.kind);
      typeIndex.set(event.kind, type);
    }
    const columns = member.events as unknown as Record<"types" | "times" | "counts" | "products", number[]>;
    columns.types.push(type);
    columns.times.push(event.occurredAt.getTime());
    columns.counts.push(1);
    columns.products.push(event.productId ?? -1);
    member.events.end += 1;
  }
  const periodsBySubscription = new Map<number, [number, number][]>();
  for (const payment of periods) {
    const subscriptionId = payment.order.subscriptionId as number;
    let list = periodsBySubscription.get(subscriptionId);
    if (!list) {
      list = [];
      periodsBySubscription.set(subscriptionId, list);
    }
    list.push([payment.createdAt.getTime(), time(payment.periodEnd)]);
  }
  for (const e of entitlements) {
    byId.get(e.memberId)?.paid.push({
      knownFrom: e.createdAt.getTime(),
      startsAt: e.startsAt.getTime(),
      endsAt: time(e.endsAt),
      graceUntil: time(e.graceUntil),
      revokedAt: time(e.revokedAt),
      revokedForPayment: e.revokeReason === "PAYMENT_FAILED",
      periods: e.subscriptionId ? (periodsBySubscription.get(e.subscriptionId) ?? []) : [],
    });
  }
  for (const p of progress) {
    byId.get(p.memberId)?.lessons.push({
      productId: p.lesson.productId,
      openedAt: p.firstOpenedAt.getTime(),
      completedAt: time(p.completedAt),
    });
  }
  for (const q of questions) byId.get(q.memberId)?.questions.push(q.createdAt.getTime());
  for (const a of answers) if (a.authorId !== null) byId.get(a.authorId)?.answers.push(a.createdAt.getTime());
  for (const o of firstOrders) {
    const member = byId.get(o.memberId);
    if (member) member.firstPurchaseAt = time(o._min.paidAt);
  }
  return {
    eventTypes,
    members: result,
    lessonsPerCourse: new Map(lessons.map((l) => [l.productId, l._count._all])),
  };
}

// --- Questions asked of the history at a moment `at` (ms): only facts known at or before it are used.

/** When a paid span's access ends as known at `at`: the last period end its payments announced by then. */
function endKnownAt(span: PaidSpan, at: number): number {
  let end = Number.NaN;
  for (const [paidAt, periodEnd] of span.periods) if (paidAt <= at) end = periodEnd;
  // No payment told us yet (a one-time purchase, or data without payments): the end written on the entitlement.
  return Number.isNaN(end) ? span.endsAt : end;
}

function spanOpenAt(span: PaidSpan, at: number): boolean {
  if (span.knownFrom > at || span.startsAt > at) return false;
  if (!Number.isNaN(span.revokedAt) && span.revokedAt <= at) return false;
  const end = endKnownAt(span, at);
  return Number.isNaN(end) || end > at || (!Number.isNaN(span.graceUntil) && span.graceUntil > at && end <= at);
}

/** Whether the member held paid access at `at`. */
export function payingAt(member: MemberHistory, at: number): boolean {
  return member.paid.some((span) => spanOpenAt(span, at));
}

/** Whether the member did anything in [from, to). */
export function activeBetween(member: MemberHistory, from: number, to: number): boolean {
  const times = member.events.times as number[];
  for (let i = 0; i < times.length; i += 1) {
    const t = times[i] as number;
    if (t >= from && t < to) return true;
  }
  return false;
}

/** Whether the member belongs to the population scored at `at`: joined, and paying or active in the last `days`. */
export function currentAt(member: MemberHistory, at: number, days: number): boolean {
  return member.createdAt <= at && (payingAt(member, at) || activeBetween(member, at - days * DAY_MS, at));
}

/**
 * The churn label of a snapshot at `at` (the outcome is known once `at + idleDays` has passed): 1 when the member
 * did nothing in the next `idleDays` days, or was paying at `at` and no longer is at `at + idleDays`.
 */
export function churnedAfter(member: MemberHistory, at: number, idleDays: number): number {
  const until = at + idleDays * DAY_MS;
  if (!activeBetween(member, at, until)) return 1;
  return payingAt(member, at) && !payingAt(member, until) ? 1 : 0;
}

/** The product facts churn-features takes, as they stood at `at`. */
export function churnExtrasAt(history: CommunityHistory, member: MemberHistory, at: number): ChurnExtras {
  const month = at - 30 * DAY_MS;
  let pastDue = 0;
  let failed = 0;
  let daysLeft = Number.POSITIVE_INFINITY;
  let paying = false;
  for (const span of member.paid) {
    if (span.revokedForPayment && span.revokedAt <= at && span.revokedAt > month) failed += 1;
    if (!spanOpenAt(span, at)) continue;
    paying = true;
    const end = endKnownAt(span, at);
    if (Number.isNaN(end)) continue;
    if (end <= at) pastDue = 1; // open after its end: inside the grace a failed renewal gives
    daysLeft = Math.min(daysLeft, (end - at) / DAY_MS);
  }
  const opened = new Set<number>();
  let completed = 0;
  for (const lesson of member.lessons) {
    if (!(lesson.openedAt < at)) continue;
    opened.add(lesson.productId);
    if (lesson.completedAt < at) completed += 1;
  }
  let lessons = 0;
  for (const course of opened) lessons += history.lessonsPerCourse.get(course) ?? 0;
  const count = (times: number[]) => times.filter((t) => t < at && t >= month).length;
  return {
    courseProgress: lessons > 0 ? Math.min(1, completed / lessons) : Number.NaN,
    paymentPastDue: paying ? pastDue : 0,
    renewalsFailed: failed + pastDue,
    questionsAsked: count(member.questions),
    answersGiven: count(member.answers),
    daysToAccessEnd: paying && Number.isFinite(daysLeft) ? daysLeft : Number.NaN,
    tenureDays: Math.max(0, (at - member.createdAt) / DAY_MS),
  };
}

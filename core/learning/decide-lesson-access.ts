/**
 * Whether a member may read a lesson now, decided from the database at the moment of asking (never from what a
 * button or a deep link claims): the course and lesson are published (staff also see drafts); the member holds an
 * active entitlement to the course or to a bundle that contains it, or the lesson is a free preview; and, with drip,
 * the lesson has been released. Lessons are numbered as the reader sees them: the n-th lesson the reader can see,
 * in position order, so a draft between two lessons leaves no gap for members.
 *
 * @example const access = await decideLessonAccess(ctx, { member, course: "python-data-analysis", number: 2 })
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { Role } from "../../prisma/generated/enums.js";
import { addDays, isEntitlementActive } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import { isStaff } from "../identity/roles.js";
import { offerForMember } from "../insights/experiment-offer-for-member.js";

const courseSelect = {
  id: true,
  kind: true,
  slug: true,
  titleEn: true,
  titleZh: true,
  published: true,
  dripDays: true,
  offers: { where: { active: true }, orderBy: { id: "asc" as const } },
  lessons: {
    select: {
      id: true,
      position: true,
      slug: true,
      titleEn: true,
      titleZh: true,
      published: true,
      freePreview: true,
      releaseAfterDays: true,
    },
    orderBy: { position: "asc" as const },
  },
} satisfies Prisma.ProductSelect;

type CourseRow = Prisma.ProductGetPayload<{ select: typeof courseSelect }>;

/** A course as the reader sees it: only the lessons they may see, numbered from 1. */
export interface VisibleCourse {
  id: number;
  slug: string;
  titleEn: string;
  titleZh: string;
  published: boolean;
  dripDays: number | null;
  /**
   * What it sells for on its own to this member (their price-test variant, else the money offer, else one in
   * Stars); null when sold only in a bundle.
   */
  offer: CourseRow["offers"][number] | null;
  lessons: LessonOutline[];
}

export type LessonOutline = CourseRow["lessons"][number];

/** Why access that once existed is closed now: what the member is told, and whether "renew" or "buy again" fits. */
export type AccessEnded = "EXPIRED" | "REFUNDED" | "REVOKED";

export type LessonAccess =
  | {
      ok: true;
      /** ENTITLEMENT: bought (or through a bundle); PREVIEW: a free preview read without access; STAFF: the team. */
      via: "ENTITLEMENT" | "PREVIEW" | "STAFF";
      course: VisibleCourse;
      lesson: LessonOutline;
      /** 1-based, among `course.lessons`. */
      number: number;
      /** Ids of the course's lessons this member marked done. */
      completed: Set<number>;
    }
  | { ok: false; reason: "COURSE_NOT_FOUND" }
  | { ok: false; reason: "LESSON_NOT_FOUND"; course: VisibleCourse }
  | { ok: false; reason: "NO_ACCESS"; course: VisibleCourse; lesson: LessonOutline; number: number }
  | {
      ok: false;
      reason: "ACCESS_ENDED";
      ended: AccessEnded;
      course: VisibleCourse;
      lesson: LessonOutline;
      number: number;
      /** The product whose access ended (the course itself, or the bundle it came with): what "renew" buys. */
      productId: number;
    }
  | { ok: false; reason: "NOT_RELEASED"; course: VisibleCourse; lesson: LessonOutline; number: number; opensAt: Date };

export interface DecideLessonAccessOptions {
  member: { id: number; role: Role };
  /**
   * Which lesson: a course (id, or slug) and the reader's lesson number (none: the first one not done yet); or a
   * lesson id (a Mark done button).
   */
  target: { course: number | string; number?: number } | { lessonId: number };
}

/**
 * The day lesson `number` opens for a member whose access began at `accessStart`: its own `releaseAfterDays`, else
 * `(number - 1) × dripDays`, else at once.
 *
 * @example lessonReleaseDate(start, { releaseAfterDays: null }, 3, 7) // start + 14 days
 */
export function lessonReleaseDate(
  accessStart: Date,
  lesson: { releaseAfterDays: number | null },
  number: number,
  dripDays: number | null,
): Date {
  const days = lesson.releaseAfterDays ?? (dripDays ? (number - 1) * dripDays : 0);
  return addDays(accessStart, Math.max(0, days));
}

export async function decideLessonAccess(ctx: CoreContext, options: DecideLessonAccessOptions): Promise<LessonAccess> {
  const { member, target } = options;
  const staff = isStaff(member.role);
  const now = ctx.clock.now();
  const row = await findCourse(ctx, target);
  // Members never learn that a draft course or lesson exists: it is "not found", like a course that never was.
  if (!row || (!row.published && !staff)) return { ok: false, reason: "COURSE_NOT_FOUND" };
  const course: VisibleCourse = {
    id: row.id,
    slug: row.slug,
    titleEn: row.titleEn,
    titleZh: row.titleZh,
    published: row.published,
    dripDays: row.dripDays,
    // The price this member sees everywhere else (a running price test's variant), without counting a view.
    offer: (await offerForMember(ctx, row, member.id, { expose: false })) ?? row.offers[0] ?? null,
    lessons: staff ? row.lessons : row.lessons.filter((l) => l.published),
  };

  const [entitlements, progress] = await Promise.all([
    ctx.prisma.entitlement.findMany({
      where: {
        memberId: member.id,
        OR: [{ productId: course.id }, { product: { bundleItems: { some: { productId: course.id } } } }],
      },
      select: { productId: true, startsAt: true, endsAt: true, graceUntil: true, revokedAt: true, revokeReason: true },
    }),
    ctx.prisma.lessonProgress.findMany({
      where: { memberId: member.id, lesson: { productId: course.id } },
      select: { lessonId: true, completedAt: true },
    }),
  ]);
  const completed = new Set(progress.filter((p) => p.completedAt).map((p) => p.lessonId));

  const index =
    "lessonId" in target
      ? course.lessons.findIndex((l) => l.id === target.lessonId)
      : target.number === undefined
        ? Math.max(
            0,
            course.lessons.findIndex((l) => !completed.has(l.id)),
          )
        : target.number - 1;
  const lesson = index >= 0 ? course.lessons[index] : undefined;
  if (!lesson) return { ok: false, reason: "LESSON_NOT_FOUND", course };
  const number = index + 1;

  if (staff) return { ok: true, via: "STAFF", course, lesson, number, completed };
  const active = entitlements.filter((e) => isEntitlementActive(e, now));
  if (active.length) {
    // Drip counts from the earliest access that is open now (a bundle bought before the course counts).
    const accessStart = new Date(Math.min(...active.map((e) => e.startsAt.getTime())));
    const opensAt = lessonReleaseDate(accessStart, lesson, number, course.dripDays);
    if (opensAt > now && !lesson.freePreview)
      return { ok: false, reason: "NOT_RELEASED", course, lesson, number, opensAt };
    return { ok: true, via: "ENTITLEMENT", course, lesson, number, completed };
  }
  if (lesson.freePreview) return { ok: true, via: "PREVIEW", course, lesson, number, completed };
  const ended = latestEnded(entitlements, now);
  if (ended) {
    return { ok: false, reason: "ACCESS_ENDED", ended: ended.why, course, lesson, number, productId: ended.productId };
  }
  return { ok: false, reason: "NO_ACCESS", course, lesson, number };
}

async function findCourse(ctx: CoreContext, target: DecideLessonAccessOptions["target"]): Promise<CourseRow | null> {
  if ("lessonId" in target) {
    const lesson = await ctx.prisma.lesson.findUnique({
      where: { id: target.lessonId },
      select: { product: { select: courseSelect } },
    });
    return lesson?.product ?? null;
  }
  const where: Prisma.ProductWhereUniqueInput =
    typeof target.course === "number" ? { id: target.course } : { slug: target.course };
  return ctx.prisma.product.findUnique({ where, select: courseSelect });
}

type EntitlementRow = {
  productId: number;
  startsAt: Date;
  endsAt: Date | null;
  graceUntil: Date | null;
  revokedAt: Date | null;
  revokeReason: string | null;
};

/** The access that ended last, and why: a refund or chargeback, a creator taking it away, or time running out. */
function latestEnded(entitlements: EntitlementRow[], now: Date): { why: AccessEnded; productId: number } | null {
  let latest: { at: number; why: AccessEnded; productId: number } | null = null;
  for (const e of entitlements) {
    if (e.startsAt > now) continue;
    const endedAt = e.revokedAt ?? (e.graceUntil && e.endsAt && e.graceUntil > e.endsAt ? e.graceUntil : e.endsAt);
    if (!endedAt) continue;
    const why: AccessEnded =
      e.revokeReason === "REFUND" || e.revokeReason === "DISPUTE"
        ? "REFUNDED"
        : e.revokeReason === "MANUAL"
          ? "REVOKED"
          : "EXPIRED";
    if (!latest || endedAt.getTime() > latest.at) latest = { at: endedAt.getTime(), why, productId: e.productId };
  }
  return latest && { why: latest.why, productId: latest.productId };
}

/**
 * How far a member got in each of some courses, counted over the lessons they can see (members: published ones;
 * staff: all): what `/learn`, `/mycourses` and the course page show as `3/12 ✓`, and where "continue" leads.
 *
 * @example const progress = await courseProgress(ctx, { memberId, courseIds: [1, 2] }); progress.get(1)?.done
 */
import type { CoreContext } from "../context.js";

export interface CourseProgress {
  total: number;
  done: number;
  /** Ids of the lessons marked done. */
  completed: Set<number>;
  /** The reader's number (1-based) of the first lesson not done yet; null when every lesson is done. */
  next: number | null;
}

export async function courseProgress(
  ctx: CoreContext,
  options: { memberId: number; courseIds: number[]; includeDrafts?: boolean },
): Promise<Map<number, CourseProgress>> {
  const result = new Map<number, CourseProgress>();
  if (options.courseIds.length === 0) return result;
  const lessons = await ctx.prisma.lesson.findMany({
    where: { productId: { in: options.courseIds }, ...(options.includeDrafts ? {} : { published: true }) },
    select: {
      id: true,
      productId: true,
      progress: { where: { memberId: options.memberId, completedAt: { not: null } }, select: { lessonId: true } },
    },
    orderBy: [{ productId: "asc" }, { position: "asc" }],
  });
  const byCourse = new Map<number, { ids: number[]; completed: Set<number> }>();
  for (const lesson of lessons) {
    let entry = byCourse.get(lesson.productId);
    if (!entry) {
      entry = { ids: [], completed: new Set() };
      byCourse.set(lesson.productId, entry);
    }
    entry.ids.push(lesson.id);
    if (lesson.progress.length) entry.completed.add(lesson.id);
  }
  for (const [courseId, entry] of byCourse) result.set(courseId, progressOver(entry.ids, entry.completed));
  return result;
}

/**
 * Progress over the lessons a reader sees (ids in their order) given the ids they marked done: the same counting
 * whether the lessons come from the database or from the cached catalog.
 *
 * @example progressOver([11, 12, 13], new Set([11])) // { total: 3, done: 1, next: 2, … }
 */
export function progressOver(lessonIds: readonly number[], done: ReadonlySet<number>): CourseProgress {
  const progress: CourseProgress = { total: lessonIds.length, done: 0, completed: new Set(), next: null };
  lessonIds.forEach((id, index) => {
    if (done.has(id)) {
      progress.done += 1;
      progress.completed.add(id);
    } else if (progress.next === null) progress.next = index + 1;
  });
  return progress;
}

/** `3/12 ✓`: the same mark everywhere progress is shown (symbols only, the same in every language). */
export function progressMark(progress: Pick<CourseProgress, "done" | "total">): string {
  return `${progress.done}/${progress.total} ✓`;
}

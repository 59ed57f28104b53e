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
  for (const lesson of lessons) {
    let entry = result.get(lesson.productId);
    if (!entry) {
      entry = { total: 0, done: 0, completed: new Set(), next: null };
      result.set(lesson.productId, entry);
    }
    entry.total += 1;
    if (lesson.progress.length) {
      entry.done += 1;
      entry.completed.add(lesson.id);
    } else if (entry.next === null) entry.next = entry.total;
  }
  return result;
}

/** `3/12 ✓`: the same mark everywhere progress is shown (symbols only, the same in every language). */
export function progressMark(progress: Pick<CourseProgress, "done" | "total">): string {
  return `${progress.done}/${progress.total} ✓`;
}

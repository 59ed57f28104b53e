/**
 * Mark done: allowed exactly when opening the lesson is (a button names only a lesson id, and the id alone proves
 * nothing), idempotent (a double click, or a second press of "✓ Done", changes nothing and logs nothing again).
 *
 * @example const done = await completeLesson(ctx, { member, lessonId: 12 }) // { ok: true, firstTime: true, … }
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { decideLessonAccess, type LessonAccess } from "./decide-lesson-access.js";
import { recordActivity } from "./record-activity.js";

export type CompleteLessonResult =
  | Exclude<LessonAccess, { ok: true }>
  | (Extract<LessonAccess, { ok: true }> & { /** False when it was already done. */ firstTime: boolean });

export async function completeLesson(
  ctx: CoreContext,
  options: { member: { id: number; role: Role }; lessonId: number },
): Promise<CompleteLessonResult> {
  const access = await decideLessonAccess(ctx, { member: options.member, target: { lessonId: options.lessonId } });
  if (!access.ok) return access;
  const now = ctx.clock.now();
  const memberId = options.member.id;
  const lessonId = access.lesson.id;
  // Two statements that each change a row only once, whatever runs concurrently: an opened lesson gets its
  // completion, a lesson never opened gets a row that says both.
  const updated = await ctx.prisma.lessonProgress.updateMany({
    where: { memberId, lessonId, completedAt: null },
    data: { completedAt: now },
  });
  const created =
    updated.count === 0
      ? await ctx.prisma.lessonProgress.createMany({
          data: [{ memberId, lessonId, firstOpenedAt: now, lastOpenedAt: now, completedAt: now }],
          skipDuplicates: true,
        })
      : { count: 0 };
  const firstTime = updated.count + created.count > 0;
  if (firstTime) {
    recordActivity(ctx, {
      memberId,
      kind: "lesson_completed",
      productId: access.course.id,
      data: { lessonId, number: access.number },
      occurredAt: now,
    });
  }
  access.completed.add(lessonId);
  return { ...access, firstTime };
}

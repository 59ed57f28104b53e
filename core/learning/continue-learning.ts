/**
 * `/learn`: where the member left off. The course they opened most recently, when it still has a lesson they have
 * not done (the lesson itself is then opened with every check, as if typed); otherwise their courses to choose from.
 *
 * @example const next = await continueLearning(ctx, { member }); if (next.kind === "continue") openLesson(…next.courseId)
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { isStaff } from "../identity/roles.js";
import { courseProgress } from "./course-progress.js";
import { type LearnerCourse, listLearnerCourses } from "./list-learner-courses.js";

export type ContinueLearning = { kind: "continue"; courseId: number } | { kind: "choose"; courses: LearnerCourse[] };

export async function continueLearning(
  ctx: CoreContext,
  options: { member: { id: number; role: Role } },
): Promise<ContinueLearning> {
  const { member } = options;
  const staff = isStaff(member.role);
  const last = await ctx.prisma.lessonProgress.findFirst({
    where: { memberId: member.id, ...(staff ? {} : { lesson: { published: true, product: { published: true } } }) },
    orderBy: { lastOpenedAt: "desc" },
    select: { lesson: { select: { productId: true } } },
  });
  if (last) {
    const courseId = last.lesson.productId;
    const progress = (
      await courseProgress(ctx, { memberId: member.id, courseIds: [courseId], includeDrafts: staff })
    ).get(courseId);
    if (progress && progress.next !== null) return { kind: "continue", courseId };
  }
  return { kind: "choose", courses: await listLearnerCourses(ctx, { memberId: member.id }) };
}

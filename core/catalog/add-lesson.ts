/**
 * The creator writes a lesson in chat: it is added after the course's last lesson as a draft (members do not see it)
 * until `publishContent` publishes it, so files can be attached before anyone reads it. Staff only.
 */
import { AppError } from "../app-error.js";
import { requestKnowledgeIndex } from "../assistant/request-knowledge-index.js";
import { chatLessonSlug } from "../content/chat-lessons.js";
import { lessonContentHash } from "../content/read-course-folder.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export interface AddLessonOptions {
  staffMemberId: number;
  courseId: number;
  titleEn: string;
  /** Empty: the English title. */
  titleZh: string;
  /** Markdown; may be empty. */
  contentEn: string;
}

/**
 * @returns the lesson and its number as the team counts lessons (drafts included)
 * @example const { lesson, number } = await addLesson(ctx, { staffMemberId, courseId: 3, titleEn: "Charts", titleZh: "", contentEn: "…" })
 */
export async function addLesson(ctx: CoreContext, options: AddLessonOptions) {
  await requireStaff(ctx, options.staffMemberId);
  const titleEn = options.titleEn.trim() || options.titleZh.trim();
  if (!titleEn) throw new AppError("BAD_ARGUMENTS");
  const texts = { titleEn, titleZh: options.titleZh.trim() || titleEn, contentEn: options.contentEn, contentZh: "" };
  const added = await ctx.prisma.$transaction(async (tx) => {
    const course = await tx.product.findUnique({ where: { id: options.courseId }, select: { id: true } });
    if (!course) throw new AppError("PRODUCT_NOT_FOUND", { id: options.courseId });
    const lessons = await tx.lesson.findMany({
      where: { productId: course.id },
      select: { slug: true, position: true },
    });
    const position = Math.max(0, ...lessons.map((lesson) => lesson.position)) + 1;
    const slug = chatLessonSlug(lessons.length + 1, titleEn, new Set(lessons.map((lesson) => lesson.slug)));
    const lesson = await tx.lesson.create({
      data: { productId: course.id, position, slug, published: false, ...texts, contentHash: lessonContentHash(texts) },
    });
    return { lesson, number: lessons.length + 1 };
  });
  // Drafts are not indexed, but a lesson written straight into a published course may be soon: the index catches up.
  await requestKnowledgeIndex(ctx);
  return added;
}

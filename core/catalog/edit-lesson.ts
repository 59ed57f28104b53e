/**
 * The creator changes one thing of a lesson in chat: a title, a text (either language) or whether it is a free
 * preview. A changed title or text gets a new contentHash, computed as the folder import computes it, so the knowledge
 * index re-indexes exactly this lesson. Staff only.
 */

import { requestKnowledgeIndex } from "../assistant/request-knowledge-index.js";
import { lessonContentHash } from "../content/read-course-folder.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export const LESSON_TEXT_FIELDS = ["title", "title_zh", "text", "text_zh"] as const;
export type LessonTextField = (typeof LESSON_TEXT_FIELDS)[number];

export type EditLessonChange = { field: LessonTextField; value: string } | { field: "free"; value: boolean };

export interface EditLessonOptions {
  staffMemberId: number;
  lessonId: number;
  change: EditLessonChange;
}

const COLUMN = { title: "titleEn", title_zh: "titleZh", text: "contentEn", text_zh: "contentZh" } as const;

/**
 * An empty `title_zh` falls back to the English title (as a folder without one does); an empty `title` is refused
 * by returning `{ ok: false }`: a lesson always has a title.
 *
 * @example await editLesson(ctx, { staffMemberId, lessonId, change: { field: "text", value: "# New text" } })
 */
export async function editLesson(
  ctx: CoreContext,
  options: EditLessonOptions,
): Promise<{ ok: true; changed: boolean } | { ok: false; reason: "EMPTY_TITLE" }> {
  await requireStaff(ctx, options.staffMemberId);
  const { change } = options;
  const result = await ctx.prisma.$transaction(async (tx) => {
    const lesson = await tx.lesson.findUniqueOrThrow({ where: { id: options.lessonId } });
    if (change.field === "free") {
      if (lesson.freePreview === change.value) return { ok: true as const, changed: false };
      await tx.lesson.update({ where: { id: lesson.id }, data: { freePreview: change.value } });
      return { ok: true as const, changed: true };
    }
    const value = change.field.startsWith("title") ? change.value.trim() : change.value;
    if (change.field === "title" && !value) return { ok: false as const, reason: "EMPTY_TITLE" as const };
    const texts = {
      titleEn: lesson.titleEn,
      titleZh: lesson.titleZh,
      contentEn: lesson.contentEn,
      contentZh: lesson.contentZh,
      [COLUMN[change.field]]: change.field === "title_zh" && !value ? lesson.titleEn : value,
    };
    const contentHash = lessonContentHash(texts);
    if (contentHash === lesson.contentHash) return { ok: true as const, changed: false };
    await tx.lesson.update({ where: { id: lesson.id }, data: { ...texts, contentHash } });
    return { ok: true as const, changed: true };
  });
  // The answer helper quotes the lesson as it reads now.
  if (result.ok && result.changed) await requestKnowledgeIndex(ctx);
  return result;
}

/**
 * A member opens a lesson: access is decided now (see decide-lesson-access.ts), and an allowed open is remembered
 * (LessonProgress: first and last opening, which /learn continues from) and logged as activity.
 *
 * @example const opened = await openLesson(ctx, { member, target: { course: 3, number: 2 } })
 * if (!opened.ok) return refusal(opened.reason)
 */
import type { AttachmentKind } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { type DecideLessonAccessOptions, decideLessonAccess, type LessonAccess } from "./decide-lesson-access.js";
import { recordActivity } from "./record-activity.js";

export interface LessonContent {
  /** Markdown as the creator wrote it; either may be empty (the reader is then shown the other one). */
  contentEn: string;
  contentZh: string;
  attachments: { id: number; kind: AttachmentKind; fileName: string; caption: string }[];
}

export type OpenLessonResult =
  | Exclude<LessonAccess, { ok: true }>
  | (Extract<LessonAccess, { ok: true }> & LessonContent);

export async function openLesson(ctx: CoreContext, options: DecideLessonAccessOptions): Promise<OpenLessonResult> {
  const access = await decideLessonAccess(ctx, options);
  if (!access.ok) return access;
  const now = ctx.clock.now();
  const memberId = options.member.id;
  const lessonId = access.lesson.id;
  const [content] = await Promise.all([
    ctx.prisma.lesson.findUniqueOrThrow({
      where: { id: lessonId },
      // The bytes stay in the database: the adapter loads them only when it has no platform file id yet.
      select: {
        contentEn: true,
        contentZh: true,
        attachments: { select: { id: true, kind: true, fileName: true, caption: true }, orderBy: { position: "asc" } },
      },
    }),
    ctx.prisma.lessonProgress.upsert({
      where: { memberId_lessonId: { memberId, lessonId } },
      create: { memberId, lessonId, firstOpenedAt: now, lastOpenedAt: now },
      update: { lastOpenedAt: now },
    }),
  ]);
  recordActivity(ctx, {
    memberId,
    kind: access.via === "PREVIEW" ? "preview_opened" : "lesson_opened",
    productId: access.course.id,
    data: { lessonId, number: access.number },
    occurredAt: now,
  });
  return { ...access, ...content };
}

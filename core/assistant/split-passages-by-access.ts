/**
 * Which retrieved passages the asker may read. Lesson passages follow the same decision as opening the lesson
 * (decideLessonAccess: the course owned, directly or through a bundle, or a free preview, released by drip; staff
 * read everything); product descriptions, accepted answers and imported documents are public material. A lesson the
 * asker may not read is kept apart as a LockedPassage, which never carries its text: nothing downstream can quote
 * it or put it in a prompt by mistake.
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { decideLessonAccess, type LessonAccess } from "../learning/decide-lesson-access.js";
import type { LockedPassage, ReadablePassage } from "./helper-passage.js";
import type { RankedPassage } from "./rank-passages.js";

export interface SplitPassages {
  readable: ReadablePassage[];
  locked: LockedPassage[];
}

/**
 * @example const { readable, locked } = await splitPassagesByAccess(ctx, { member, passages: retrieved.passages })
 */
export async function splitPassagesByAccess(
  ctx: CoreContext,
  options: { member: { id: number; role: Role }; passages: RankedPassage[] },
): Promise<SplitPassages> {
  const readable: ReadablePassage[] = [];
  const locked: LockedPassage[] = [];
  const lessonAccess = new Map<number, LessonAccess>();
  const productIds = options.passages.flatMap(({ chunk }) =>
    chunk.source === "PRODUCT" && chunk.productId ? [chunk.productId] : [],
  );
  const products = new Map(
    (
      await ctx.prisma.product.findMany({
        where: { id: { in: productIds }, published: true },
        select: { id: true, titleEn: true, titleZh: true },
      })
    ).map((product) => [product.id, product]),
  );

  for (const { chunk } of options.passages) {
    const ids = {
      lessonId: chunk.lessonId,
      productId: chunk.productId,
      documentId: chunk.documentId,
      answerId: chunk.answerId,
    };
    const common = {
      chunkId: chunk.id,
      source: chunk.source,
      passageId: chunk.passageId,
      section: chunk.headingPath,
      locale: chunk.locale,
    };
    if (chunk.source === "LESSON" && chunk.lessonId) {
      let access = lessonAccess.get(chunk.lessonId);
      if (!access) {
        access = await decideLessonAccess(ctx, { member: options.member, target: { lessonId: chunk.lessonId } });
        lessonAccess.set(chunk.lessonId, access);
      }
      if (access.ok) {
        readable.push({
          ...common,
          number: readable.length + 1,
          label: {
            en: `${access.course.titleEn || access.course.titleZh} — ${access.lesson.titleEn || access.lesson.titleZh}`,
            zh: `${access.course.titleZh || access.course.titleEn} — ${access.lesson.titleZh || access.lesson.titleEn}`,
          },
          text: chunk.content,
          target: {
            kind: "lesson",
            courseId: access.course.id,
            lessonNumber: access.number,
            courseTitle: { en: access.course.titleEn, zh: access.course.titleZh },
            lessonTitle: { en: access.lesson.titleEn, zh: access.lesson.titleZh },
          },
          ids,
        });
        continue;
      }
      // Gone since it was indexed (unpublished, deleted): neither quoted nor named.
      if (access.reason === "COURSE_NOT_FOUND" || access.reason === "LESSON_NOT_FOUND") continue;
      if (locked.some((entry) => entry.lessonId === chunk.lessonId)) continue;
      const { course, lesson } = access;
      locked.push({
        lessonId: lesson.id,
        courseId: course.id,
        courseTitle: { en: course.titleEn, zh: course.titleZh },
        lessonNumber: access.number,
        lessonTitle: { en: lesson.titleEn, zh: lesson.titleZh },
        buy:
          access.reason === "ACCESS_ENDED"
            ? { productId: access.productId, offer: null }
            : access.reason === "NO_ACCESS" && course.offer
              ? { productId: course.id, offer: course.offer }
              : null,
        reason: access.reason,
      });
      continue;
    }
    if (chunk.source === "LESSON") continue;
    if (chunk.source === "PRODUCT") {
      const product = chunk.productId ? products.get(chunk.productId) : undefined;
      if (!product) continue;
      readable.push({
        ...common,
        number: readable.length + 1,
        label: { en: product.titleEn || product.titleZh, zh: product.titleZh || product.titleEn },
        text: chunk.content,
        target: { kind: "product", productId: product.id },
        ids,
      });
      continue;
    }
    // Accepted answers and imported documents are public material.
    readable.push({
      ...common,
      number: readable.length + 1,
      label: { en: chunk.title, zh: chunk.title },
      text: chunk.content,
      target: { kind: "none" },
      ids,
    });
  }
  return { readable, locked };
}

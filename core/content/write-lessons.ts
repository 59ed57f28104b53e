/**
 * A course's lessons as its folder says, inside the caller's transaction. Lessons are matched by slug (file name)
 * and keep their ids, so members' progress stays attached; a lesson whose file is gone is unpublished, never deleted.
 * Lessons a creator wrote in chat (`chat-…` slugs, chat-lessons.ts) were never in the folder: absent from it, they
 * keep their state; once the folder has their file, the folder wins for them like for any other lesson.
 */
import type { Transaction } from "../context.js";
import { isChatLessonSlug } from "./chat-lessons.js";
import type { LessonReport } from "./content-report.js";
import type { AttachmentFile } from "./lesson-attachments.js";
import type { LessonDefinition } from "./read-course-folder.js";
import { sameValue } from "./same-value.js";

const LESSON_FIELDS = [
  "position",
  "titleEn",
  "titleZh",
  "contentEn",
  "contentZh",
  "published",
  "freePreview",
  "releaseAfterDays",
  "contentHash",
] as const;

/** Lessons are ordered by file name, numbers compared as numbers (`2-…` before `10-…`). */
export const compareLessonSlugs = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

export async function writeLessons(
  tx: Transaction,
  productId: number,
  lessons: LessonDefinition[],
): Promise<LessonReport[]> {
  const existing = await tx.lesson.findMany({
    where: { productId },
    select: { id: true, slug: true, ...Object.fromEntries(LESSON_FIELDS.map((field) => [field, true])) } as {
      id: true;
      slug: true;
    } & { [Field in (typeof LESSON_FIELDS)[number]]: true },
  });
  const bySlug = new Map(existing.map((lesson) => [lesson.slug, lesson]));
  const inFolder = new Set(lessons.map((lesson) => lesson.slug));

  // Positions follow file name order over every lesson of the course, the unpublished ones whose file is gone
  // included: they keep their place, so exporting and importing again moves nothing.
  const order = [...new Set([...lessons.map((l) => l.slug), ...existing.map((l) => l.slug)])].sort(compareLessonSlugs);
  const position = new Map(order.map((slug, index) => [slug, index + 1]));
  // (productId, position) is unique: lessons that move step aside first.
  const moving = existing.filter((lesson) => lesson.position !== position.get(lesson.slug));
  for (const lesson of moving) {
    await tx.lesson.update({ where: { id: lesson.id }, data: { position: -lesson.id } });
  }

  const reports: LessonReport[] = [];
  for (const lesson of lessons) {
    const wanted = {
      position: position.get(lesson.slug)!,
      titleEn: lesson.titleEn,
      titleZh: lesson.titleZh,
      contentEn: lesson.contentEn,
      contentZh: lesson.contentZh,
      published: lesson.published,
      freePreview: lesson.freePreview,
      releaseAfterDays: lesson.releaseAfterDays,
      contentHash: lesson.contentHash,
    };
    const current = bySlug.get(lesson.slug);
    if (!current) {
      const created = await tx.lesson.create({
        data: { productId, slug: lesson.slug, ...wanted },
        select: { id: true },
      });
      await writeAttachments(tx, created.id, lesson.attachments);
      reports.push({ slug: lesson.slug, outcome: "created", changes: [] });
      continue;
    }
    const changes: string[] = LESSON_FIELDS.filter((field) => !sameValue(current[field], wanted[field]));
    if (changes.length) {
      await tx.lesson.update({
        where: { id: current.id },
        data: Object.fromEntries(changes.map((field) => [field, wanted[field as keyof typeof wanted]])),
      });
    }
    if (await writeAttachments(tx, current.id, lesson.attachments)) changes.push("attachments");
    reports.push({ slug: lesson.slug, outcome: changes.length ? "updated" : "unchanged", changes });
  }

  for (const lesson of existing.filter((lesson) => !inFolder.has(lesson.slug))) {
    const wantedPosition = position.get(lesson.slug)!;
    if (isChatLessonSlug(lesson.slug)) {
      if (lesson.position !== wantedPosition) {
        await tx.lesson.update({ where: { id: lesson.id }, data: { position: wantedPosition } });
      }
      continue;
    }
    if (lesson.published || lesson.position !== wantedPosition) {
      await tx.lesson.update({ where: { id: lesson.id }, data: { published: false, position: wantedPosition } });
    }
    if (lesson.published) reports.push({ slug: lesson.slug, outcome: "unpublished", changes: ["published"] });
  }
  return reports;
}

/**
 * The lesson's files as the folder has them, matched by file name. Files a creator sent in chat (no bytes here,
 * only a platform file id) are left alone; a folder file whose bytes changed forgets its uploaded platform copies.
 * True when something changed.
 */
async function writeAttachments(tx: Transaction, lessonId: number, files: AttachmentFile[]): Promise<boolean> {
  const existing = await tx.lessonAttachment.findMany({
    where: { lessonId },
    select: { id: true, fileName: true, kind: true, mimeType: true, caption: true, sha256: true, position: true },
  });
  const fromFolder = new Set(
    (await tx.lessonAttachment.findMany({ where: { lessonId, NOT: { data: null } }, select: { id: true } })).map(
      (row) => row.id,
    ),
  );
  let changed = false;
  for (const [index, file] of files.entries()) {
    const wanted = {
      position: index + 1,
      kind: file.kind,
      mimeType: file.mimeType,
      caption: file.caption,
      sha256: file.sha256,
    };
    const current = existing.find((row) => row.fileName === file.fileName);
    if (!current) {
      await tx.lessonAttachment.create({ data: { lessonId, fileName: file.fileName, data: file.data, ...wanted } });
      changed = true;
      continue;
    }
    const sameBytes = current.sha256 === file.sha256 && fromFolder.has(current.id);
    const sameRest = (Object.keys(wanted) as Array<keyof typeof wanted>).every((key) => current[key] === wanted[key]);
    if (sameBytes && sameRest) continue;
    await tx.lessonAttachment.update({
      where: { id: current.id },
      data: sameBytes ? wanted : { ...wanted, data: file.data, telegramFileId: null, discordUrl: null },
    });
    changed = true;
  }
  const gone = existing.filter(
    (row) => fromFolder.has(row.id) && !files.some((file) => file.fileName === row.fileName),
  );
  if (gone.length) {
    await tx.lessonAttachment.deleteMany({ where: { id: { in: gone.map((row) => row.id) } } });
    changed = true;
  }
  return changed;
}

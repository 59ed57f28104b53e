/**
 * Arguments of the creator's lesson commands: a course by id or slug, a lesson by the number the team sees (drafts
 * counted, as the creator's /course page lists them).
 */
import { AppError } from "../../app-error.js";
import { findStaffCourse, type StaffCourse } from "../../catalog/find-staff-course.js";
import { localized } from "../../i18n/index.js";
import type { Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";

/** `3`, `#3` or `sql-basics`; anything else is BAD_ARGUMENTS with the command's usage. */
export function courseArgument(value: string | undefined, session: Session, usageKey: string): number | string {
  const id = value ? /^#?(\d{1,9})$/.exec(value) : null;
  if (id) return Number(id[1]);
  if (value && /^[a-z0-9][a-z0-9_-]{0,99}$/i.test(value)) return value.toLowerCase();
  throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage[usageKey] ?? "" });
}

/** A lesson number 1–9999, or BAD_ARGUMENTS. */
export function lessonNumberArgument(value: string | undefined, session: Session, usageKey: string): number {
  if (!value || !/^[1-9]\d{0,3}$/.test(value)) {
    throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage[usageKey] ?? "" });
  }
  return Number(value);
}

export type StaffLesson = StaffCourse["lessons"][number];

/** The course and its n-th lesson, or the reply saying there is no such lesson. */
export async function findLesson(
  session: Session,
  course: number | string,
  number: number,
): Promise<{ course: StaffCourse; lesson: StaffLesson } | { refusal: Reply }> {
  const found = await findStaffCourse(session.ctx, { course });
  const lesson = found.lessons[number - 1];
  if (lesson) return { course: found, lesson };
  return {
    refusal: textReply(
      session.m.authoring.noSuchLesson({
        course: productTitle(session.locale, found),
        number,
        total: found.lessons.length,
        id: found.id,
      }),
    ),
  };
}

/** A lesson's title in the reader's language. */
export function lessonTitle(session: Session, lesson: { titleEn: string; titleZh: string }): string {
  return localized(session.locale, lesson.titleEn, lesson.titleZh);
}

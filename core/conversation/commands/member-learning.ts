/**
 * /learn, /lesson and the lesson buttons (Previous, Mark done, Next): learning in chat. Every button is the command
 * it names (`lesson 3 2`, `done 14`), parsed and checked exactly like a typed one, so a tampered button is only a
 * command the member could have typed, and gets the same refusal.
 */
import { AppError } from "../../app-error.js";
import { countLessonComments } from "../../community/discussion/list-lesson-comments.js";
import { localized } from "../../i18n/index.js";
import { completeLesson } from "../../learning/complete-lesson.js";
import { continueLearning } from "../../learning/continue-learning.js";
import { progressMark } from "../../learning/course-progress.js";
import type { DecideLessonAccessOptions } from "../../learning/decide-lesson-access.js";
import { openLesson } from "../../learning/open-lesson.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Button, type Reply, textReply } from "../reply.js";
import { lessonRefusal, lessonReply } from "./lesson-reply.js";

/** A course argument: an id (`3`, `#3`) or a slug (`python-data-analysis`). */
function courseArgument(value: string, session: Session): number | string {
  const id = /^#?(\d{1,9})$/.exec(value);
  if (id) return Number(id[1]);
  if (/^[a-z0-9][a-z0-9_-]{0,99}$/i.test(value)) return value.toLowerCase();
  throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.lesson ?? "" });
}

/** A lesson number as the member counts them: 1 to 9999. */
function numberArgument(value: string | undefined, session: Session): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.lesson ?? "" });
  return Number(value);
}

/**
 * Opens a lesson with every check and renders it, or the refusal. Shared by /lesson, /learn, the buttons and the
 * `/start lesson_<course>_<n>` deep link.
 *
 * @example return showLesson(session, { course: 3, number: 2 })
 */
export async function showLesson(session: Session, target: DecideLessonAccessOptions["target"]): Promise<Reply> {
  const opened = await openLesson(session.ctx, { member: session.member, target });
  if (!opened.ok) return lessonRefusal(session, opened, target);
  return lessonReply(session, opened, { comments: await countLessonComments(session.ctx, opened.lesson.id) });
}

export const lessonCommand: Command = {
  name: "lesson",
  async run(session, args) {
    if (args.length === 0) return learnCommand.run(session, [], "");
    return showLesson(session, { course: courseArgument(args[0]!, session), number: numberArgument(args[1], session) });
  },
};

export const learnCommand: Command = {
  name: "learn",
  async run(session) {
    const { ctx, m, locale } = session;
    const next = await continueLearning(ctx, { member: session.member });
    if (next.kind === "continue") return showLesson(session, { course: next.courseId });
    if (next.courses.length === 0)
      return textReply(m.learning.learnEmpty, [[{ label: m.buttonCatalog, action: "courses" }]]);
    const lines = [m.learning.learnTitle];
    const buttons: Button[][] = [];
    for (const course of next.courses) {
      const title = productTitle(locale, course);
      lines.push(m.learning.learnLine({ id: course.id, title, progress: progressMark(course.progress) }));
      if (buttons.length < 8 && course.progress.next !== null) {
        const label = truncateText(title, 40, "…");
        buttons.push([
          {
            label:
              course.progress.done === 0
                ? m.learning.buttonStart({ title: label })
                : m.learning.buttonContinue({ title: label }),
            action: `lesson ${course.id}`,
          },
        ]);
      }
    }
    lines.push("", m.learning.learnHint);
    return textReply(lines.join("\n"), buttons);
  },
};

export const doneCommand: Command = {
  name: "done",
  async run(session, args) {
    const { ctx, m, locale } = session;
    const lessonId = idArgument(args[0], m, "done");
    const done = await completeLesson(ctx, { member: session.member, lessonId });
    if (!done.ok) return lessonRefusal(session, done, { lessonId });
    const { course, lesson, number } = done;
    const total = course.lessons.length;
    const doneCount = course.lessons.filter((l) => done.completed.has(l.id)).length;
    const params = {
      number,
      total,
      title: localized(locale, lesson.titleEn, lesson.titleZh),
      progress: progressMark({ done: doneCount, total }),
    };
    const lines = [done.firstTime ? m.learning.markedDone(params) : m.learning.alreadyDone(params)];
    if (doneCount === total) lines.push("", m.learning.courseFinished({ course: productTitle(locale, course) }));
    const row: Button[] = [];
    if (number < total) row.push({ label: m.learning.buttonNext, action: `lesson ${course.id} ${number + 1}` });
    else if (doneCount < total) row.push({ label: m.learning.buttonContinueCourse, action: `lesson ${course.id}` });
    row.push({ label: m.learning.buttonContents, action: `course ${course.id}` });
    // The whole course done: ask for a rating, one tap (each button is `/review <course> <n>`, checked as typed).
    if (done.firstTime && doneCount === total) {
      const title = productTitle(locale, course);
      lines.push("", m.reviews.rateCourse({ course: title, id: course.id }));
      const rate = [1, 2, 3, 4, 5].map((n) => ({ label: "★".repeat(n), action: `review ${course.id} ${n}` }));
      return textReply(lines.join("\n"), [row, rate]);
    }
    return textReply(lines.join("\n"), [row]);
  },
};

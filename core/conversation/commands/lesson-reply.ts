/**
 * How a lesson, or the refusal to open one, reads in chat: the neutral reply every adapter renders. A lesson is a
 * heading (`text`), the creator's Markdown (`markdown`, rendered and split by each adapter), its attachments and the
 * Previous / Mark done / Next buttons; a refusal says why in the member's language and offers the way in (buy,
 * renew, the free preview, the course page).
 */
import { formatDateTime, localized } from "../../i18n/index.js";
import type { LessonAccess, VisibleCourse } from "../../learning/decide-lesson-access.js";
import type { OpenLessonResult } from "../../learning/open-lesson.js";
import type { Session } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import type { AttachmentRef, Button, Reply, ReplyMessage } from "../reply.js";
import { textReply } from "../reply.js";

type Opened = Extract<OpenLessonResult, { ok: true }>;
type Refused = Exclude<LessonAccess, { ok: true }>;

/** The lesson message: heading, body in the reader's language (else the other one, with a note), files, buttons. */
export function lessonReply(session: Session, opened: Opened, options: { comments?: number } = {}): Reply {
  const { m, locale } = session;
  const { course, lesson, number } = opened;
  const total = course.lessons.length;
  const lines = [
    m.learning.heading({
      course: productTitle(locale, course),
      number,
      total,
      title: localized(locale, lesson.titleEn, lesson.titleZh),
    }),
  ];
  if (!course.published || !lesson.published) lines.push(m.learning.draft);
  if (opened.via === "PREVIEW") lines.push(m.learning.preview);
  const own = locale === "zh" ? opened.contentZh : opened.contentEn;
  const other = locale === "zh" ? opened.contentEn : opened.contentZh;
  if (!own.trim() && other.trim()) lines.push(m.learning.otherLanguage);
  const body = own.trim() ? own : other;

  const navigation: Button[] = [];
  if (number > 1) navigation.push({ label: m.learning.buttonPrevious, action: `lesson ${course.id} ${number - 1}` });
  navigation.push({
    label: opened.completed.has(lesson.id) ? m.learning.buttonDone : m.learning.buttonMarkDone,
    action: `done ${lesson.id}`,
  });
  if (number < total) navigation.push({ label: m.learning.buttonNext, action: `lesson ${course.id} ${number + 1}` });
  const more: Button[] = [];
  if (opened.via === "PREVIEW") more.push(...buyButton(session, course));
  more.push({ label: m.learning.buttonContents, action: `course ${course.id}` });
  if (options.comments !== undefined) {
    more.push({
      label: m.discussion.buttonDiscuss({ count: options.comments }),
      action: `comments ${course.id} ${number}`,
    });
  }

  const message: ReplyMessage = { text: lines.join("\n"), buttons: [navigation, more] };
  if (body.trim()) message.markdown = body;
  if (opened.attachments.length) {
    message.attachments = opened.attachments.map(
      (a): AttachmentRef => ({
        id: a.id,
        kind: a.kind === "PHOTO" ? "photo" : "document",
        fileName: a.fileName,
        ...(a.caption ? { caption: a.caption } : {}),
      }),
    );
  }
  return { messages: [message] };
}

/**
 * Why the lesson does not open, and what the member can do about it. `target` tells how it was asked for: a lesson id
 * (a Mark done button) that matches nothing is "that lesson does not exist", whatever course it claimed.
 */
export function lessonRefusal(
  session: Session,
  refused: Refused,
  target: { course: number | string; number?: number } | { lessonId: number },
): Reply {
  const { m, locale } = session;
  if (refused.reason === "COURSE_NOT_FOUND") {
    if ("lessonId" in target)
      return textReply(m.learning.lessonGone, [[{ label: m.learning.buttonLearn, action: "learn" }]]);
    const named = typeof target.course === "number" ? `#${target.course}` : target.course;
    return textReply(m.learning.courseNotFound({ course: named }), [[{ label: m.buttonCatalog, action: "courses" }]]);
  }
  const course = refused.course;
  const title = productTitle(locale, course);
  const contents: Button = { label: m.learning.buttonContents, action: `course ${course.id}` };
  switch (refused.reason) {
    case "LESSON_NOT_FOUND": {
      if ("lessonId" in target)
        return textReply(m.learning.lessonGone, [[{ label: m.learning.buttonLearn, action: "learn" }]]);
      if (course.lessons.length === 0) return textReply(m.learning.noLessons({ course: title }), [[contents]]);
      const number = target.number ?? 1;
      const text = m.learning.lessonNotFound({ course: title, number, total: course.lessons.length, id: course.id });
      return textReply(text, [[contents]]);
    }
    case "NO_ACCESS": {
      const buttons: Button[][] = [];
      const buy = buyButton(session, course);
      if (buy.length) buttons.push(buy);
      const preview = course.lessons.findIndex((l) => l.freePreview);
      if (preview >= 0)
        buttons.push([{ label: m.learning.buttonPreview, action: `lesson ${course.id} ${preview + 1}` }]);
      buttons.push([contents]);
      return textReply(m.learning.noAccess({ number: refused.number, course: title }), buttons);
    }
    case "ACCESS_ENDED": {
      const label = refused.ended === "EXPIRED" ? m.learning.buttonRenew : m.learning.buttonBuyAgain;
      const text = (m.learning.accessEnded[refused.ended] ?? m.learning.accessEnded.EXPIRED!)({ course: title });
      return textReply(text, [[{ label, action: `buy ${refused.productId}` }, contents]]);
    }
    case "NOT_RELEASED": {
      const when = formatDateTime(locale, refused.opensAt, session.member.timeZone);
      const row: Button[] = [];
      if (refused.number > 1)
        row.push({ label: m.learning.buttonPrevious, action: `lesson ${course.id} ${refused.number - 1}` });
      row.push(contents);
      return textReply(m.learning.notReleased({ number: refused.number, course: title, when }), [row]);
    }
  }
}

/** "Buy — $49" for a course sold on its own; nothing for one sold only inside a bundle. */
function buyButton(session: Session, course: VisibleCourse): Button[] {
  if (!course.offer) return [];
  return [
    { label: session.m.buttonBuy({ price: offerPrice(session.locale, course.offer) }), action: `buy ${course.id}` },
  ];
}

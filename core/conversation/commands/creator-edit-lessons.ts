/**
 * /editlesson, /publish and /unpublish: the creator changes a lesson in chat, or shows and hides a course or one of
 * its lessons. A new value can follow the field (`/editlesson 3 2 title Joins, gently`) or come as the next message
 * (`/editlesson 3 2 text`, then the Markdown), which suits a long text.
 */
import { AppError } from "../../app-error.js";
import {
  type EditLessonChange,
  editLesson,
  LESSON_TEXT_FIELDS,
  type LessonTextField,
} from "../../catalog/edit-lesson.js";
import { findStaffCourse } from "../../catalog/find-staff-course.js";
import { publishContent } from "../../catalog/publish-content.js";
import { truncateText } from "../../text.js";
import type { Command, FlowInput, FlowState, Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";
import { courseArgument, findLesson, lessonNumberArgument, lessonTitle } from "./lesson-arguments.js";

export const EDIT_LESSON_FLOW = "editlesson";

const MAX_TEXT = 20_000;

interface EditTarget {
  courseId: number;
  lessonId: number;
  number: number;
}

function isTextField(field: string): field is LessonTextField {
  return (LESSON_TEXT_FIELDS as readonly string[]).includes(field);
}

/** The value as stored: `-` empties a text (a Chinese title then falls back to the English one). */
function fieldValue(field: LessonTextField, text: string): string {
  const value = text.trim() === "-" ? "" : text;
  return field.startsWith("title") ? truncateText(value.trim(), 200) : truncateText(value, MAX_TEXT);
}

async function applyChange(session: Session, target: EditTarget, change: EditLessonChange): Promise<Reply> {
  const { ctx, m, member } = session;
  const result = await editLesson(ctx, { staffMemberId: member.id, lessonId: target.lessonId, change });
  if (!result.ok) return textReply(m.authoring.emptyTitle);
  const lesson = await ctx.prisma.lesson.findUniqueOrThrow({
    where: { id: target.lessonId },
    select: { titleEn: true, titleZh: true, published: true },
  });
  const params = { number: target.number, title: lessonTitle(session, lesson), id: target.courseId };
  if (change.field === "free") {
    return textReply(change.value ? m.authoring.freeOn(params) : m.authoring.freeOff(params));
  }
  if (!result.changed) return textReply(m.authoring.unchanged(params));
  const field = m.authoring.fields[change.field]?.replace(/\s*[(（].*$/, "") ?? change.field;
  return textReply(
    [
      m.authoring.edited({ ...params, field }),
      lesson.published ? m.authoring.editedLive : m.authoring.editedDraft(params),
    ].join("\n"),
  );
}

export const editLessonCommand: Command = {
  name: "editlesson",
  staffOnly: true,
  async run(session, args, raw) {
    const { ctx, m, account } = session;
    const usage = () => new AppError("BAD_ARGUMENTS", { usage: m.usage.editlesson ?? "" });
    // The value keeps its line breaks (Markdown): only the first three words are split off.
    const match = /^(\S+)\s+(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(raw.trim());
    if (!match) throw usage();
    const field = match[3]!.toLowerCase();
    const value = match[4] ?? "";
    const course = courseArgument(args[0], session, "editlesson");
    const number = lessonNumberArgument(args[1], session, "editlesson");
    if (field !== "free" && !isTextField(field)) throw usage();
    const found = await findLesson(session, course, number);
    if ("refusal" in found) return found.refusal;
    const target: EditTarget = { courseId: found.course.id, lessonId: found.lesson.id, number };
    if (field === "free") {
      const on = /^(on|yes|true|1|开)$/i.test(value.trim());
      if (!on && !/^(off|no|false|0|关)$/i.test(value.trim())) throw usage();
      return applyChange(session, target, { field: "free", value: on });
    }
    if (value.trim()) return applyChange(session, target, { field, value: fieldValue(field, value) });
    await ctx.prisma.conversationState.upsert({
      where: { accountId: account.id },
      create: { accountId: account.id, flow: EDIT_LESSON_FLOW, step: field, data: { ...target } },
      update: { flow: EDIT_LESSON_FLOW, step: field, data: { ...target } },
    });
    return textReply(
      m.authoring.askField({
        field: m.authoring.fields[field] ?? field,
        number,
        title: lessonTitle(session, found.lesson),
      }),
    );
  },
  flow: { name: EDIT_LESSON_FLOW, continue: continueEditLesson },
};

/** The new value, sent as the next message. */
async function continueEditLesson(session: Session, state: FlowState, input: FlowInput): Promise<Reply> {
  const { ctx, m, account } = session;
  const target = state.data as unknown as EditTarget;
  const field = state.step;
  if (!isTextField(field)) {
    await ctx.prisma.conversationState.delete({ where: { accountId: account.id } });
    return textReply(m.notACommand);
  }
  if (input.kind !== "text") {
    const lesson = await ctx.prisma.lesson.findUniqueOrThrow({ where: { id: target.lessonId } });
    return textReply(
      m.authoring.askField({
        field: m.authoring.fields[field] ?? field,
        number: target.number,
        title: lessonTitle(session, lesson),
      }),
    );
  }
  const reply = await applyChange(session, target, { field, value: fieldValue(field, input.text) });
  // An empty English title is asked again; anything else ends the step.
  if (!(field === "title" && !fieldValue(field, input.text))) {
    await ctx.prisma.conversationState.delete({ where: { accountId: account.id } });
  }
  return reply;
}

/** /publish and /unpublish: the whole course (any product), or lesson n of it. */
async function setPublished(session: Session, args: string[], published: boolean): Promise<Reply> {
  const { ctx, m, member, locale } = session;
  const usageKey = published ? "publish" : "unpublish";
  const course = courseArgument(args[0], session, usageKey);
  if (args.length > 2) throw new AppError("BAD_ARGUMENTS", { usage: m.usage[usageKey] ?? "" });
  if (args[1] === undefined) {
    const product = await findStaffCourse(ctx, { course });
    const { changed } = await publishContent(ctx, { staffMemberId: member.id, productId: product.id, published });
    const params = { title: productTitle(locale, product), id: product.id };
    if (!changed)
      return textReply(published ? m.authoring.alreadyPublished(params) : m.authoring.alreadyHidden(params));
    return textReply(published ? m.authoring.productPublished(params) : m.authoring.productHidden(params));
  }
  const number = lessonNumberArgument(args[1], session, usageKey);
  const found = await findLesson(session, course, number);
  if ("refusal" in found) return found.refusal;
  const { changed } = await publishContent(ctx, {
    staffMemberId: member.id,
    productId: found.course.id,
    lessonId: found.lesson.id,
    published,
  });
  const params = { number, title: lessonTitle(session, found.lesson), id: found.course.id };
  if (!changed) return textReply(published ? m.authoring.alreadyPublished(params) : m.authoring.alreadyHidden(params));
  return textReply(published ? m.authoring.lessonPublished(params) : m.authoring.lessonHidden(params));
}

export const publishCommand: Command = {
  name: "publish",
  staffOnly: true,
  run: (session, args) => setPublished(session, args, true),
};

export const unpublishCommand: Command = {
  name: "unpublish",
  staffOnly: true,
  run: (session, args) => setPublished(session, args, false),
};

/**
 * /addlesson <course>: the creator writes a lesson in chat, one question at a time (English title, Chinese title,
 * text), then sends photos and files and ends with /done. The lesson is saved as a draft as soon as its text is in,
 * so files go straight into it and nothing is lost if the creator stops half way (it stays a draft, /publish shows it);
 * /done publishes it, because a creator who finished a lesson expects members to see it. /attach carries a file on
 * platforms where a file is not a message (Discord's attachment option, the console's `/attach <path>`): the adapter
 * turns it into the same file input, so the core command only explains.
 */
import { AppError } from "../../app-error.js";
import { addLesson } from "../../catalog/add-lesson.js";
import { attachLessonFile } from "../../catalog/attach-lesson-file.js";
import { findStaffCourse } from "../../catalog/find-staff-course.js";
import { publishContent } from "../../catalog/publish-content.js";
import { truncateText } from "../../text.js";
import type { Command, FlowInput, FlowState, Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";
import { courseArgument, lessonTitle } from "./lesson-arguments.js";

export const ADD_LESSON_FLOW = "addlesson";

/** What a Telegram message can carry; longer lessons belong in a course folder. */
const MAX_TEXT = 20_000;

interface AddLessonData {
  courseId: number;
  course: string;
  titleEn?: string;
  titleZh?: string;
  /** The lesson's title in the creator's language, for the last reply. */
  title?: string;
  lessonId?: number;
  number?: number;
  files?: number;
}

export const addLessonCommand: Command = {
  name: "addlesson",
  staffOnly: true,
  async run(session, args, raw) {
    const { ctx, m, account, locale } = session;
    // One message: `/addlesson <course> | English title | Chinese title | text` (what Discord's form sends, where a
    // bot reads no DMs to ask one question at a time); the text is everything after the third bar, bars included.
    const [courseText = "", ...form] = raw.includes("|") ? raw.split("|") : [args[0] ?? ""];
    const course = await findStaffCourse(ctx, { course: courseArgument(courseText.trim(), session, "addlesson") });
    const title = productTitle(locale, course);
    if (course.kind !== "COURSE") return textReply(m.authoring.notACourse({ title }));
    const data: AddLessonData = { courseId: course.id, course: title };
    if (form.length) {
      const [titleEn = "", titleZh = "", ...text] = form.map((part) => part.trim());
      if (!titleEn) throw new AppError("BAD_ARGUMENTS", { usage: m.usage.addlesson ?? "" });
      return saveDraft(
        session,
        { ...data, titleEn: truncateText(titleEn, 200), titleZh: truncateText(titleZh, 200) },
        text.join(" | "),
      );
    }
    await ctx.prisma.conversationState.upsert({
      where: { accountId: account.id },
      create: { accountId: account.id, flow: ADD_LESSON_FLOW, step: "titleEn", data: { ...data } },
      update: { flow: ADD_LESSON_FLOW, step: "titleEn", data: { ...data } },
    });
    return textReply(m.authoring.askTitleEn({ course: title }));
  },
  flow: {
    name: ADD_LESSON_FLOW,
    // `/done` alone finishes the files step; `/done 14` is still the member's "mark lesson 14 done" (and ends the
    // flow). `/attach` typed here only explains, and must not end the flow.
    takes: (command) => (command.name === "done" && command.args.length === 0) || command.name === "attach",
    continue: continueAddLesson,
  },
};

async function continueAddLesson(session: Session, state: FlowState, input: FlowInput): Promise<Reply> {
  const { ctx, m, account, member } = session;
  const data = state.data as unknown as AddLessonData;
  const save = (step: string, values: AddLessonData) =>
    ctx.prisma.conversationState.update({ where: { accountId: account.id }, data: { step, data: { ...values } } });
  const question: Record<string, string> = {
    titleEn: m.authoring.askTitleEn({ course: data.course }),
    titleZh: m.authoring.askTitleZh,
    text: m.authoring.askText,
    files: m.authoring.sendFiles,
  };

  if (state.step === "files" && data.lessonId !== undefined && data.number !== undefined) {
    if (input.kind === "file") {
      const count = (data.files ?? 0) + 1;
      await attachLessonFile(ctx, { staffMemberId: member.id, lessonId: data.lessonId, file: input.file });
      await save("files", { ...data, files: count });
      return textReply(m.authoring.attached({ count }));
    }
    if (input.kind === "command" && input.name === "done") {
      await publishContent(ctx, {
        staffMemberId: member.id,
        productId: data.courseId,
        lessonId: data.lessonId,
        published: true,
      });
      await ctx.prisma.conversationState.delete({ where: { accountId: account.id } });
      return textReply(
        m.authoring.published({ number: data.number, title: data.title ?? "", course: data.course, id: data.courseId }),
      );
    }
    return textReply(input.kind === "command" ? m.authoring.attachHint : m.authoring.sendFiles);
  }
  // Before the files step a file or /done answers nothing: the question is asked again.
  if (input.kind !== "text") return textReply(question[state.step] ?? m.authoring.askText);
  const answer = input.text.trim();
  const skipped = answer === "-" || !answer;
  if (state.step === "titleEn") {
    if (skipped) return textReply(question.titleEn!);
    await save("titleZh", { ...data, titleEn: truncateText(answer, 200) });
    return textReply(m.authoring.askTitleZh);
  }
  if (state.step === "titleZh") {
    await save("text", { ...data, titleZh: skipped ? "" : truncateText(answer, 200) });
    return textReply(m.authoring.askText);
  }
  return saveDraft(session, data, skipped ? "" : input.text);
}

/** The lesson saved as a draft with its text; the flow then waits for files and /done. */
async function saveDraft(session: Session, data: AddLessonData, text: string): Promise<Reply> {
  const { ctx, m, account, member } = session;
  const { lesson, number } = await addLesson(ctx, {
    staffMemberId: member.id,
    courseId: data.courseId,
    titleEn: data.titleEn ?? "",
    titleZh: data.titleZh ?? "",
    contentEn: truncateText(text, MAX_TEXT),
  });
  const title = lessonTitle(session, lesson);
  const state = { ...data, title, lessonId: lesson.id, number, files: 0 };
  await ctx.prisma.conversationState.upsert({
    where: { accountId: account.id },
    create: { accountId: account.id, flow: ADD_LESSON_FLOW, step: "files", data: state },
    update: { flow: ADD_LESSON_FLOW, step: "files", data: state },
  });
  return textReply(m.authoring.saved({ number, title }));
}

export const attachCommand: Command = {
  name: "attach",
  staffOnly: true,
  async run({ m }) {
    return textReply(m.authoring.attachHint);
  },
};

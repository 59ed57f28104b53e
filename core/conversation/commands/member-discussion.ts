/**
 * A lesson's discussion in chat: `/comments <course> <n> [page]` reads it, `/comment <course> <n> <text>` writes in
 * it, `/replyto <comment> <text>` answers a comment, `/report <comment> [reason]` (or `/report answer|review <id>`)
 * asks a moderator to look. Only members who may open the lesson read or write its discussion (the same decision as
 * opening it, made at the moment of asking); a refusal says no more than opening the lesson would.
 */
import { AppError } from "../../app-error.js";
import { discussionSettings } from "../../community/discussion/discussion-settings.js";
import { countLessonComments, listLessonComments } from "../../community/discussion/list-lesson-comments.js";
import { type PostLessonCommentResult, postLessonComment } from "../../community/discussion/post-lesson-comment.js";
import { formatDateTime, localized } from "../../i18n/index.js";
import { decideLessonAccess } from "../../learning/decide-lesson-access.js";
import { type ReportTarget, reportItem } from "../../moderation/report-item.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Button, type Reply, textReply } from "../reply.js";
import { courseArgument, lessonNumberArgument } from "./lesson-arguments.js";
import { lessonRefusal } from "./lesson-reply.js";

const when = (session: Session, date: Date) => formatDateTime(session.locale, date, session.member.timeZone);
const oneLine = (text: string, max: number) => truncateText(text.replace(/\s+/g, " ").trim(), max, "…");

export const commentsCommand: Command = {
  name: "comments",
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const course = courseArgument(args[0], session, "comments");
    const number = lessonNumberArgument(args[1], session, "comments");
    const page = args[2] === undefined ? 1 : idArgument(args[2], m, "comments");
    const access = await decideLessonAccess(ctx, { member, target: { course, number } });
    if (!access.ok) return lessonRefusal(session, access, { course, number });
    const listed = await listLessonComments(ctx, { lessonId: access.lesson.id, page });
    const d = m.discussion;
    const lines = [
      d.title({
        course: productTitle(locale, access.course),
        number,
        title: localized(locale, access.lesson.titleEn, access.lesson.titleZh),
        total: listed.total,
      }),
      "",
    ];
    if (listed.comments.length === 0) lines.push(d.empty);
    for (const comment of listed.comments) {
      lines.push(
        d.comment({ id: comment.id, name: comment.author, date: when(session, comment.createdAt), body: comment.body }),
      );
      for (const reply of comment.replies) {
        lines.push(
          d.reply({
            id: reply.id,
            name: reply.author,
            date: when(session, reply.createdAt),
            body: oneLine(reply.body, 400),
          }),
        );
      }
      if (comment.moreReplies) lines.push(d.moreReplies({ count: comment.moreReplies }));
      lines.push("");
    }
    if (listed.pages > 1) lines.push(d.page({ page: listed.page, pages: listed.pages }));
    lines.push(d.hint({ course: access.course.id, number }));
    const paging: Button[] = [];
    const at = `comments ${access.course.id} ${number}`;
    if (listed.page > 1) paging.push({ label: d.buttonOlder, action: `${at} ${listed.page - 1}` });
    if (listed.page < listed.pages) paging.push({ label: d.buttonNewer, action: `${at} ${listed.page + 1}` });
    const buttons = [paging, [{ label: d.buttonLesson, action: `lesson ${access.course.id} ${number}` }]];
    return textReply(
      lines.join("\n"),
      buttons.filter((row) => row.length),
    );
  },
};

export const commentCommand: Command = {
  name: "comment",
  async run(session, _args, raw) {
    const { ctx, member } = session;
    const parts = /^(\S+)\s+(\S+)\s+([\s\S]+)$/.exec(raw.trim());
    if (!parts) throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.comment ?? "" });
    const course = courseArgument(parts[1], session, "comment");
    const number = lessonNumberArgument(parts[2], session, "comment");
    const access = await decideLessonAccess(ctx, { member, target: { course, number } });
    if (!access.ok) return lessonRefusal(session, access, { course, number });
    const posted = await postLessonComment(ctx, {
      author: member,
      lessonId: access.lesson.id,
      body: parts[3]!,
      platform: session.account.platform,
    });
    return postedReply(session, posted, { course: access.course.id, number });
  },
};

export const replyToCommand: Command = {
  name: "replyto",
  async run(session, args, raw) {
    const { ctx, m, member } = session;
    const parentId = idArgument(args[0], m, "replyto");
    const text = raw.trim().replace(/^\S+\s*/, "");
    if (!text) throw new AppError("BAD_ARGUMENTS", { usage: m.usage.replyto ?? "" });
    const parent = await ctx.prisma.lessonComment.findUnique({
      where: { id: parentId },
      select: { lessonId: true, hiddenAt: true },
    });
    // A comment under a lesson the member may not open is "not found": nothing about it is confirmed.
    const access = parent && (await decideLessonAccess(ctx, { member, target: { lessonId: parent.lessonId } }));
    if (!parent || parent.hiddenAt || !access?.ok) return textReply(m.discussion.commentNotFound({ id: parentId }));
    const posted = await postLessonComment(ctx, {
      author: member,
      lessonId: parent.lessonId,
      parentId,
      body: text,
      platform: session.account.platform,
    });
    return postedReply(session, posted, { course: access.course.id, number: access.number, parent: parentId });
  },
};

async function postedReply(
  session: Session,
  posted: PostLessonCommentResult,
  where: { course: number; number: number; parent?: number },
): Promise<Reply> {
  const d = session.m.discussion;
  if (!posted.ok) {
    switch (posted.reason) {
      case "BANNED":
        return textReply(d.banned);
      case "MUTED":
        return textReply(d.muted({ until: when(session, posted.until) }));
      case "TOO_LONG":
        return textReply(d.tooLong({ max: discussionSettings(session.ctx).maxCommentChars }));
      case "PARENT_NOT_FOUND":
        return textReply(d.commentNotFound({ id: where.parent ?? 0 }));
      case "EMPTY":
        throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.comment ?? "" });
    }
  }
  if (posted.hidden) return textReply(d.heldBack);
  const count = await countLessonComments(session.ctx, posted.lessonId);
  const discuss: Button[][] = [
    [{ label: d.buttonDiscuss({ count }), action: `comments ${where.course} ${where.number}` }],
  ];
  if (posted.parentId !== null) return textReply(d.replied({ id: posted.commentId, parent: posted.parentId }), discuss);
  return textReply(d.posted({ id: posted.commentId, course: where.course, number: where.number }), discuss);
}

const REPORT_KINDS: Record<string, ReportTarget> = { comment: "COMMENT", answer: "ANSWER", review: "REVIEW" };

export const reportCommand: Command = {
  name: "report",
  async run(session, args) {
    const { ctx, m, member } = session;
    const kind = REPORT_KINDS[args[0]?.toLowerCase() ?? ""];
    const target: ReportTarget = kind ?? "COMMENT";
    const rest = kind ? args.slice(1) : args;
    const targetId = idArgument(rest[0], m, "report");
    const reason = rest.slice(1).join(" ");
    const result = await reportItem(ctx, { reporter: member, target, targetId, reason });
    const d = m.discussion;
    if (result.ok) return textReply(result.hidden ? d.reportedHidden : d.reported);
    switch (result.reason) {
      case "BANNED":
        return textReply(d.banned);
      case "MUTED":
        return textReply(d.muted({ until: when(session, result.until) }));
      case "OWN_ITEM":
        return textReply(d.reportOwn);
      case "ALREADY_REPORTED":
        return textReply(d.alreadyReported);
      case "NOT_FOUND":
        return textReply(d.reportNotFound({ target, id: targetId }));
    }
  },
};

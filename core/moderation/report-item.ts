/**
 * A member reports a lesson comment, an answer or a review: one report per member and item, never their own item,
 * never while muted or banned. The first report puts the item in the moderation queue (the team is told once);
 * REPORT_HIDE_THRESHOLD reports from different members hide it until a moderator decides. Members may only report
 * what they can see (a comment under a lesson they may open, a posted answer meant for them or for everyone).
 */
import type { Role } from "../../prisma/generated/enums.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { discussionSettings, postingRefusal } from "../community/discussion/discussion-settings.js";
import type { CoreContext } from "../context.js";
import { decideLessonAccess } from "../learning/decide-lesson-access.js";
import { truncateText } from "../text.js";
import { hideModerationItem, readModerationItem } from "./moderation-items.js";
import { openModerationCase } from "./open-moderation-case.js";

export type ReportTarget = "COMMENT" | "ANSWER" | "REVIEW";

export interface ReportItemOptions {
  reporter: { id: number; role: Role; bannedAt: Date | null; mutedUntil: Date | null };
  target: ReportTarget;
  targetId: number;
  reason: string;
}

export type ReportItemResult =
  | { ok: true; hidden: boolean }
  | { ok: false; reason: "NOT_FOUND" | "OWN_ITEM" | "ALREADY_REPORTED" | "BANNED" }
  | { ok: false; reason: "MUTED"; until: Date };

/**
 * @example const result = await reportItem(ctx, { reporter: member, target: "COMMENT", targetId: 12, reason: "spam" })
 */
export async function reportItem(ctx: CoreContext, options: ReportItemOptions): Promise<ReportItemResult> {
  const { reporter, target, targetId } = options;
  const now = ctx.clock.now();
  const refusal = postingRefusal(reporter, now);
  if (refusal) return { ok: false, ...refusal };
  if (!(await mayReport(ctx, options))) return { ok: false, reason: "NOT_FOUND" };
  const threshold = discussionSettings(ctx).reportHideThreshold;
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await ctx.prisma.$transaction(async (tx): Promise<ReportItemResult> => {
        const item = await readModerationItem(tx, target, targetId);
        if (!item) return { ok: false, reason: "NOT_FOUND" };
        if (item.authorId === reporter.id) return { ok: false, reason: "OWN_ITEM" };
        // Hidden and waiting for a moderator: more reports add weight. Hidden for another reason: nothing to report.
        if (item.hidden) {
          const pending = await tx.moderationCase.findUnique({ where: { target_targetId: { target, targetId } } });
          if (pending?.status !== "PENDING") return { ok: false, reason: "NOT_FOUND" };
        }
        const opened = await openModerationCase(tx, { target, targetId, reason: "reported", authorId: item.authorId });
        // One report at a time per case: the count below then sees every earlier report, so concurrent reports
        // reach the hiding threshold exactly as sequential ones would.
        await tx.$queryRaw`SELECT "id" FROM "ModerationCase" WHERE "id" = ${opened.caseId} FOR UPDATE`;
        const added = await tx.moderationReport.createMany({
          data: [{ caseId: opened.caseId, reporterId: reporter.id, reason: truncateText(options.reason, 300) }],
          skipDuplicates: true,
        });
        if (added.count === 0) return { ok: false, reason: "ALREADY_REPORTED" };
        const reports = await tx.moderationReport.count({ where: { caseId: opened.caseId } });
        const hidden =
          item.hidden || (reports >= threshold && (await hideModerationItem(tx, target, targetId, "reported", now)));
        if (opened.newlyPending) {
          const author = item.authorId
            ? await tx.member.findUnique({ where: { id: item.authorId }, select: { displayName: true } })
            : null;
          const params = {
            case: opened.caseId,
            target,
            member: author?.displayName ?? "—",
            reason: "reported",
            text: truncateText(item.text.replace(/\s+/g, " "), 300, "…"),
          };
          await addToOutbox(
            tx,
            { kind: "notify.team", notice: { key: "staffModerationPending", params } },
            `moderation-pending:${opened.caseId}:${now.getTime()}`,
          );
        }
        return { ok: true, hidden };
      });
      if (outcome.ok) await kickOutbox(ctx);
      return outcome;
    } catch (error) {
      // Two first reports at once both tried to open the case: the loser reports into the winner's case.
      if (attempt === 0 && (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
}

/** Whether the reporter can see the item at all (nothing about an item they cannot see is confirmed). */
async function mayReport(ctx: CoreContext, options: ReportItemOptions): Promise<boolean> {
  const { reporter, target, targetId } = options;
  if (target === "COMMENT") {
    const comment = await ctx.prisma.lessonComment.findUnique({ where: { id: targetId }, select: { lessonId: true } });
    if (!comment) return false;
    const access = await decideLessonAccess(ctx, { member: reporter, target: { lessonId: comment.lessonId } });
    return access.ok;
  }
  if (target === "ANSWER") {
    const answer = await ctx.prisma.answer.findUnique({
      where: { id: targetId },
      select: { state: true, audience: true },
    });
    if (answer?.state !== "POSTED") return false;
    return !answer.audience?.startsWith("member:") || answer.audience === `member:${reporter.id}`;
  }
  return (await ctx.prisma.review.count({ where: { id: targetId } })) > 0;
}

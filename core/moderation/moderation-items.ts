/**
 * The items a moderation case can be about — questions, answers, lesson comments, reviews — read and shown or hidden
 * the same way whatever they are: one place that knows which column hides each one (`flaggedReason` on questions and
 * answers, `hiddenAt` + `flaggedReason` on comments and reviews) and which platform copies go with it.
 */
import type { ModerationTarget } from "../../prisma/generated/enums.js";
import { addToOutbox } from "../access/outbox.js";
import type { Transaction } from "../context.js";

export interface ModerationItem {
  /** The text a moderator judges (a question's title and body together). */
  text: string;
  authorId: number | null;
  hidden: boolean;
}

/** The item as it stands, or null when it no longer exists. */
export async function readModerationItem(
  db: Transaction,
  target: ModerationTarget,
  id: number,
): Promise<ModerationItem | null> {
  switch (target) {
    case "QUESTION": {
      const q = await db.question.findUnique({
        where: { id },
        select: { title: true, body: true, memberId: true, flaggedReason: true },
      });
      if (!q) return null;
      const text = q.body.startsWith(q.title) ? q.body : `${q.title}\n${q.body}`;
      return { text, authorId: q.memberId, hidden: q.flaggedReason !== null };
    }
    case "ANSWER": {
      const a = await db.answer.findUnique({
        where: { id },
        select: { body: true, authorId: true, flaggedReason: true },
      });
      return a && { text: a.body, authorId: a.authorId, hidden: a.flaggedReason !== null };
    }
    case "COMMENT": {
      const c = await db.lessonComment.findUnique({
        where: { id },
        select: { body: true, memberId: true, hiddenAt: true },
      });
      return c && { text: c.body, authorId: c.memberId, hidden: c.hiddenAt !== null };
    }
    case "REVIEW": {
      const r = await db.review.findUnique({
        where: { id },
        select: { body: true, rating: true, memberId: true, hiddenAt: true },
      });
      return (
        r && { text: `${"★".repeat(r.rating)} ${r.body}`.trim(), authorId: r.memberId, hidden: r.hiddenAt !== null }
      );
    }
  }
}

/**
 * Hides the item pending review or for good (idempotent: an item already hidden keeps its first reason and is not
 * hidden again on the platforms), and queues the removal of its platform copies. Returns whether it was visible.
 */
export async function hideModerationItem(
  tx: Transaction,
  target: ModerationTarget,
  id: number,
  reason: string,
  now: Date,
): Promise<boolean> {
  switch (target) {
    case "QUESTION": {
      const hidden = await tx.question.updateMany({
        where: { id, flaggedReason: null },
        data: { flaggedReason: reason },
      });
      const q = await tx.question.findUnique({ where: { id }, select: { threadRef: true } });
      if (hidden.count > 0 && q?.threadRef)
        await addToOutbox(tx, { kind: "qa.hide", questionId: id, answerId: null }, `question-hide:${id}`);
      return hidden.count > 0;
    }
    case "ANSWER": {
      const hidden = await tx.answer.updateMany({
        where: { id, flaggedReason: null },
        data: { flaggedReason: reason },
      });
      const answer = await tx.answer.findUnique({ where: { id }, select: { questionId: true } });
      if (!answer || hidden.count === 0) return false;
      // The question is open again unless another person's answer still stands (as when the helper flags one).
      const standing = await tx.answer.count({
        where: { questionId: answer.questionId, fromHelper: false, flaggedReason: null, authorId: { not: null } },
      });
      if (standing === 0) {
        await tx.question.updateMany({
          where: { id: answer.questionId, status: "ANSWERED" },
          data: { status: "OPEN" },
        });
      }
      await addToOutbox(tx, { kind: "qa.hide", questionId: answer.questionId, answerId: id }, `answer-hide:${id}`);
      return hidden.count > 0;
    }
    case "COMMENT": {
      const hidden = await tx.lessonComment.updateMany({
        where: { id, hiddenAt: null },
        data: { hiddenAt: now, flaggedReason: reason },
      });
      if (hidden.count === 0) return false;
      await addToOutbox(tx, { kind: "discussion.hide", commentId: id }, `comment-hide:${id}:${now.getTime()}`);
      return true;
    }
    case "REVIEW": {
      const hidden = await tx.review.updateMany({
        where: { id, hiddenAt: null },
        data: { hiddenAt: now, flaggedReason: reason },
      });
      return hidden.count > 0;
    }
  }
}

/**
 * Shows the item again (a moderator approved it). A comment that was never mirrored is mirrored now; a question or
 * answer message deleted on a platform stays deleted there (the bot cannot post it as its author).
 */
export async function showModerationItem(tx: Transaction, target: ModerationTarget, id: number): Promise<void> {
  switch (target) {
    case "QUESTION":
      await tx.question.updateMany({ where: { id }, data: { flaggedReason: null } });
      return;
    case "ANSWER": {
      const answer = await tx.answer.update({
        where: { id },
        data: { flaggedReason: null },
        select: { questionId: true, fromHelper: true, authorId: true, state: true },
      });
      if (!answer.fromHelper && answer.authorId !== null && answer.state === "POSTED") {
        await tx.question.updateMany({
          where: { id: answer.questionId, status: "OPEN" },
          data: { status: "ANSWERED" },
        });
      }
      return;
    }
    case "COMMENT":
      await tx.lessonComment.updateMany({ where: { id }, data: { hiddenAt: null, flaggedReason: null } });
      await addToOutbox(tx, { kind: "discussion.post", commentId: id }, `comment-post:${id}:approved:${Date.now()}`);
      return;
    case "REVIEW":
      await tx.review.updateMany({ where: { id }, data: { hiddenAt: null, flaggedReason: null } });
      return;
  }
}

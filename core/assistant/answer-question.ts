/**
 * The answer helper answers a stored question: composes the answer for the asker (their access decides what may be
 * quoted), stores it as the helper's Answer with its citations, or — when the material does not answer — says so and
 * asks the creator (a staff notice through the outbox, once per question). Returns the reply to post where the
 * question was asked; the adapter then records where it went (recordHelperMessage), so the asker can accept it.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import { truncateText } from "../text.js";
import { composeHelperAnswer, type HelperAnswer } from "./compose-helper-answer.js";
import { helperReply } from "./helper-reply.js";

export interface AnsweredQuestion {
  reply: Reply;
  outcome: HelperAnswer["kind"];
  /** The stored helper Answer; null when the helper abstained (nothing was answered). */
  answerId: number | null;
}

/** What is stored with the helper's answer: which passages it cited, so a reviewer can check them. */
function citationsOf(answer: HelperAnswer): Prisma.InputJsonValue {
  const cited =
    answer.kind === "answered"
      ? answer.cited.map((passage) => ({
          n: passage.number,
          source: passage.source,
          chunkId: passage.chunkId,
          passageId: passage.passageId,
          ...passage.ids,
          ...(passage.target.kind === "lesson"
            ? { courseId: passage.target.courseId, lessonNumber: passage.target.lessonNumber }
            : {}),
        }))
      : [];
  const locked = answer.kind === "abstained" ? [] : answer.locked;
  return [
    ...cited,
    ...locked.map((passage) => ({
      locked: true,
      source: "LESSON",
      lessonId: passage.lessonId,
      courseId: passage.courseId,
      lessonNumber: passage.lessonNumber,
    })),
  ];
}

/** Who "I've asked …" names: the first creator, else the owner. */
async function creatorName(ctx: CoreContext): Promise<string | null> {
  const staff = await ctx.prisma.member.findMany({
    where: { role: { in: ["CREATOR", "OWNER"] }, erasedAt: null },
    select: { displayName: true, role: true },
    orderBy: { id: "asc" },
  });
  return (staff.find((s) => s.role === "CREATOR") ?? staff[0])?.displayName ?? null;
}

/** Nobody's access: what anyone in a public thread may read (free previews and public material). */
const EVERYONE = { id: 0, role: "MEMBER" as const };

export interface AnswerQuestionOptions {
  questionId: number;
  /**
   * Who reads the answer: only the asker (a private chat: their own access decides what is quoted), or everyone in
   * the place (a group topic or forum post: only what anyone may read is quoted, paid lessons are named).
   */
  audience: "asker" | "everyone";
}

/**
 * @example const { reply, answerId } = await answerQuestion(ctx, { questionId, audience: "asker" })
 */
export async function answerQuestion(ctx: CoreContext, options: AnswerQuestionOptions): Promise<AnsweredQuestion> {
  const question = await ctx.prisma.question.findUniqueOrThrow({
    where: { id: options.questionId },
    select: { id: true, title: true, body: true, member: { select: { id: true, role: true, displayName: true } } },
  });
  // A forum post's title is often the question itself, and its body the details: both are asked.
  const text = question.body.includes(question.title.replace(/…$/, ""))
    ? question.body
    : `${question.title}\n${question.body}`;
  const reader = options.audience === "asker" ? question.member : EVERYONE;
  const answer = await composeHelperAnswer(ctx, { member: reader, question: text.trim() });
  const reply = helperReply(answer, { creator: await creatorName(ctx) });

  if (answer.kind === "abstained") {
    await ctx.prisma.$transaction(async (tx) => {
      await addToOutbox(
        tx,
        {
          kind: "notify.staff",
          notice: {
            key: "staffQuestionEscalated",
            params: {
              id: question.id,
              member: question.member.displayName,
              question: truncateText(text.trim().replace(/\s+/g, " "), 300, "…"),
            },
          },
        },
        `question-escalated:${question.id}`,
      );
    });
    await kickOutbox(ctx);
    return { reply, outcome: answer.kind, answerId: null };
  }
  const stored = await ctx.prisma.answer.create({
    data: {
      questionId: question.id,
      authorId: null,
      fromHelper: true,
      body: truncateText(reply.messages.map((message) => message.text).join("\n"), 4000),
      citations: citationsOf(answer),
    },
    select: { id: true },
  });
  return { reply, outcome: answer.kind, answerId: stored.id };
}

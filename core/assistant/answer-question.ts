/**
 * The answer helper handles one stored question, in this order:
 * 1. moderation (moderate-text.ts): flagged questions are not answered, hidden where the platform allows, and the
 *    creator is told;
 * 2. the asker's daily question limit (staff have none): a translated "limit reached" instead of an answer;
 * 3. an identical question (same normalised text) answered within the last day with an answer that reads the same
 *    for anyone (only public material cited): its stored answer is reused without asking the model. An answer shaped
 *    by one member's access (a paid lesson quoted to its owner) is never reused: their access may have changed, and
 *    nobody else may read it;
 * 4. the creator's daily token budget: once spent, the answer quotes the material instead of asking the model, and
 *    the creator is told once that day;
 * 5. the answer itself (compose-helper-answer.ts), the model's text moderated too (flagged: quoted instead);
 *    an abstention asks the creator (a staff notice, once per question).
 *
 * In a private chat (`audience: "asker"`) the reply is returned to the caller, who shows it in the same exchange. In a
 * thread (`audience: "everyone"`) nothing is returned to show: what is to be posted goes in the outbox in the same
 * transaction as the answer (posted in the thread, or sent to the creator as a draft), so a crash loses nothing and a
 * retry posts nothing twice.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext, Transaction } from "../context.js";
import { type Reply, textReply } from "../conversation/reply.js";
import { messages } from "../i18n/index.js";
import { isStaff } from "../identity/roles.js";
import { openModerationCase } from "../moderation/open-moderation-case.js";
import { truncateText } from "../text.js";
import { assistantSettings } from "./assistant-settings.js";
import { composeHelperAnswer, type HelperAnswer } from "./compose-helper-answer.js";
import { helperDayKey, startOfHelperDay } from "./helper-day.js";
import { helperReply, withVoteButtons } from "./helper-reply.js";
import { moderateText } from "./moderate-text.js";
import { askedText } from "./question-text-key.js";

export type HelperOutcome = HelperAnswer["kind"] | "reused" | "limited" | "flagged";

export interface AnsweredQuestion {
  /** What the asker reads now (private chats); null in a thread, where the outbox posts it. */
  reply: Reply | null;
  outcome: HelperOutcome;
  /** The stored helper Answer; null when nothing was answered (abstained, limited, flagged). */
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
/** How long an identical question reuses an answer. */
const REUSE_MS = 86_400_000;

export interface AnswerQuestionOptions {
  questionId: number;
  /**
   * Who reads the answer: only the asker (a private chat: their own access decides what is quoted, the reply is
   * returned), or everyone in the place (a thread: only what anyone may read is quoted; posted through the outbox).
   */
  audience: "asker" | "everyone";
  /** Threads in approval mode: the answer waits as a draft for the creator instead of being posted. */
  draft?: boolean;
}

type LoadedQuestion = Awaited<ReturnType<typeof loadQuestion>>;

function loadQuestion(ctx: CoreContext, questionId: number) {
  return ctx.prisma.question.findUniqueOrThrow({
    where: { id: questionId },
    select: {
      id: true,
      title: true,
      body: true,
      textKey: true,
      threadRef: true,
      member: { select: { id: true, role: true, displayName: true, locale: true, createdAt: true } },
    },
  });
}

/** A reply with no answer behind it, posted in the thread (outbox) or returned to the asker. */
async function replyWithoutAnswer(
  ctx: CoreContext,
  question: LoadedQuestion,
  options: AnswerQuestionOptions,
  reply: Reply,
  extra: (tx: Transaction) => Promise<void> = async () => {},
): Promise<Reply | null> {
  const thread = options.audience === "everyone" && question.threadRef !== null;
  await ctx.prisma.$transaction(async (tx) => {
    await tx.question.update({ where: { id: question.id }, data: { helperAt: ctx.clock.now() } });
    await extra(tx);
    if (thread) {
      await addToOutbox(
        tx,
        { kind: "helper.post", questionId: question.id, answerId: null, reply },
        `helper-reply:${question.id}`,
      );
    }
  });
  await kickOutbox(ctx);
  return thread ? null : reply;
}

/** Stores the helper's answer and, in a thread, what is to be done with it (posted, or drafted for approval). */
async function storeAnswer(
  ctx: CoreContext,
  question: LoadedQuestion,
  options: AnswerQuestionOptions,
  data: { body: string; citations: Prisma.InputJsonValue; reply: Reply; audience: string },
): Promise<{ answerId: number; reply: Reply | null }> {
  const thread = options.audience === "everyone" && question.threadRef !== null;
  const draft = thread && options.draft === true;
  const answerId = await ctx.prisma.$transaction(async (tx) => {
    const stored = await tx.answer.create({
      data: {
        questionId: question.id,
        authorId: null,
        fromHelper: true,
        body: truncateText(data.body, 4000),
        citations: data.citations,
        reply: data.reply as unknown as Prisma.InputJsonValue,
        audience: data.audience,
        state: draft ? "DRAFT" : "POSTED",
      },
      select: { id: true },
    });
    await tx.question.update({ where: { id: question.id }, data: { helperAt: ctx.clock.now() } });
    if (draft) await addToOutbox(tx, { kind: "helper.draft", answerId: stored.id }, `helper-draft:${stored.id}`);
    else if (thread) {
      await addToOutbox(
        tx,
        { kind: "helper.post", questionId: question.id, answerId: stored.id },
        `helper-post:${stored.id}`,
      );
    }
    return stored.id;
  });
  if (thread) await kickOutbox(ctx);
  return { answerId, reply: thread ? null : withVoteButtons(data.reply, answerId) };
}

/**
 * The stored answer to an identical question asked within the last day, if one reads the same for anyone. A private
 * asker is not given one that names locked lessons (they may own them: their own answer would quote them).
 */
async function reusableAnswer(ctx: CoreContext, question: LoadedQuestion, forAsker: boolean) {
  if (!question.textKey) return null;
  const candidates = await ctx.prisma.answer.findMany({
    where: {
      fromHelper: true,
      state: "POSTED",
      audience: "everyone",
      flaggedReason: null,
      question: {
        textKey: question.textKey,
        id: { not: question.id },
        createdAt: { gte: new Date(ctx.clock.now().getTime() - REUSE_MS) },
      },
    },
    select: { body: true, citations: true, reply: true, votes: { select: { helpful: true } } },
    orderBy: { id: "desc" },
    take: 5,
  });
  // An answer people marked not helpful more often than helpful is not worth repeating.
  return (
    candidates.find((answer) => {
      const down = answer.votes.filter((vote) => !vote.helpful).length;
      const namesLocked = (answer.citations as { locked?: boolean }[]).some((citation) => citation.locked);
      return answer.reply !== null && down <= answer.votes.length - down && !(forAsker && namesLocked);
    }) ?? null
  );
}

/**
 * Whether an answer composed for one asker reads the same for anyone: nothing locked was named, and every passage it
 * cites is public (a product page, an accepted answer, a document, or a free-preview lesson).
 */
async function sameForEveryone(ctx: CoreContext, answer: HelperAnswer): Promise<boolean> {
  if (answer.kind !== "answered" || answer.locked.length > 0) return false;
  const lessonIds = answer.cited.flatMap((passage) => (passage.ids.lessonId ? [passage.ids.lessonId] : []));
  if (lessonIds.length === 0) return true;
  const free = await ctx.prisma.lesson.count({ where: { id: { in: lessonIds }, freePreview: true } });
  return free === new Set(lessonIds).size;
}

/** Whether the model may be asked today; when the budget is spent the creator is told (once per day). */
async function withinTokenBudget(ctx: CoreContext): Promise<boolean> {
  const settings = assistantSettings(ctx);
  if (!settings.languageModel || settings.dailyTokenBudget <= 0) return true;
  const now = ctx.clock.now();
  const spent = await ctx.prisma.question.aggregate({
    _sum: { helperTokens: true },
    where: { helperAt: { gte: startOfHelperDay(now) } },
  });
  if ((spent._sum.helperTokens ?? 0) < settings.dailyTokenBudget) return true;
  await ctx.prisma.$transaction((tx) =>
    addToOutbox(
      tx,
      { kind: "notify.staff", notice: { key: "staffTokenBudgetSpent", params: { budget: settings.dailyTokenBudget } } },
      `helper-budget:${helperDayKey(now)}`,
    ),
  );
  await kickOutbox(ctx);
  return false;
}

/**
 * @example const { reply, answerId } = await answerQuestion(ctx, { questionId, audience: "asker" })
 */
export async function answerQuestion(ctx: CoreContext, options: AnswerQuestionOptions): Promise<AnsweredQuestion> {
  const settings = assistantSettings(ctx);
  const question = await loadQuestion(ctx, options.questionId);
  const asker = question.member;
  const text = askedText(question);
  const m = messages(asker.locale);
  const short = truncateText(text.replace(/\s+/g, " "), 300, "…");

  const verdict = await moderateText(ctx, { text, kind: "question", author: asker });
  if (verdict.flagged) {
    const reply = await replyWithoutAnswer(
      ctx,
      question,
      { ...options, audience: "asker" },
      textReply(m.qa.heldBack),
      async (tx) => {
        await tx.question.update({ where: { id: question.id }, data: { flaggedReason: verdict.reason } });
        // In the /moderation queue too, where a moderator approves (shows) or removes it.
        await openModerationCase(tx, {
          target: "QUESTION",
          targetId: question.id,
          reason: verdict.reason,
          authorId: asker.id,
        });
        const params = { id: question.id, member: asker.displayName, reason: verdict.reason, question: short };
        await addToOutbox(
          tx,
          { kind: "notify.team", notice: { key: "staffQuestionFlagged", params } },
          `question-flagged:${question.id}`,
        );
        if (question.threadRef) {
          await addToOutbox(
            tx,
            { kind: "qa.hide", questionId: question.id, answerId: null },
            `question-hide:${question.id}`,
          );
        }
      },
    );
    // In a thread the question is hidden and nothing is posted; the asker of a private /ask is told it was held back.
    return { reply: options.audience === "asker" ? reply : null, outcome: "flagged", answerId: null };
  }

  if (settings.dailyQuestionLimit > 0 && !isStaff(asker.role)) {
    const asked = await ctx.prisma.question.count({
      where: { memberId: asker.id, createdAt: { gte: startOfHelperDay(ctx.clock.now()) } },
    });
    if (asked > settings.dailyQuestionLimit) {
      const limited = { ...textReply(m.qa.limitReached({ limit: settings.dailyQuestionLimit })), locale: asker.locale };
      return { reply: await replyWithoutAnswer(ctx, question, options, limited), outcome: "limited", answerId: null };
    }
  }

  const reused = await reusableAnswer(ctx, question, options.audience === "asker");
  if (reused) {
    const stored = await storeAnswer(ctx, question, options, {
      body: reused.body,
      citations: reused.citations as Prisma.InputJsonValue,
      reply: reused.reply as unknown as Reply,
      audience: "everyone",
    });
    return { reply: stored.reply, outcome: "reused", answerId: stored.answerId };
  }

  const reader = options.audience === "asker" ? asker : EVERYONE;
  const useModel = await withinTokenBudget(ctx);
  let answer = await composeHelperAnswer(ctx, { member: reader, question: text, useModel });
  const tokens = answer.tokens ?? 0;
  if (answer.kind === "answered" && answer.via === "model") {
    const checked = await moderateText(ctx, { text: answer.body, kind: "answer", author: null });
    if (checked.flagged) {
      ctx.log.warn({ questionId: question.id, reason: checked.reason }, "the model's answer was flagged; quoting");
      answer = await composeHelperAnswer(ctx, { member: reader, question: text, useModel: false });
    }
  }
  if (tokens > 0) {
    await ctx.prisma.question.update({ where: { id: question.id }, data: { helperTokens: { increment: tokens } } });
  }
  const reply = helperReply(answer, { creator: await creatorName(ctx) });
  const audience =
    options.audience === "everyone" || (await sameForEveryone(ctx, answer)) ? "everyone" : `member:${asker.id}`;

  if (answer.kind === "abstained") {
    const escalate = async (tx: Transaction) => {
      await tx.question.update({ where: { id: question.id }, data: { escalatedAt: ctx.clock.now() } });
      await addToOutbox(
        tx,
        {
          kind: "notify.staff",
          notice: {
            key: "staffQuestionEscalated",
            params: { id: question.id, member: asker.displayName, question: short },
          },
        },
        `question-escalated:${question.id}`,
      );
    };
    return {
      reply: await replyWithoutAnswer(ctx, question, options, reply, escalate),
      outcome: "abstained",
      answerId: null,
    };
  }
  const stored = await storeAnswer(ctx, question, options, {
    body: reply.messages.map((message) => message.text).join("\n"),
    citations: citationsOf(answer),
    reply,
    audience,
  });
  return { reply: stored.reply, outcome: answer.kind, answerId: stored.answerId };
}

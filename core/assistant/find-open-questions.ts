/**
 * Which questions nobody has answered: no accepted answer, no answer by another person (the question is still OPEN),
 * not held back by moderation, and no helper answer standing — the helper abstained, was rejected or limited, was
 * left out (mode "off"), or its answer was voted Not helpful more often than Helpful. Shared by the unanswered sweep
 * and `/unanswered`, so both mean the same thing.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";

export interface OpenQuestion {
  id: number;
  title: string;
  body: string;
  platform: Prisma.QuestionGetPayload<object>["platform"];
  threadRef: string | null;
  createdAt: Date;
  member: { displayName: string };
}

/** Looked at per call: the sweep runs every minute, so the window stays small. */
const SCAN_LIMIT = 200;

/**
 * @example const open = await findOpenQuestions(ctx, { askedBefore: cutoff, notEscalated: true })
 */
export async function findOpenQuestions(
  ctx: CoreContext,
  options: {
    /** Only questions asked before this moment (the sweep's "N minutes ago"). */
    askedBefore?: Date;
    /** Only those the creator has not been told about yet; pending drafts count as told (the creator has them). */
    notEscalated?: boolean;
    limit?: number;
  } = {},
): Promise<OpenQuestion[]> {
  const rows = await ctx.prisma.question.findMany({
    where: {
      status: "OPEN",
      acceptedAnswerId: null,
      flaggedReason: null,
      ...(options.askedBefore ? { createdAt: { lte: options.askedBefore } } : {}),
      ...(options.notEscalated ? { escalatedAt: null, answers: { none: { state: "DRAFT" } } } : {}),
    },
    select: {
      id: true,
      title: true,
      body: true,
      platform: true,
      threadRef: true,
      createdAt: true,
      member: { select: { displayName: true } },
      answers: {
        where: { fromHelper: true, state: "POSTED", flaggedReason: null },
        select: { votes: { select: { helpful: true } } },
      },
    },
    orderBy: { id: "desc" },
    take: SCAN_LIMIT,
  });
  const open = rows.filter((question) =>
    question.answers.every((answer) => {
      const down = answer.votes.filter((vote) => !vote.helpful).length;
      return down > answer.votes.length - down;
    }),
  );
  return open.slice(0, options.limit ?? open.length).map(({ answers: _answers, ...question }) => question);
}

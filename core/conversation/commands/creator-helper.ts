/**
 * The answer helper's workflow commands for creators: `/helper` (how the helper works in each Q&A place),
 * `/unanswered` (open questions, with links to their threads) and `/draft` (the Approve / Edit / Reject buttons of a
 * draft; Edit asks for the text in a guided step).
 */

import { assistantSettings } from "../../assistant/assistant-settings.js";
import { findOpenQuestions } from "../../assistant/find-open-questions.js";
import type { HelperMode } from "../../assistant/helper-mode.js";
import { askedText } from "../../assistant/question-text-key.js";
import { reviewHelperDraft } from "../../assistant/review-helper-draft.js";
import { setHelperMode } from "../../assistant/set-helper-mode.js";
import { formatDateTime } from "../../i18n/index.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { type Button, type Reply, textReply } from "../reply.js";

const MODES: readonly HelperMode[] = ["auto", "draft", "off"];
const FROM_STORED = { AUTO: "auto", DRAFT: "draft", OFF: "off" } as const;

async function listPlaces(session: Session): Promise<Reply> {
  const { ctx, m } = session;
  const places = await ctx.prisma.qaPlace.findMany({ orderBy: { id: "asc" }, take: 50 });
  if (places.length === 0) return textReply(m.qa.noPlaces);
  const fallback = assistantSettings(ctx).defaultMode;
  const lines = places.map((place) =>
    m.qa.placeLine({
      id: place.id,
      place: place.title ?? place.placeRef,
      mode: place.helperMode
        ? `${FROM_STORED[place.helperMode]}: ${m.qa.modeNames[FROM_STORED[place.helperMode]]}`
        : m.qa.placeDefault({ mode: `${fallback}: ${m.qa.modeNames[fallback]}` }),
    }),
  );
  return textReply([m.qa.placesTitle, ...lines].join("\n"));
}

/** `/helper` lists the places; `/helper <mode>` in a place sets it there; `/helper <mode> <id>` sets place #id. */
export const helperCommand: Command = {
  name: "helper",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, request } = session;
    if (args.length === 0) return listPlaces(session);
    const mode = args[0]?.toLowerCase() as HelperMode;
    if (!MODES.includes(mode)) return textReply(m.qa.helperUsage);
    const place = args[1]
      ? { id: idArgument(args[1], m, "helper") }
      : request.place
        ? { platform: request.user.platform, placeRef: request.place.ref, title: request.place.title ?? null }
        : null;
    if (!place) return textReply(m.qa.helperUsage);
    const result = await setHelperMode(ctx, { place, mode });
    if (!result.ok) return textReply(m.qa.noSuchPlace({ id: args[1] ?? "" }));
    return textReply(
      m.qa.modeSet({ place: result.title ?? result.placeRef, mode: `${mode}: ${m.qa.modeNames[mode]}` }),
    );
  },
};

/** Open questions, newest first, each with a button that opens its thread where the platform gives a link. */
export const unansweredCommand: Command = {
  name: "unanswered",
  staffOnly: true,
  async run({ ctx, m, locale, member }) {
    const open = await findOpenQuestions(ctx, { limit: 15 });
    if (open.length === 0) return textReply(m.qa.unansweredNone);
    const buttons: Button[][] = [];
    const lines = open.map((question) => {
      const link = question.threadRef ? ctx.gateways[question.platform]?.threadLink?.(question.threadRef) : null;
      if (link) buttons.push([{ label: m.qa.buttonOpenQuestion({ id: question.id }), url: link }]);
      const line = m.qa.unansweredLine({
        id: question.id,
        when: formatDateTime(locale, question.createdAt, member.timeZone),
        member: question.member.displayName,
        question: truncateText(askedText(question).replace(/\s+/g, " "), 140, "…"),
      });
      return question.threadRef ? line : `${line} ${m.qa.unansweredPrivate}`;
    });
    return textReply([m.qa.unansweredTitle({ count: open.length }), ...lines].join("\n"), buttons);
  },
};

const DRAFT_EDIT_FLOW = "draftedit";

/** `/draft <answer> approve|edit|reject`: what the draft's buttons run. */
export const draftCommand: Command = {
  name: "draft",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, member, account } = session;
    const answerId = idArgument(args[0], m, "draft");
    const verb = args[1]?.toLowerCase();
    if (verb === "edit") {
      const waiting = await ctx.prisma.answer.findFirst({
        where: { id: answerId, state: "DRAFT", fromHelper: true },
        select: { questionId: true },
      });
      if (!waiting) return textReply(m.qa.draftGone);
      const data = { answerId, questionId: waiting.questionId };
      await ctx.prisma.conversationState.upsert({
        where: { accountId: account.id },
        create: { accountId: account.id, flow: DRAFT_EDIT_FLOW, step: "text", data },
        update: { flow: DRAFT_EDIT_FLOW, step: "text", data },
      });
      return textReply(m.qa.draftAskText({ id: waiting.questionId }));
    }
    if (verb !== "approve" && verb !== "reject")
      return textReply(m.errors.BAD_ARGUMENTS({ usage: m.usage.draft ?? "" }));
    const result = await reviewHelperDraft(ctx, { answerId, reviewerId: member.id, decision: { kind: verb } });
    if (!result.ok) return textReply(m.qa.draftGone);
    return textReply(
      verb === "approve"
        ? m.qa.draftApproved({ id: result.questionId })
        : m.qa.draftRejected({ id: result.questionId }),
    );
  },
  flow: {
    name: DRAFT_EDIT_FLOW,
    async continue(session, state, input) {
      const { ctx, m, member, account } = session;
      const { answerId } = state.data as { answerId: number; questionId: number };
      if (input.kind !== "text" || !input.text.trim()) return textReply(m.qa.draftNotText);
      await ctx.prisma.conversationState.deleteMany({ where: { accountId: account.id } });
      const result = await reviewHelperDraft(ctx, {
        answerId,
        reviewerId: member.id,
        decision: { kind: "edit", text: input.text },
      });
      if (!result.ok) return textReply(m.qa.draftGone);
      return textReply(m.qa.draftEdited({ id: result.questionId }));
    },
  },
};

/**
 * `/moderation`: the queue of flagged and reported questions, answers, comments and reviews, for the owner, creators
 * and moderators, with Approve / Remove / Mute 24h / Ban author under each case. Each button is the command
 * `/moderation <case> <decision>`, checked like a typed one; a case is decided once.
 */

import { AppError } from "../../app-error.js";
import { formatDateTime } from "../../i18n/index.js";
import { decideModerationCase, type ModerationDecision } from "../../moderation/decide-moderation-case.js";
import { listModerationQueue } from "../../moderation/moderation-queue.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { type Button, type Reply, textReply } from "../reply.js";

const DECISIONS: readonly ModerationDecision[] = ["approve", "remove", "mute", "ban"];

export const moderationCommand: Command = {
  name: "moderation",
  staffOnly: true,
  moderators: true,
  async run(session, args) {
    if (args.length === 0) return showQueue(session);
    const caseId = idArgument(args[0], session.m, "moderation");
    const decision = args[1]?.toLowerCase() as ModerationDecision | undefined;
    if (!decision || !DECISIONS.includes(decision)) {
      throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.moderation ?? "" });
    }
    return decide(session, caseId, decision);
  },
};

async function showQueue(session: Session): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const { cases, total } = await listModerationQueue(ctx, { moderatorId: member.id });
  if (total === 0) return textReply(m.moderation.empty);
  const lines = [m.moderation.title({ count: total }), ""];
  const buttons: Button[][] = [];
  for (const item of cases) {
    lines.push(
      m.moderation.line({
        id: item.id,
        target: item.target,
        targetId: item.targetId,
        author: item.author ?? "—",
        reason: item.reason,
        reports: item.reports,
        date: formatDateTime(locale, item.createdAt, member.timeZone),
        text: item.text === null ? m.moderation.gone : truncateText(item.text.replace(/\s+/g, " "), 280, "…"),
      }),
      "",
    );
    const row: Button[] = [
      { label: m.moderation.buttonApprove({ id: item.id }), action: `moderation ${item.id} approve` },
      { label: m.moderation.buttonRemove({ id: item.id }), action: `moderation ${item.id} remove` },
    ];
    buttons.push(row);
    if (item.author) {
      buttons.push([
        { label: m.moderation.buttonMute, action: `moderation ${item.id} mute` },
        { label: m.moderation.buttonBan, action: `moderation ${item.id} ban` },
      ]);
    }
  }
  if (total > cases.length) lines.push(m.moderation.more({ count: total - cases.length }));
  return textReply(lines.join("\n").trim(), buttons);
}

async function decide(session: Session, caseId: number, decision: ModerationDecision): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const result = await decideModerationCase(ctx, { moderatorId: member.id, caseId, decision });
  const d = m.moderation;
  if (!result.ok) {
    switch (result.reason) {
      case "NOT_FOUND":
        return textReply(d.notFound({ id: caseId }));
      case "ALREADY_DECIDED":
        return textReply(d.alreadyDecided({ id: caseId, status: d.status[result.status] ?? result.status }));
      case "TEAM_AUTHOR":
        return textReply(d.teamAuthor({ member: result.author }));
      case "NO_AUTHOR":
        return textReply(d.noAuthor({ id: caseId }));
    }
  }
  const params = { id: caseId, target: result.target };
  switch (result.decision) {
    case "approve":
      return textReply(d.approved(params));
    case "remove":
      return textReply(d.removed(params));
    case "mute":
      return textReply(
        d.mutedAuthor({
          ...params,
          member: result.author ?? "—",
          until: formatDateTime(locale, result.mutedUntil!, member.timeZone),
        }),
      );
    case "ban":
      return textReply(d.bannedAuthor({ ...params, member: result.author ?? "—" }));
  }
}

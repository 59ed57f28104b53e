/**
 * /atrisk for creators: the members most likely to leave, with their risk and top reasons in the creator's language,
 * and per member a Nudge button (their next lesson, as a personal message) and a Coupon button (20 % for 7 days).
 * The buttons are the commands `/atrisk nudge <id>` and `/atrisk coupon <id>`, checked like typed ones.
 */
import { AppError } from "../../app-error.js";
import { formatDate } from "../../i18n/index.js";
import { describeChurnReason } from "../../insights/explain-churn-risk.js";
import { listAtRiskMembers } from "../../insights/list-at-risk-members.js";
import { nudgeAtRiskMember } from "../../insights/nudge-at-risk-member.js";
import { offerRetentionCoupon } from "../../insights/offer-retention-coupon.js";
import type { RetentionRefusal } from "../../insights/retention-recipient.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { type Button, type Reply, textReply } from "../reply.js";

const SHOWN = 10;

async function listAtRisk(session: Session): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const list = await listAtRiskMembers(ctx, { staffMemberId: member.id, limit: SHOWN });
  if (!list.computedAt || list.members.length === 0) return textReply(m.insights.atRiskEmpty);
  const lines = [
    m.insights.atRiskTitle({ date: formatDate(locale, list.computedAt, member.timeZone), days: list.idleDays }),
  ];
  const buttons: Button[][] = [];
  for (const entry of list.members) {
    const reasons = entry.reasons.map((reason) => describeChurnReason(locale, reason)).join(m.insights.reasonSeparator);
    const line = m.insights.atRiskLine({
      id: entry.memberId,
      name: truncateText(entry.name, 40, "…"),
      percent: Math.round(entry.score * 100),
      reasons: reasons || m.insights.atRiskNoReason,
    });
    lines.push(entry.optedOut ? `${line} ${m.insights.atRiskOptedOut}` : line);
    // An opted-out member gets no retention message: no buttons that could only be refused.
    if (entry.optedOut) continue;
    // Two members of one name get their number on the buttons too.
    const sameName = list.members.filter((other) => other.name === entry.name).length > 1;
    const name = `${truncateText(entry.name, 16, "…")}${sameName ? ` #${entry.memberId}` : ""}`;
    buttons.push([
      { label: m.insights.buttonNudge({ name }), action: `atrisk nudge ${entry.memberId}` },
      { label: m.insights.buttonCoupon({ name }), action: `atrisk coupon ${entry.memberId}` },
    ]);
  }
  lines.push("", m.insights.atRiskHint);
  return textReply(lines.join("\n"), buttons.length ? buttons : undefined);
}

async function memberName(session: Session, memberId: number): Promise<string> {
  const row = await session.ctx.prisma.member.findUnique({ where: { id: memberId }, select: { displayName: true } });
  return truncateText(row?.displayName ?? `#${memberId}`, 40, "…");
}

function refusal(session: Session, reason: RetentionRefusal, memberId: number, name: string): Reply {
  const text = session.m.insights;
  if (reason === "OPTED_OUT") return textReply(text.retentionOptedOut({ name }));
  if (reason === "UNREACHABLE") return textReply(text.retentionUnreachable({ name }));
  return textReply(text.retentionNotFound({ id: memberId }));
}

async function nudge(session: Session, memberId: number): Promise<Reply> {
  const result = await nudgeAtRiskMember(session.ctx, { staffMemberId: session.member.id, memberId });
  const name = await memberName(session, memberId);
  if (!result.ok) return refusal(session, result.reason, memberId, name);
  return textReply(
    result.queued ? session.m.insights.nudgeQueued({ name }) : session.m.insights.nudgeAlready({ name }),
  );
}

async function coupon(session: Session, memberId: number): Promise<Reply> {
  const result = await offerRetentionCoupon(session.ctx, { staffMemberId: session.member.id, memberId });
  const name = await memberName(session, memberId);
  if (!result.ok) return refusal(session, result.reason, memberId, name);
  const text = session.m.insights;
  return textReply(
    result.created
      ? text.couponSent({ name, code: result.code, percent: result.percentOff })
      : text.couponAlready({ name, code: result.code }),
  );
}

export const atRiskCommand: Command = {
  name: "atrisk",
  staffOnly: true,
  async run(session, args) {
    const [action, id] = args;
    if (!action) return listAtRisk(session);
    const memberId = idArgument(id, session.m, "atrisk");
    if (action.toLowerCase() === "nudge") return nudge(session, memberId);
    if (action.toLowerCase() === "coupon") return coupon(session, memberId);
    throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.atrisk ?? "" });
  },
};

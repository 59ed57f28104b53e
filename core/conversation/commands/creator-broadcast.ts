/**
 * /broadcast: write an announcement, choose who gets it, see the preview and the count, confirm; then pause, resume,
 * cancel or follow it. Every step calls a use case in core/messaging, which checks the role again.
 *
 *   /broadcast <text>            a draft for everyone (`urgent` first: ignores quiet hours)
 *   /broadcast <id> to <segment> another audience (everyone | product <id> | ending <days> | language | platform)
 *   /broadcast <id> send         confirm
 *   /broadcast <id> pause | resume | cancel | status
 */

import { localized } from "../../i18n/index.js";
import { cancelBroadcast } from "../../messaging/cancel-broadcast.js";
import { confirmBroadcast } from "../../messaging/confirm-broadcast.js";
import { createBroadcast } from "../../messaging/create-broadcast.js";
import { type BroadcastControlResult, pauseBroadcast } from "../../messaging/pause-broadcast.js";
import { previewBroadcast } from "../../messaging/preview-broadcast.js";
import { resumeBroadcast } from "../../messaging/resume-broadcast.js";
import { parseSegment, type Segment } from "../../messaging/segment.js";
import { tallyBroadcast } from "../../messaging/tally-broadcast.js";
import { truncateText } from "../../text.js";
import type { Command, Session } from "../command.js";
import { plainText, type Reply, textReply } from "../reply.js";

const ACTIONS = new Set(["to", "send", "pause", "resume", "cancel", "status"]);

export const broadcastCommand: Command = {
  name: "broadcast",
  staffOnly: true,
  async run(session, args, raw) {
    const { m } = session;
    const id = args[0] && /^#?\d{1,9}$/.test(args[0]) ? Number(args[0].replace("#", "")) : null;
    const action = args[1]?.toLowerCase();
    if (id !== null && action && ACTIONS.has(action) && (action === "to" || args.length === 2)) {
      return control(session, id, action, args.slice(2));
    }
    if (!raw.trim()) return listBroadcasts(session);
    const urgent = args[0]?.toLowerCase() === "urgent";
    const text = urgent ? raw.trim().slice("urgent".length) : raw;
    const created = await createBroadcast(session.ctx, { staffMemberId: session.member.id, text, urgent });
    if (!created.ok) {
      return textReply(
        created.reason === "EMPTY" ? m.messaging.broadcastEmpty : m.messaging.broadcastTooLong({ max: created.max }),
      );
    }
    return preview(session, created.broadcastId);
  },
};

async function control(session: Session, id: number, action: string, rest: string[]): Promise<Reply> {
  const { ctx, m, member } = session;
  const mm = m.messaging;
  const options = { staffMemberId: member.id, broadcastId: id };
  switch (action) {
    case "to": {
      const segment = parseSegment(rest);
      if (!segment) return textReply(`${mm.broadcastBadSegment}\n${mm.broadcastHint({ id })}`);
      return preview(session, id, segment);
    }
    case "send": {
      const result = await confirmBroadcast(ctx, options);
      if (result.ok)
        return textReply(mm.broadcastQueued({ id, count: result.recipients }), progressButtons(session, id));
      if (result.reason === "NOT_FOUND") return textReply(mm.broadcastNotFound({ id }));
      if (result.reason === "NO_RECIPIENTS") return textReply(mm.broadcastNoRecipients({ id }));
      if (result.reason !== "NOT_DRAFT") return textReply(mm.broadcastNotFound({ id }));
      return textReply(mm.broadcastWrongState({ id, status: mm.status[result.status] ?? result.status }));
    }
    case "pause":
      return controlReply(session, id, await pauseBroadcast(ctx, options), mm.broadcastPaused({ id }));
    case "resume":
      return controlReply(session, id, await resumeBroadcast(ctx, options), mm.broadcastResumed({ id }));
    case "cancel": {
      const result = await cancelBroadcast(ctx, options);
      if (!result.ok) return controlReply(session, id, result, "");
      return textReply(
        result.wasDraft ? mm.broadcastDiscarded({ id }) : mm.broadcastCanceled({ id, count: result.canceled }),
      );
    }
    default: {
      const tally = await tallyBroadcast(ctx, id);
      if (!tally) return textReply(mm.broadcastNotFound({ id }));
      return textReply(mm.broadcastStatus({ ...tally, status: mm.status[tally.status] ?? tally.status }));
    }
  }
}

function controlReply(session: Session, id: number, result: BroadcastControlResult, done: string): Reply {
  const mm = session.m.messaging;
  if (result.ok) return textReply(done, progressButtons(session, id));
  if (result.reason === "NOT_FOUND") return textReply(mm.broadcastNotFound({ id }));
  return textReply(mm.broadcastWrongState({ id, status: mm.status[result.status] ?? result.status }));
}

function progressButtons(session: Session, id: number) {
  const mm = session.m.messaging;
  return [
    [
      { label: mm.buttonStatus, action: `broadcast ${id} status` },
      { label: mm.buttonPause, action: `broadcast ${id} pause` },
      { label: mm.buttonResume, action: `broadcast ${id} resume` },
    ],
  ];
}

async function preview(session: Session, id: number, segment?: Segment): Promise<Reply> {
  const { ctx, m, member, locale } = session;
  const mm = m.messaging;
  const result = await previewBroadcast(ctx, { staffMemberId: member.id, broadcastId: id, segment });
  if (!result.ok) {
    if (result.reason === "NOT_FOUND") return textReply(mm.broadcastNotFound({ id }));
    return textReply(mm.broadcastWrongState({ id, status: mm.status[result.status] ?? result.status }));
  }
  const s = result.broadcast.segment;
  const audience =
    s.kind === "everyone"
      ? mm.segmentEveryone
      : s.kind === "product"
        ? mm.segmentProduct({
            id: s.productId,
            title: result.productTitle ? localized(locale, result.productTitle.en, result.productTitle.zh) : "?",
          })
        : s.kind === "ending"
          ? mm.segmentEnding({ days: s.days })
          : s.kind === "language"
            ? mm.segmentLanguage({ language: s.locale === "zh" ? "中文" : "English" })
            : mm.segmentPlatform({ platform: s.platform.toLowerCase() });
  const text = `${mm.broadcastDraft({
    id,
    text: result.broadcast.text,
    urgent: result.broadcast.urgent ? 1 : 0,
    // A catalog text as a value of another: its own escaping undone, so the title is escaped exactly once.
    segment: plainText(audience),
    recipients: result.recipients,
    members: result.members,
  })}\n\n${mm.broadcastHint({ id })}`;
  return textReply(text, [
    [
      { label: mm.buttonEveryone, action: `broadcast ${id} to everyone` },
      { label: mm.buttonEnglish, action: `broadcast ${id} to language en` },
      { label: mm.buttonChinese, action: `broadcast ${id} to language zh` },
    ],
    [
      ...(result.recipients
        ? [{ label: mm.buttonSend({ count: result.recipients }), action: `broadcast ${id} send` }]
        : []),
      { label: mm.buttonDiscard, action: `broadcast ${id} cancel` },
    ],
  ]);
}

async function listBroadcasts(session: Session): Promise<Reply> {
  const { ctx, m } = session;
  const mm = m.messaging;
  const recent = await ctx.prisma.broadcast.findMany({ orderBy: { id: "desc" }, take: 5 });
  const lines = [];
  for (const b of recent) {
    const tally = await tallyBroadcast(ctx, b.id);
    lines.push(
      mm.broadcastListLine({
        id: b.id,
        status: mm.status[b.status] ?? b.status,
        sent: tally?.sent ?? 0,
        total: tally?.total ?? 0,
        text: truncateText(b.text, 41, "…"),
      }),
    );
  }
  return textReply(
    [recent.length ? mm.broadcastListTitle : mm.broadcastListEmpty, ...lines, "", mm.broadcastUsage].join("\n"),
  );
}

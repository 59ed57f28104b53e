/**
 * Live sessions in chat: `/live` lists what is coming up, with each start in the member's own time zone; `join <id>`
 * (the Join button of the start notice and of the course page, or typed) hands the join link to an owner at that
 * moment, and refuses everyone else without it; the course page of a live session gets its Join or Replay button
 * from `liveSessionSection`.
 */
import { getProduct } from "../../catalog/catalog.js";
import { formatDateTime } from "../../i18n/index.js";
import { isStaff } from "../../identity/roles.js";
import { offerForMember } from "../../insights/experiment-offer-for-member.js";
import { joinLiveSession } from "../../learning/join-live-session.js";
import { listLiveSessions } from "../../learning/list-live-sessions.js";
import { liveSessionPhase } from "../../learning/live-session-phase.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import { type Button, textReply } from "../reply.js";

export const liveCommand: Command = {
  name: "live",
  async run(session) {
    const { ctx, m, locale, member } = session;
    const sessions = await listLiveSessions(ctx, { memberId: member.id });
    if (!sessions.length) return textReply(m.live.empty, [[{ label: m.buttonCatalog, action: "courses" }]]);
    const lines = [m.live.title];
    const buttons: Button[][] = [];
    for (const live of sessions) {
      const params = {
        id: live.id,
        title: productTitle(locale, live),
        when: formatDateTime(locale, live.times.startsAt, member.timeZone),
      };
      lines.push(live.phase === "OPEN" ? m.live.lineOpen(params) : m.live.line(params));
      if (live.owned) lines.push(`   ${m.live.ownedMark}`);
      if (buttons.length >= 8) continue;
      const label = truncateText(productTitle(locale, live), 40, "…");
      buttons.push([
        live.owned && live.phase === "OPEN"
          ? { label: m.live.buttonJoinTitle({ title: label }), action: `join ${live.id}` }
          : { label: m.buttonDetails({ id: live.id }), action: `course ${live.id}` },
      ]);
    }
    lines.push("", m.live.hint);
    return textReply(lines.join("\n"), buttons);
  },
};

export const joinCommand: Command = {
  name: "join",
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const productId = idArgument(args[0], m, "join");
    const joined = await joinLiveSession(ctx, { member, productId });
    if (!joined.ok && joined.reason === "NOT_FOUND") return textReply(m.live.notFound({ id: productId }));
    const { session: live } = joined as Exclude<typeof joined, { reason: "NOT_FOUND" }>;
    const params = {
      id: live.id,
      title: productTitle(locale, live),
      when: formatDateTime(locale, live.times.startsAt, member.timeZone),
    };
    if (joined.ok) return textReply(m.live.joinNow(params), [[{ label: m.live.buttonJoin, url: joined.joinUrl }]]);
    switch (joined.reason) {
      case "NOT_OWNER": {
        // The way in, never the way to the room.
        const product = await getProduct(ctx, live.id);
        const offer = product && (await offerForMember(ctx, product, member.id, { expose: false }));
        const buttons: Button[][] = offer
          ? [[{ label: m.buttonBuy({ price: offerPrice(locale, offer) }), action: `buy ${live.id}` }]]
          : [[{ label: m.buttonDetails({ id: live.id }), action: `course ${live.id}` }]];
        return textReply(m.live.notOwner(params), buttons);
      }
      case "TOO_EARLY":
        return textReply(m.live.tooEarly(params));
      case "NO_LINK":
        return textReply(m.live.noLink(params));
      case "ENDED":
        return joined.replayUrl
          ? textReply(m.live.endedReplay(params), [[{ label: m.live.buttonReplay, url: joined.replayUrl }]])
          : textReply(m.live.ended(params));
    }
  },
};

/**
 * What the course page of a live session adds for this reader: a line on where it stands and, for an owner (or the
 * team), Join from 15 minutes before the start to the end, then Replay when a recording is set. Non-owners get
 * neither: the page's Buy button is their way in.
 *
 * @example const live = await liveSessionSection(session, product); lines.push(...live.lines)
 */
export function liveSessionSection(
  session: Session,
  product: { id: number; kind: string; startsAt: Date | null; durationMin: number | null; replayUrl: string | null },
  /** Whether the reader holds the product now (the course page has just asked). */
  holds: boolean,
): { lines: string[]; buttons: Button[][] } {
  const { ctx, m, member } = session;
  const phase = product.kind === "LIVE_SESSION" ? liveSessionPhase(product, ctx.clock.now()) : null;
  if (!phase) return { lines: [], buttons: [] };
  const owner = isStaff(member.role) || holds;
  if (phase === "UPCOMING") return { lines: owner ? [m.live.pageUpcoming] : [], buttons: [] };
  if (phase === "OPEN") {
    return owner
      ? { lines: [m.live.pageOpen], buttons: [[{ label: m.live.buttonJoin, action: `join ${product.id}` }]] }
      : { lines: [m.live.pageOpenNotOwner], buttons: [] };
  }
  if (owner && product.replayUrl) {
    return { lines: [m.live.pageEndedReplay], buttons: [[{ label: m.live.buttonReplay, url: product.replayUrl }]] };
  }
  return { lines: [m.live.pageEnded], buttons: [] };
}

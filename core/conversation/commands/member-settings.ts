/**
 * A member's message settings: /settings shows them; /optout and /optin for announcements and offers; /quiet for
 * quiet hours; /timezone. Each changes only the caller's own member.
 */
import { AppError } from "../../app-error.js";
import { setMessagePreferences } from "../../messaging/set-message-preferences.js";
import type { Command, Session } from "../command.js";
import { type Reply, textReply } from "../reply.js";

const WHAT: Record<string, { announcementsOptOut?: boolean; marketingOptOut?: boolean }> = {
  announcements: { announcementsOptOut: true },
  recommendations: { marketingOptOut: true },
  all: { announcementsOptOut: true, marketingOptOut: true },
};
const WHAT_ALIASES: Record<string, string> = {
  announcement: "announcements",
  news: "announcements",
  公告: "announcements",
  recommendation: "recommendations",
  offers: "recommendations",
  marketing: "recommendations",
  推荐: "recommendations",
  全部: "all",
  everything: "all",
};

async function showSettings(session: Session): Promise<Reply> {
  const { ctx, member, m } = session;
  const current = await ctx.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
  const mm = m.messaging;
  return textReply(
    mm.settings({
      announcements: current.announcementsOptOut ? mm.off : mm.on,
      recommendations: current.marketingOptOut ? mm.off : mm.on,
      quiet:
        current.quietHoursStart === null || current.quietHoursEnd === null
          ? mm.quietNone
          : mm.quietRange({ start: current.quietHoursStart, end: current.quietHoursEnd }),
      timeZone: current.timeZone,
    }),
  );
}

export const settingsCommand: Command = {
  name: "settings",
  run: (session) => showSettings(session),
};

function optCommand(name: "optout" | "optin"): Command {
  return {
    name,
    async run(session, args) {
      const { ctx, member, m } = session;
      const word = (args[0] ?? "announcements").toLowerCase();
      const what = WHAT_ALIASES[word] ?? word;
      const flags = WHAT[what];
      const usage = name === "optout" ? m.messaging.usageOptout : m.messaging.usageOptin;
      if (!flags || args.length > 1) throw new AppError("BAD_ARGUMENTS", { usage });
      const value = name === "optout";
      await setMessagePreferences(ctx, {
        memberId: member.id,
        ...(flags.announcementsOptOut ? { announcementsOptOut: value } : {}),
        ...(flags.marketingOptOut ? { marketingOptOut: value } : {}),
      });
      const label = m.messaging.what[what] ?? what;
      return textReply(value ? m.messaging.optedOut({ what: label, arg: what }) : m.messaging.optedIn({ what: label }));
    },
  };
}

export const optOutCommand = optCommand("optout");
export const optInCommand = optCommand("optin");

export const quietCommand: Command = {
  name: "quiet",
  async run(session, args) {
    const { ctx, member, m } = session;
    const usage = m.messaging.usageQuiet;
    if (!args.length) return showSettings(session);
    if (args.length === 1 && ["off", "none", "关闭"].includes(args[0]!.toLowerCase())) {
      await setMessagePreferences(ctx, { memberId: member.id, quietHours: null });
      return textReply(m.messaging.quietOff);
    }
    const hour = (s: string | undefined) => (s && /^\d{1,2}$/.test(s) ? Number(s) : Number.NaN);
    const [start, end] = [hour(args[0]), hour(args[1])];
    if (args.length > 3 || Number.isNaN(start) || Number.isNaN(end)) throw new AppError("BAD_ARGUMENTS", { usage });
    const timeZone = args[2];
    const result = await setMessagePreferences(ctx, { memberId: member.id, quietHours: { start, end }, timeZone });
    if (!result.ok) {
      throw new AppError("BAD_ARGUMENTS", {
        usage: result.reason === "BAD_TIME_ZONE" ? m.messaging.usageTimezone : usage,
      });
    }
    const current = await ctx.prisma.member.findUniqueOrThrow({ where: { id: member.id }, select: { timeZone: true } });
    return textReply(m.messaging.quietSet({ start, end, timeZone: current.timeZone }));
  },
};

export const timeZoneCommand: Command = {
  name: "timezone",
  async run(session, args) {
    const { ctx, member, m } = session;
    const zone = args[0];
    if (!zone || args.length > 1) throw new AppError("BAD_ARGUMENTS", { usage: m.messaging.usageTimezone });
    const result = await setMessagePreferences(ctx, { memberId: member.id, timeZone: zone });
    if (!result.ok) throw new AppError("BAD_ARGUMENTS", { usage: m.messaging.usageTimezone });
    return textReply(m.messaging.timeZoneSet({ timeZone: zone }));
  },
};

/**
 * The lesson discussion's limits. `reportHideThreshold` comes from REPORT_HIDE_THRESHOLD (CoreConfig); the others are
 * fixed because they follow from the platforms' message sizes.
 */
import type { CoreContext } from "../../context.js";

export interface DiscussionSettings {
  /** Reports by different members that hide an item until a moderator decides. */
  reportHideThreshold: number;
  /** Longest comment accepted (a mirrored comment must fit one Discord message with the author's name). */
  maxCommentChars: number;
  /** Top-level comments per /comments page (each with its replies). */
  pageSize: number;
  /** Replies shown under one comment in the list (the rest are counted). */
  repliesShown: number;
}

export const DEFAULT_REPORT_HIDE_THRESHOLD = 3;

export function discussionSettings(ctx: CoreContext): DiscussionSettings {
  return {
    reportHideThreshold: ctx.config.reportHideThreshold ?? DEFAULT_REPORT_HIDE_THRESHOLD,
    maxCommentChars: 1500,
    pageSize: 5,
    repliesShown: 5,
  };
}

/**
 * Whether the member may post (comments, replies, reports) now: a ban is for good, a mute until `mutedUntil`.
 *
 * @example const refusal = postingRefusal(member, ctx.clock.now()); if (refusal) return refusal
 */
export function postingRefusal(
  member: { bannedAt: Date | null; mutedUntil: Date | null },
  now: Date,
): { reason: "BANNED" } | { reason: "MUTED"; until: Date } | null {
  if (member.bannedAt) return { reason: "BANNED" };
  // A Date, or its ISO text from a raw read: compared as an instant either way.
  const mutedUntil = member.mutedUntil ? new Date(member.mutedUntil) : null;
  if (mutedUntil && mutedUntil > now) return { reason: "MUTED", until: mutedUntil };
  return null;
}

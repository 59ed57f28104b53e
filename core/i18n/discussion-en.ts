/**
 * Lesson discussion and the moderation queue, in English (mounted in en.ts as `discussion` and `moderation`;
 * discussion-zh.ts has the same keys).
 */
type P = Record<string, string | number>;

const TARGET: Record<string, string> = { QUESTION: "question", ANSWER: "answer", COMMENT: "comment", REVIEW: "review" };
const REASON: Record<string, string> = {
  reported: "reported by members",
  LINK: "a link from a new member",
  BANNED_WORD: "a banned word",
  FLOOD: "too many at once",
};

export const targetNameEn = (target: string | number | undefined) => TARGET[String(target)] ?? String(target);
export const reasonNameEn = (reason: string | number | undefined) => REASON[String(reason)] ?? String(reason);

export const discussionEn = {
  title: (p: P) => `**Discussion: ${p.course}, lesson ${p.number} — ${p.title}** (${p.total})`,
  empty: "No comments yet. Be the first!",
  comment: (p: P) => `**#${p.id}** ${p.name} · ${p.date}\n${p.body}`,
  reply: (p: P) => `    ↳ **#${p.id}** ${p.name} · ${p.date}: ${p.body}`,
  moreReplies: (p: P) => `    ↳ …and ${p.count} more repl${p.count === 1 ? "y" : "ies"}`,
  page: (p: P) => `Page ${p.page} of ${p.pages}`,
  hint: (p: P) =>
    `Write: /comment ${p.course} ${p.number} <text> · Reply: /replyto <comment #> <text> · Report: /report <comment #> [reason]`,
  buttonDiscuss: (p: P) => `💬 Discuss (${p.count})`,
  buttonOlder: "◀ Previous page",
  buttonNewer: "Next page ▶",
  buttonLesson: "Back to the lesson",
  posted: (p: P) => `Comment #${p.id} posted. /comments ${p.course} ${p.number} shows the discussion.`,
  replied: (p: P) => `Reply #${p.id} posted under comment #${p.parent}.`,
  heldBack: "Thanks! Your comment waits for a moderator's review before others see it.",
  muted: (p: P) => `You are muted until ${p.until}: you can read the discussion, but not post or report.`,
  banned: "You can no longer post in this community.",
  tooLong: (p: P) => `A comment may be at most ${p.max} characters.`,
  commentNotFound: (p: P) => `There is no comment #${p.id} you can reply to. /comments <course> <lesson> lists them.`,
  /** The copy posted in a lesson's Telegram topic or Discord thread. */
  mirrored: (p: P) => `💬 ${p.name} (#${p.id}):\n${p.body}`,
  mirroredReply: (p: P) => `↳ ${p.name} (#${p.id}, reply to #${p.parent}):\n${p.body}`,
  // --- Reports
  reported: "Thanks for the report: a moderator will look at it.",
  reportedHidden: "Thanks for the report: it is hidden until a moderator looks at it.",
  alreadyReported: "You already reported this; a moderator will look at it.",
  reportOwn: "That is your own post: you can't report it.",
  reportNotFound: (p: P) => `There is no ${targetNameEn(p.target)} #${p.id} you can report.`,
};

export const moderationEn = {
  help: "**Moderator commands**\n/moderation — flagged and reported items: approve, remove, mute 24h or ban the author",
  title: (p: P) => `**Moderation queue** — ${p.count} waiting, oldest first`,
  empty: "Nothing waits for review. 🎉",
  line: (p: P) =>
    `**Case #${p.id}** · ${targetNameEn(p.target)} #${p.targetId} by ${p.author} · ${reasonNameEn(p.reason)} · ${p.reports} report(s) · ${p.date}\n“${p.text}”`,
  more: (p: P) => `…and ${p.count} more: decide these to see them.`,
  gone: "(the item no longer exists)",
  buttonApprove: (p: P) => `✅ Approve #${p.id}`,
  buttonRemove: (p: P) => `🗑 Remove #${p.id}`,
  buttonMute: "🔇 Mute 24h",
  buttonBan: "⛔ Ban author",
  approved: (p: P) => `Case #${p.id}: approved, the ${targetNameEn(p.target)} is visible again.`,
  removed: (p: P) => `Case #${p.id}: the ${targetNameEn(p.target)} is removed.`,
  mutedAuthor: (p: P) => `Case #${p.id}: removed, and ${p.member} is muted until ${p.until}.`,
  bannedAuthor: (p: P) =>
    `Case #${p.id}: removed, and ${p.member} is banned from posting (and on the platforms, where the bot may).`,
  alreadyDecided: (p: P) => `Case #${p.id} was already decided (${p.status}); nothing changed.`,
  notFound: (p: P) => `There is no case #${p.id}.`,
  teamAuthor: (p: P) => `${p.member} is on the team: change their role with /role first.`,
  noAuthor: (p: P) => `Case #${p.id} has no member author to mute or ban (the helper wrote it).`,
  status: { PENDING: "pending", APPROVED: "approved", REMOVED: "removed" } as Record<string, string>,
};

/** The notice to the team, in en.ts `notices`. */
export const moderationPendingEn = (p: P) =>
  `🚩 Waiting for review: ${targetNameEn(p.target)} by ${p.member} (${reasonNameEn(p.reason)}), case #${p.case}.\n“${p.text}”\n/moderation to decide.`;

/**
 * Reviews and reputation in English (core/community/reviews, core/community/reputation): mounted as `reviews` and
 * `reputation` in en.ts; reviews-zh.ts has the same keys.
 */
type P = Record<string, string | number>;

export const reviewsEn = {
  posted: (p: P) => `⭐ Thank you! Your review of **${p.course}** is up: ${p.stars}. /reviews ${p.id} shows them all.`,
  edited: (p: P) => `Your review of **${p.course}** is updated: ${p.stars}.`,
  held: (p: P) =>
    `Your review of **${p.course}** was saved, but it is held back until a moderator has looked at it: it is not shown yet.`,
  removed: (p: P) => `Your review of **${p.course}** is removed.`,
  noReview: (p: P) => `You have no review of **${p.course}**.`,
  notFound: (p: P) => `There is no course “${p.course}”. /courses lists them.`,
  notOwned: (p: P) => `You can review **${p.course}** once you own it. /course ${p.id} shows it.`,
  tooFewLessons: (p: P) =>
    `Open at least ${p.needed} lesson(s) of **${p.course}** before you review it (you have opened ${p.opened}). /lesson ${p.id} continues it.`,
  ownProduct: "The team does not review its own courses.",
  muted: (p: P) => `You are muted until ${p.until}: you cannot post reviews until then.`,
  banned: "You are banned from this community and cannot post reviews.",
  summary: (p: P) => `★ ${p.average} from ${p.count} review(s)`,
  none: "No reviews yet.",
  latest: "**Latest reviews**",
  line: (p: P) => `${p.stars} **${p.author}**${p.text ? `: ${p.text}` : ""}${p.helpful ? ` · 👍 ${p.helpful}` : ""}`,
  lineStaff: (p: P) =>
    `#${p.id} ${p.stars} **${p.author}**${p.text ? `: ${p.text}` : ""}${p.helpful ? ` · 👍 ${p.helpful}` : ""}`,
  replyLine: (p: P) => `   ↳ Creator's reply: ${p.reply}`,
  listTitle: (p: P) => `**Reviews of ${p.course}** (page ${p.page}/${p.pages})`,
  buttonHelpful: (p: P) => `👍 Helpful #${p.id}`,
  buttonAll: (p: P) => `Reviews (${p.count})`,
  buttonMore: "More reviews",
  rateCourse: (p: P) =>
    `How would you rate **${p.course}**? Tap the stars (you can add words with /review ${p.id} <1-5> <text>).`,
  voted: (p: P) => `Thanks: marked helpful (👍 ${p.count}).`,
  alreadyVoted: (p: P) => `You already marked it helpful (👍 ${p.count}).`,
  ownReview: "You cannot mark your own review helpful.",
  gone: "That review is not there any more.",
  replied: (p: P) => `Your reply is under review #${p.id}; the reviewer has been told.`,
  noSuchReview: (p: P) => `There is no review #${p.id}.`,
};

export const reputationEn = {
  topTitle: "**Top members** by reputation",
  topEmpty: "Nobody has earned reputation yet: answer questions, and write reviews others find helpful.",
  topLine: (p: P) => `${p.rank}. ${p.name} — ${p.points}${p.helper ? " 🎖" : ""}`,
  you: (p: P) => `You: #${p.rank} with ${p.points} point(s).`,
  youUnranked: (p: P) => `You: ${p.points} point(s), not ranked yet.`,
  howTo: (p: P) =>
    `Points: accepted answer +${p.accepted}, helpful answer +${p.answer}, helpful review +${p.review}. At ${p.level} you become a helper 🎖 and may accept answers in Q&A.`,
};

/** Notices (outbox, rendered in the recipient's language): spread into `notices` in en.ts. */
export const reviewNoticesEn = {
  staffReviewFlagged: (p: P) =>
    `🚩 Review #${p.id} of ${p.course} by ${p.member} was held back (${({ LINK: "a link from a new member", BANNED_WORD: "a banned word" } as Record<string, string>)[String(p.reason)] ?? p.reason}): hidden until a moderator decides.\n“${p.text}”`,
  reviewReplied: (p: P) => `💬 The creator replied to your review of **${p.course}**:\n“${p.reply}”\n/reviews ${p.id}`,
};

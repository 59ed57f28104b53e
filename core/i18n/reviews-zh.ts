/**
 * 评价与声望（简体中文）：与 reviews-en.ts 键相同，挂在 zh.ts 的 `reviews` 和 `reputation` 下。
 */
import type { reputationEn, reviewNoticesEn, reviewsEn } from "./reviews-en.js";

type P = Record<string, string | number>;

export const reviewsZh: typeof reviewsEn = {
  posted: (p: P) => `⭐ 谢谢！你对 **${p.course}** 的评价已发布：${p.stars}。/reviews ${p.id} 查看全部评价。`,
  edited: (p: P) => `你对 **${p.course}** 的评价已更新：${p.stars}。`,
  held: (p: P) => `你对 **${p.course}** 的评价已保存，但需要管理员审核后才会显示。`,
  removed: (p: P) => `你对 **${p.course}** 的评价已删除。`,
  noReview: (p: P) => `你还没有评价过 **${p.course}**。`,
  notFound: (p: P) => `没有课程“${p.course}”。/courses 查看课程列表。`,
  notOwned: (p: P) => `拥有 **${p.course}** 之后才能评价。/course ${p.id} 查看详情。`,
  tooFewLessons: (p: P) =>
    `评价 **${p.course}** 前请至少打开 ${p.needed} 节课（你已打开 ${p.opened} 节）。/lesson ${p.id} 继续学习。`,
  ownProduct: "团队成员不能评价自己的课程。",
  muted: (p: P) => `你已被禁言至 ${p.until}，在此之前不能发表评价。`,
  banned: "你已被移出社区，不能发表评价。",
  summary: (p: P) => `★ ${p.average}（${p.count} 条评价）`,
  none: "还没有评价。",
  latest: "**最新评价**",
  line: (p: P) => `${p.stars} **${p.author}**${p.text ? `：${p.text}` : ""}${p.helpful ? ` · 👍 ${p.helpful}` : ""}`,
  lineStaff: (p: P) =>
    `#${p.id} ${p.stars} **${p.author}**${p.text ? `：${p.text}` : ""}${p.helpful ? ` · 👍 ${p.helpful}` : ""}`,
  replyLine: (p: P) => `   ↳ 创作者回复：${p.reply}`,
  listTitle: (p: P) => `**${p.course} 的评价**（第 ${p.page}/${p.pages} 页）`,
  buttonHelpful: (p: P) => `👍 有帮助 #${p.id}`,
  buttonAll: (p: P) => `评价（${p.count}）`,
  buttonMore: "更多评价",
  rateCourse: (p: P) => `你给 **${p.course}** 打几星？点下面的星星（想写几句话：/review ${p.id} <1-5> <内容>）。`,
  voted: (p: P) => `谢谢：已标记为有帮助（👍 ${p.count}）。`,
  alreadyVoted: (p: P) => `你已经标记过有帮助（👍 ${p.count}）。`,
  ownReview: "不能给自己的评价点“有帮助”。",
  gone: "这条评价已经不在了。",
  replied: (p: P) => `你的回复已显示在评价 #${p.id} 下，评价者已收到通知。`,
  noSuchReview: (p: P) => `没有评价 #${p.id}。`,
};

export const reputationZh: typeof reputationEn = {
  topTitle: "**声望排行榜**",
  topEmpty: "还没有人获得声望：回答问题、写出对别人有帮助的评价吧。",
  topLine: (p: P) => `${p.rank}. ${p.name} — ${p.points}${p.helper ? " 🎖" : ""}`,
  you: (p: P) => `你：第 ${p.rank} 名，${p.points} 分。`,
  youUnranked: (p: P) => `你：${p.points} 分，暂未上榜。`,
  howTo: (p: P) =>
    `积分：回答被采纳 +${p.accepted}，回答有帮助 +${p.answer}，评价有帮助 +${p.review}。达到 ${p.level} 分成为助手 🎖，可以在问答中采纳答案。`,
};

export const reviewNoticesZh: typeof reviewNoticesEn = {
  staffReviewFlagged: (p: P) =>
    `🚩 ${p.member} 对 ${p.course} 的评价 #${p.id} 被拦下（${({ LINK: "新成员发的链接", BANNED_WORD: "违禁词" } as Record<string, string>)[String(p.reason)] ?? p.reason}）：在管理员处理前不会显示。\n“${p.text}”`,
  reviewReplied: (p: P) => `💬 创作者回复了你对 **${p.courseZh}** 的评价：\n“${p.reply}”\n/reviews ${p.id}`,
};

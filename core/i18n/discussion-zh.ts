/**
 * 课时讨论与审核队列（简体中文），在 zh.ts 中挂为 `discussion` 与 `moderation`；键与 discussion-en.ts 相同。
 */
import type { discussionEn, moderationEn } from "./discussion-en.js";

type P = Record<string, string | number>;

const TARGET: Record<string, string> = { QUESTION: "问题", ANSWER: "回答", COMMENT: "评论", REVIEW: "评价" };
const REASON: Record<string, string> = {
  reported: "成员举报",
  LINK: "新成员发布链接",
  BANNED_WORD: "包含违禁词",
  FLOOD: "短时间内发布过多",
};

const targetName = (target: string | number | undefined) => TARGET[String(target)] ?? String(target);
const reasonName = (reason: string | number | undefined) => REASON[String(reason)] ?? String(reason);

export const discussionZh: typeof discussionEn = {
  title: (p: P) => `**讨论：${p.course}，第 ${p.number} 课 — ${p.title}**（${p.total}）`,
  empty: "还没有评论，来发第一条吧！",
  comment: (p: P) => `**#${p.id}** ${p.name} · ${p.date}\n${p.body}`,
  reply: (p: P) => `    ↳ **#${p.id}** ${p.name} · ${p.date}：${p.body}`,
  moreReplies: (p: P) => `    ↳ …还有 ${p.count} 条回复`,
  page: (p: P) => `第 ${p.page} / ${p.pages} 页`,
  hint: (p: P) =>
    `发表：/comment ${p.course} ${p.number} <内容> · 回复：/replyto <评论编号> <内容> · 举报：/report <评论编号> [原因]`,
  buttonDiscuss: (p: P) => `💬 讨论（${p.count}）`,
  buttonOlder: "◀ 上一页",
  buttonNewer: "下一页 ▶",
  buttonLesson: "返回课时",
  posted: (p: P) => `评论 #${p.id} 已发布。/comments ${p.course} ${p.number} 查看讨论。`,
  replied: (p: P) => `回复 #${p.id} 已发布在评论 #${p.parent} 下。`,
  heldBack: "谢谢！你的评论需要版主审核后才会对其他人显示。",
  muted: (p: P) => `你已被禁言至 ${p.until}：可以阅读讨论，但不能发言或举报。`,
  banned: "你已无法在本社区发言。",
  tooLong: (p: P) => `评论最多 ${p.max} 个字符。`,
  commentNotFound: (p: P) => `没有你可以回复的评论 #${p.id}。/comments <课程> <课时> 查看评论。`,
  mirrored: (p: P) => `💬 ${p.name}（#${p.id}）：\n${p.body}`,
  mirroredReply: (p: P) => `↳ ${p.name}（#${p.id}，回复 #${p.parent}）：\n${p.body}`,
  reported: "感谢举报，版主会尽快查看。",
  reportedHidden: "感谢举报：该内容已隐藏，等待版主查看。",
  alreadyReported: "你已经举报过了，版主会尽快查看。",
  reportOwn: "这是你自己发布的内容，不能举报。",
  reportNotFound: (p: P) => `没有你可以举报的${targetName(p.target)} #${p.id}。`,
};

export const moderationZh: typeof moderationEn = {
  help: "**版主命令**\n/moderation — 被标记或举报的内容：通过、删除、禁言 24 小时或封禁作者",
  title: (p: P) => `**审核队列** — ${p.count} 条待处理，最早的在前`,
  empty: "没有待审核的内容。🎉",
  line: (p: P) =>
    `**案件 #${p.id}** · ${targetName(p.target)} #${p.targetId}，作者 ${p.author} · ${reasonName(p.reason)} · ${p.reports} 次举报 · ${p.date}\n“${p.text}”`,
  more: (p: P) => `…还有 ${p.count} 条：处理完这些后显示。`,
  gone: "（该内容已不存在）",
  buttonApprove: (p: P) => `✅ 通过 #${p.id}`,
  buttonRemove: (p: P) => `🗑 删除 #${p.id}`,
  buttonMute: "🔇 禁言 24 小时",
  buttonBan: "⛔ 封禁作者",
  approved: (p: P) => `案件 #${p.id}：已通过，该${targetName(p.target)}重新可见。`,
  removed: (p: P) => `案件 #${p.id}：该${targetName(p.target)}已删除。`,
  mutedAuthor: (p: P) => `案件 #${p.id}：已删除，${p.member} 被禁言至 ${p.until}。`,
  bannedAuthor: (p: P) => `案件 #${p.id}：已删除，${p.member} 已被禁止发言（机器人有权限的平台上也已封禁）。`,
  alreadyDecided: (p: P) => `案件 #${p.id} 已经处理过（${p.status}），未作更改。`,
  notFound: (p: P) => `没有案件 #${p.id}。`,
  teamAuthor: (p: P) => `${p.member} 是团队成员：请先用 /role 更改其角色。`,
  noAuthor: (p: P) => `案件 #${p.id} 没有可禁言或封禁的成员作者（由助手撰写）。`,
  status: { PENDING: "待处理", APPROVED: "已通过", REMOVED: "已删除" } as Record<string, string>,
};

export const moderationPendingZh = (p: P) =>
  `🚩 待审核：${targetName(p.target)}，作者 ${p.member}（${reasonName(p.reason)}），案件 #${p.case}。\n“${p.text}”\n发送 /moderation 处理。`;

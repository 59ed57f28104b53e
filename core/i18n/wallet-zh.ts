/**
 * 钱包（/wallet：余额、充值、余额支付、更正）与邀请奖励（/invite）的中文文本，键与 wallet-en.ts 相同。
 */
import type { walletEn, walletNoticesEn } from "./wallet-en.js";

type P = Record<string, string | number>;

export const walletZh: typeof walletEn = {
  title: "**我的钱包**",
  balanceLine: (p: P) => `余额：**${p.balance}**`,
  empty:
    "你的钱包是空的。用 /wallet topup <金额> 充值，或邀请朋友获得奖励：/invite。\n有余额时，在 /buy 一键用余额支付课程。",
  historyTitle: "**最近记录**",
  entryLine: (p: P) =>
    `${p.date} · ${p.kind} ${p.amount}${p.order ? ` · 订单 #${p.order}` : ""}${p.note ? ` · ${p.note}` : ""}`,
  kind: {
    TOP_UP: "充值",
    PURCHASE: "购买",
    REFERRAL_CREDIT: "邀请奖励",
    REFUND: "退款",
    ADJUSTMENT: "更正",
  } as Record<string, string>,
  hint: "充值：/wallet topup <金额>。邀请朋友获得奖励：/invite。",
  buttonTopUp: "充值",
  buttonInvite: "邀请朋友",
  buttonAmount: (p: P) => `充值 ${p.amount}`,
  chooseAmount: (p: P) => `要向你的 ${p.currency} 钱包充值多少？也可以发送 /wallet topup <金额>。`,
  chooseStars: "要充值多少 Stars？也可以发送 /wallet topup <Stars 数量> stars。",
  topUpOrder: (p: P) => `**充值单 #${p.order}**：向钱包充值 ${p.amount}。`,
  topUpConfirmed: (p: P) => `充值 #${p.order} 已确认：金额已存入成员的钱包。`,
  topUpTooLarge: (p: P) => `单次充值最多 ${p.max}。`,
  starsOnlyInTelegram: "Stars 充值需在 Telegram 中支付：请在那里发送 /wallet topup。",
  buttonPay: (p: P) => `用钱包支付（余额 ${p.balance}）`,
  paid: (p: P) => `✅ 订单 #${p.order} 已用钱包支付：${p.amount}。当前余额 ${p.balance}。/mycourses 打开它。`,
  insufficient: (p: P) =>
    `你的 ${p.currency} 钱包余额为 ${p.balance}，订单 #${p.order} 需要 ${p.amount}。没有扣款。请用 /wallet topup 充值，或选择其他支付方式。`,
  alreadyPaid: (p: P) => `订单 #${p.order} 已经支付，没有再次扣款。`,
  notPending: (p: P) => `订单 #${p.order} 不在待支付状态（已取消或已退款），没有扣款。`,
  recurring: (p: P) => `订单 #${p.order} 是订阅，按周期用银行卡或 Stars 续费，不能用钱包支付。`,
  topUpFromWallet: (p: P) => `订单 #${p.order} 本身就是充值单：请用银行卡、Stars 或线下方式支付。`,
  adjusted: (p: P) => `成员 #${p.member} 的 ${p.currency} 钱包已更正 ${p.amount}：当前余额 ${p.balance}。`,
  adjustInsufficient: (p: P) =>
    `成员 #${p.member} 的 ${p.currency} 钱包余额为 ${p.balance}：更正不能使余额低于零。未做任何更改。`,
  refundDoneWallet: (p: P) => `订单 #${p.order} 已退回成员的钱包，权限已关闭。`,
  invite: (p: P) =>
    `**邀请朋友**\n你的邀请码：\`${p.code}\`${p.link ? `\n你的邀请链接：${p.link}` : `\n新成员发送 /start ref_${p.code} 加入`}`,
  inviteReward: (p: P) => `通过你的链接加入的人首次付款、且 ${p.days} 天内没有退款后，你的钱包将获得 ${p.credit}。`,
  inviteStats: (p: P) =>
    `通过你的链接加入：${p.invited} 人\n其中已付款：${p.paying} 人\n待发放奖励：${p.pending}\n已发放奖励：${p.paid}`,
  nothing: "无",
};

export const walletNoticesZh: typeof walletNoticesEn = {
  walletToppedUp: (p: P) => `💰 已收到充值 #${p.order}：${p.amount}。钱包余额：${p.balance}。/wallet`,
  walletAdjusted: (p: P) => `你的钱包已更正 ${p.amount}${p.note ? `（“${p.note}”）` : ""}。余额：${p.balance}。/wallet`,
  referralCredited: (p: P) => `🎁 你邀请的朋友已成为付费成员：钱包已增加 ${p.amount}。余额：${p.balance}。/wallet`,
  walletPaidTwice: (p: P) =>
    `订单 #${p.order} 已用银行卡付款，同时也从钱包扣过款：从钱包扣除的 ${p.amount} 已退回钱包。/wallet`,
  refundedToWallet: (p: P) => `订单 #${p.order} 已退款到你的钱包，其权限已关闭。/wallet`,
  staffTopUpSpent: (p: P) =>
    `⚠️ 充值订单 #${p.order}（${p.amount}）已退款或被争议，但该成员钱包只剩 ${p.balance}：充值额度未能收回。请手动处理（/wallet adjust）。`,
};

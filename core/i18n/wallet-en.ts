/**
 * The wallet (/wallet: balances, top-ups, paying from the balance, corrections) and referral credit (/invite), in
 * English. `wallet-zh.ts` provides the same keys (the type checker enforces it).
 */
type P = Record<string, string | number>;

export const walletEn = {
  title: "**Your wallet**",
  balanceLine: (p: P) => `Balance: **${p.balance}**`,
  empty:
    "Your wallet is empty. Top up with /wallet topup <amount>, or earn credit by inviting friends: /invite.\nA balance pays for courses with one tap at /buy.",
  historyTitle: "**Latest entries**",
  entryLine: (p: P) =>
    `${p.date} · ${p.kind} ${p.amount}${p.order ? ` · order #${p.order}` : ""}${p.note ? ` · ${p.note}` : ""}`,
  kind: {
    TOP_UP: "top-up",
    PURCHASE: "purchase",
    REFERRAL_CREDIT: "referral credit",
    REFUND: "refund",
    ADJUSTMENT: "correction",
  } as Record<string, string>,
  hint: "Top up: /wallet topup <amount>. Invite friends for credit: /invite.",
  buttonTopUp: "Top up",
  buttonInvite: "Invite friends",
  buttonAmount: (p: P) => `+ ${p.amount}`,
  chooseAmount: (p: P) =>
    `How much would you like to add to your ${p.currency} wallet? Or send /wallet topup <amount>.`,
  chooseStars: "How many Stars would you like to add? Or send /wallet topup <number of Stars> stars.",
  topUpOrder: (p: P) => `**Top-up #${p.order}**: ${p.amount} to your wallet.`,
  topUpConfirmed: (p: P) => `Top-up #${p.order} confirmed: the member's wallet is credited.`,
  topUpTooLarge: (p: P) => `A single top-up can be at most ${p.max}.`,
  starsOnlyInTelegram: "Stars top-ups are paid in Telegram: send /wallet topup there.",
  buttonPay: (p: P) => `Pay from wallet (balance ${p.balance})`,
  paid: (p: P) =>
    `✅ Order #${p.order} paid from your wallet: ${p.amount}. Balance now ${p.balance}. /mycourses to open it.`,
  insufficient: (p: P) =>
    `Your ${p.currency} wallet holds ${p.balance}, and order #${p.order} costs ${p.amount}. Nothing was charged. Top up with /wallet topup, or pay another way.`,
  alreadyPaid: (p: P) => `Order #${p.order} is already paid; nothing was charged.`,
  notPending: (p: P) => `Order #${p.order} is not awaiting payment (canceled or refunded); nothing was charged.`,
  recurring: (p: P) =>
    `Order #${p.order} is a subscription: it renews by card or Stars, so it can't be paid from the wallet.`,
  topUpFromWallet: (p: P) => `Order #${p.order} is itself a top-up: pay it by card, Stars or by hand.`,
  adjusted: (p: P) => `Member #${p.member}'s ${p.currency} wallet corrected by ${p.amount}: balance now ${p.balance}.`,
  adjustInsufficient: (p: P) =>
    `Member #${p.member}'s ${p.currency} wallet holds ${p.balance}: a correction may not take it below zero. Nothing changed.`,
  refundDoneWallet: (p: P) => `Order #${p.order} refunded to the member's wallet; access closed.`,
  // --- /invite
  invite: (p: P) =>
    `**Invite friends**\nYour invite code: \`${p.code}\`${p.link ? `\nYour link: ${p.link}` : `\nNew members join with /start ref_${p.code}`}`,
  inviteReward: (p: P) =>
    `When someone who joined through your link makes their first payment and keeps it for ${p.days} days, you get ${p.credit} in your wallet.`,
  inviteStats: (p: P) =>
    `Joined through your link: ${p.invited}\nOf them paid: ${p.paying}\nEarnings pending: ${p.pending}\nEarnings paid: ${p.paid}`,
  nothing: "none",
};

export const walletNoticesEn = {
  walletToppedUp: (p: P) => `💰 Top-up #${p.order} received: ${p.amount}. Wallet balance: ${p.balance}. /wallet`,
  walletAdjusted: (p: P) =>
    `Your wallet was corrected by ${p.amount}${p.note ? ` (“${p.note}”)` : ""}. Balance: ${p.balance}. /wallet`,
  referralCredited: (p: P) =>
    `🎁 A friend you invited is a paying member now: ${p.amount} was added to your wallet. Balance: ${p.balance}. /wallet`,
  walletPaidTwice: (p: P) =>
    `Order #${p.order} was paid by card as well as from your wallet: the ${p.amount} taken from your wallet is back in it. /wallet`,
  refundedToWallet: (p: P) => `Order #${p.order} has been refunded to your wallet and its access closed. /wallet`,
  staffTopUpSpent: (p: P) =>
    `⚠️ Top-up order #${p.order} (${p.amount}) was refunded or disputed, but the member's wallet holds only ${p.balance}: the credit was not taken back. Settle it by hand (/wallet adjust).`,
};

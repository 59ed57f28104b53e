/**
 * /invite: the member's invite link, how many joined through it and paid, and the referral credit it earned.
 */
import { formatMoney } from "../../commerce/pricing.js";
import { inviteSummary } from "../../commerce/referrals/invite-summary.js";
import { walletSettings } from "../../commerce/wallet/wallet-settings.js";
import type { Command } from "../command.js";
import { textReply } from "../reply.js";

export const inviteCommand: Command = {
  name: "invite",
  async run(session) {
    const { ctx, m, locale, member } = session;
    const settings = walletSettings(ctx);
    const summary = await inviteSummary(ctx, { memberId: member.id });
    const money = (sums: { currency: string; amount: number }[]) =>
      sums.length ? sums.map((s) => formatMoney(s.amount, s.currency, locale)).join(", ") : m.wallet.nothing;
    const code = member.referralCode;
    const lines = [
      m.wallet.invite({ code, link: session.request.botLink ? `${session.request.botLink}ref_${code}` : "" }),
    ];
    if (settings.referralCredit > 0) {
      lines.push(
        "",
        m.wallet.inviteReward({
          days: settings.refundWindowDays,
          credit: formatMoney(settings.referralCredit, settings.referralCreditCurrency, locale),
        }),
      );
    }
    lines.push(
      "",
      m.wallet.inviteStats({
        invited: summary.invited,
        paying: summary.paying,
        pending: money(summary.pending),
        paid: money(summary.paid),
      }),
    );
    return textReply(lines.join("\n"));
  },
};

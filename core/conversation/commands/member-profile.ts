/**
 * /language and /profile.
 */
import { AppError } from "../../app-error.js";
import { formatDate, messages } from "../../i18n/index.js";
import { createLinkCode, LINK_CODE_MINUTES, redeemLinkCode } from "../../identity/link-accounts.js";
import type { Command } from "../command.js";
import { textReply } from "../reply.js";

export const languageCommand: Command = {
  name: "language",
  async run(session, args) {
    const { ctx, member, m } = session;
    const wanted = args[0]?.toLowerCase();
    if (!wanted) {
      return textReply(m.chooseLanguage, [
        [
          { label: "English", action: "language en" },
          { label: "中文", action: "language zh" },
        ],
      ]);
    }
    const locale =
      wanted === "zh" || wanted === "cn" || wanted === "中文"
        ? "zh"
        : wanted === "en" || wanted === "english"
          ? "en"
          : null;
    if (!locale) throw new AppError("BAD_ARGUMENTS", { usage: m.usage.language ?? "" });
    await ctx.prisma.member.update({ where: { id: member.id }, data: { locale } });
    return textReply(messages(locale).languageChosen);
  },
};

export const profileCommand: Command = {
  name: "profile",
  async run(session) {
    const { m, member, locale } = session;
    return textReply(
      m.profile({
        name: member.displayName,
        id: member.id,
        role: m.role[member.role] ?? member.role,
        language: m.languageName,
        since: formatDate(locale, member.createdAt, member.timeZone),
        code: member.referralCode,
        link: session.request.botLink ? `${session.request.botLink}ref_${member.referralCode}` : "",
      }),
    );
  },
};

export const linkCommand: Command = {
  name: "link",
  async run({ ctx, m, member, account }, args) {
    if (!args[0]) {
      const { code } = await createLinkCode(ctx, { memberId: member.id, platform: account.platform });
      return textReply(m.linkCode({ code, minutes: LINK_CODE_MINUTES }));
    }
    const result = await redeemLinkCode(ctx, { memberId: member.id, platform: account.platform, code: args[0] });
    return textReply(result.outcome === "linked" ? m.linked : m.alreadyLinked);
  },
};

/**
 * Personal messages to a member or to the staff, rendered in each recipient's locale at send time. A member who
 * blocked the bot is marked unreachable and skipped from then on; nothing here throws for a platform refusal.
 */
import type { Notice } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import type { Reply } from "../conversation/reply.js";
import type { LocaleCode } from "../i18n/index.js";
import { renderNotice } from "../i18n/notices.js";

export async function notifyMember(
  ctx: CoreContext,
  memberId: number,
  notice: Notice,
  options: { onlyAccountId?: number } = {},
): Promise<number> {
  return sendToMember(ctx, memberId, (locale) => renderNotice(locale, notice), options);
}

/** Sends a reply rendered for the member's locale to each of their reachable accounts; returns how many got it. */
export async function sendToMember(
  ctx: CoreContext,
  memberId: number,
  render: (locale: LocaleCode) => Reply,
  options: { onlyAccountId?: number } = {},
): Promise<number> {
  const member = await ctx.prisma.member.findUnique({
    where: { id: memberId },
    include: {
      accounts: { where: { unreachableSince: null, ...(options.onlyAccountId ? { id: options.onlyAccountId } : {}) } },
    },
  });
  if (!member || member.erasedAt) return 0;
  let sent = 0;
  for (const account of member.accounts) {
    const gateway = ctx.gateways[account.platform];
    if (!gateway) continue;
    const result = await gateway.send(
      { accountId: account.id, platform: account.platform, externalId: account.externalId, chatId: account.chatId },
      { ...render(member.locale), locale: member.locale },
    );
    if (result.ok) sent += 1;
    else if (result.reason === "UNREACHABLE") {
      await ctx.prisma.platformAccount.update({
        where: { id: account.id },
        data: { unreachableSince: ctx.clock.now() },
      });
    } else {
      ctx.log.warn({ accountId: account.id, reason: result.reason }, "notice not delivered");
    }
  }
  return sent;
}

export async function notifyStaff(ctx: CoreContext, notice: Notice): Promise<number> {
  const staff = await ctx.prisma.member.findMany({
    where: { role: { in: ["OWNER", "CREATOR"] } },
    select: { id: true },
  });
  let sent = 0;
  for (const member of staff) sent += await notifyMember(ctx, member.id, notice);
  return sent;
}

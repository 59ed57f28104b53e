/**
 * The helper badge on each platform where the member has an account (the `community.helper-badge` outbox item): a
 * Discord role, a Telegram custom title in the Q&A group. It applies what `Member.helperSince` says now, so a retried
 * or late item never undoes a newer change. A platform that refuses (no rights, the member is not in the place) is
 * logged and skipped: the badge is a courtesy, the helper's standing in the product does not depend on it.
 */
import type { CoreContext } from "../../context.js";

/**
 * @example await applyHelperBadge(ctx, { memberId })
 */
export async function applyHelperBadge(ctx: CoreContext, options: { memberId: number }): Promise<void> {
  const member = await ctx.prisma.member.findUnique({
    where: { id: options.memberId },
    select: { helperSince: true, erasedAt: true, accounts: true },
  });
  if (!member) return;
  const on = member.helperSince !== null && member.erasedAt === null;
  for (const account of member.accounts) {
    const gateway = ctx.gateways[account.platform];
    if (!gateway?.setHelperBadge) continue;
    const ref = { accountId: account.id, platform: account.platform, externalId: account.externalId };
    const done = await gateway.setHelperBadge(ref, on);
    if (!done) ctx.log.warn({ memberId: options.memberId, platform: account.platform, on }, "helper badge not set");
  }
}

/**
 * Who a creator's retention message (a nudge, a coupon) can go to: a member who exists, has not opted out of offers
 * and has an account on a platform that is running. The expected refusals are values the creator is told about.
 *
 * @example const recipient = await retentionRecipient(ctx, 42); if (!recipient.ok) return recipient
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { isStaff } from "../identity/roles.js";

export type RetentionRefusal = "NOT_FOUND" | "OPTED_OUT" | "UNREACHABLE";

export type RetentionRecipient =
  | {
      ok: true;
      member: { id: number; displayName: string; role: "OWNER" | "CREATOR" | "MODERATOR" | "MEMBER" };
      account: { id: number; platform: Platform };
    }
  | { ok: false; reason: RetentionRefusal };

export async function retentionRecipient(ctx: CoreContext, memberId: number): Promise<RetentionRecipient> {
  const member = await ctx.prisma.member.findUnique({
    where: { id: memberId },
    select: {
      id: true,
      displayName: true,
      role: true,
      erasedAt: true,
      marketingOptOut: true,
      accounts: { where: { unreachableSince: null }, orderBy: { id: "asc" }, select: { id: true, platform: true } },
    },
  });
  if (!member || member.erasedAt || isStaff(member.role)) return { ok: false, reason: "NOT_FOUND" };
  // A retention message is an offer: /optout recommendations (or all) means none, whoever asks.
  if (member.marketingOptOut) return { ok: false, reason: "OPTED_OUT" };
  const account = member.accounts.find((a) => ctx.gateways[a.platform]);
  if (!account) return { ok: false, reason: "UNREACHABLE" };
  return { ok: true, member, account };
}

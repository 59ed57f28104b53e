/**
 * First contact creates the member; every later message finds them. The platform's language picks the default
 * locale; accounts listed in OWNER_ACCOUNTS become owners.
 */
import { randomBytes } from "node:crypto";
import type { Prisma } from "../../prisma/generated/client.js";
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { stripControlCharacters, truncateText } from "../text.js";

export interface PlatformUser {
  platform: Platform;
  externalId: string;
  displayName: string;
  username?: string | null;
  /** The platform's language tag (Telegram language_code, Discord locale, LANG). */
  languageCode?: string | null;
  /** Private chat id for personal messages. */
  chatId?: string | null;
}

export type MemberWithAccount = {
  member: Prisma.MemberGetPayload<object>;
  account: Prisma.PlatformAccountGetPayload<object>;
  isNew: boolean;
};

export function localeFromLanguageCode(code: string | null | undefined): "en" | "zh" {
  return code && /^zh/i.test(code) ? "zh" : "en";
}

export function newReferralCode(): string {
  return randomBytes(5).toString("base64url").replace(/[-_]/g, "x").toUpperCase();
}

export async function resolveMember(ctx: CoreContext, platformUser: PlatformUser): Promise<MemberWithAccount> {
  // Adapters clean names at the edge; this makes sure no caller can store what PostgreSQL refuses (a NUL is 22021),
  // so a strange name can never make a member impossible to create.
  const user = {
    ...platformUser,
    displayName: truncateText(stripControlCharacters(platformUser.displayName).trim(), 100),
    username: platformUser.username ? stripControlCharacters(platformUser.username) || null : null,
  };
  const now = ctx.clock.now();
  const key = { platform_externalId: { platform: user.platform, externalId: user.externalId } };
  const existing = await ctx.prisma.platformAccount.findUnique({ where: key, include: { member: true } });
  if (existing) {
    const { member, ...account } = existing;
    const changes: Prisma.PlatformAccountUpdateInput = {};
    if (user.username && user.username !== account.username) changes.username = user.username;
    if (user.chatId && user.chatId !== account.chatId) changes.chatId = user.chatId;
    // A member who writes to us again has unblocked the bot.
    if (account.unreachableSince) changes.unreachableSince = null;
    const updated = Object.keys(changes).length
      ? await ctx.prisma.platformAccount.update({ where: { id: account.id }, data: changes })
      : account;
    if (now.getTime() - member.lastSeenAt.getTime() > 60_000) {
      await ctx.prisma.member.update({ where: { id: member.id }, data: { lastSeenAt: now } });
    }
    return { member, account: updated, isNew: false };
  }
  const isOwner = ctx.config.ownerAccounts.includes(`${user.platform.toLowerCase()}:${user.externalId}`);
  try {
    const member = await ctx.prisma.member.create({
      data: {
        displayName: user.displayName || user.externalId,
        locale: localeFromLanguageCode(user.languageCode),
        role: isOwner ? "OWNER" : "MEMBER",
        referralCode: newReferralCode(),
        accounts: {
          create: {
            platform: user.platform,
            externalId: user.externalId,
            username: user.username ?? null,
            chatId: user.chatId ?? null,
          },
        },
      },
      include: { accounts: true },
    });
    const { accounts, ...plain } = member;
    return { member: plain, account: accounts[0]!, isNew: true };
  } catch (error) {
    // Two first messages at once: the other one created the account; use it.
    const again = await ctx.prisma.platformAccount.findUnique({ where: key, include: { member: true } });
    if (!again) throw error;
    const { member, ...account } = again;
    return { member, account, isNew: false };
  }
}

/** Records who invited a new member (a referral deep link); never for oneself, never twice. */
export async function recordReferral(ctx: CoreContext, memberId: number, referralCode: string): Promise<boolean> {
  const referrer = await ctx.prisma.member.findUnique({ where: { referralCode: referralCode.toUpperCase() } });
  if (!referrer || referrer.id === memberId) return false;
  const changed = await ctx.prisma.member.updateMany({
    where: { id: memberId, referredById: null },
    data: { referredById: referrer.id },
  });
  return changed.count === 1;
}

/** Finds a member by `#id`, `id` or `@username` on any platform (for creator commands). */
export async function findMemberByHandle(ctx: CoreContext, handle: string) {
  const trimmed = handle.trim();
  const id = /^#?(\d{1,9})$/.exec(trimmed)?.[1];
  if (id) return ctx.prisma.member.findUnique({ where: { id: Number(id) } });
  const username = trimmed.replace(/^@/, "");
  if (!username) return null;
  const account = await ctx.prisma.platformAccount.findFirst({
    where: { OR: [{ username: { equals: username, mode: "insensitive" } }, { externalId: username }] },
    include: { member: true },
  });
  return account?.member ?? null;
}

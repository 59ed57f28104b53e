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
  /** A guided step (e.g. /addcourse) is waiting for this account's next message. */
  inFlow: boolean;
  /**
   * The catalog's version when the request began (read in the same statement): a command that only reads the catalog
   * hands it to the catalog, which then needs no query of its own. Null for a member created just now.
   */
  catalogVersion: bigint | null;
};

interface AccountRow {
  account: Record<string, unknown>;
  member: Record<string, unknown>;
  inFlow: boolean;
  catalogVersion: string | null;
}

/** Timestamps come back from `to_jsonb` as ISO text without a zone; Prisma stores them in UTC. */
function revive<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      typeof value === "string" && /(At|Since|Until)$/.test(key) && /^\d{4}-\d\d-\d\dT/.test(value)
        ? new Date(/[Zz]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
        : value;
  }
  return out as T;
}

const FIND_ACCOUNT = `
  SELECT to_jsonb(a) AS "account", to_jsonb(m) AS "member", (c."accountId" IS NOT NULL) AS "inFlow",
    (SELECT v."version"::text FROM "CatalogVersion" v WHERE v."id" = 1) AS "catalogVersion"
  FROM "PlatformAccount" a
  JOIN "Member" m ON m."id" = a."memberId"
  LEFT JOIN "ConversationState" c ON c."accountId" = a."id"
  WHERE a."platform" = $1::"Platform" AND a."externalId" = $2`;

/**
 * The account, its member and whether a guided step waits, in one statement, through the lean reader (ctx.sql): every update starts here, so this is
 * the one query each of them pays before the command's own (Prisma's include would take two).
 */
async function findAccount(
  ctx: CoreContext,
  platform: Platform,
  externalId: string,
): Promise<Omit<MemberWithAccount, "isNew"> | null> {
  const rows = await ctx.sql.query<AccountRow>(FIND_ACCOUNT, [platform, externalId]);
  const row = rows[0];
  if (!row) return null;
  return {
    account: revive<MemberWithAccount["account"]>(row.account),
    member: revive<MemberWithAccount["member"]>(row.member),
    inFlow: row.inFlow,
    catalogVersion: row.catalogVersion === null ? null : BigInt(row.catalogVersion),
  };
}

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
  const existing = await findAccount(ctx, user.platform, user.externalId);
  if (existing) {
    const { member, account, inFlow, catalogVersion } = existing;
    const changes: Prisma.PlatformAccountUpdateInput = {};
    if (user.username && user.username !== account.username) changes.username = user.username;
    if (user.chatId && user.chatId !== account.chatId) changes.chatId = user.chatId;
    // A member who writes to us again has unblocked the bot.
    if (account.unreachableSince) changes.unreachableSince = null;
    const updated = Object.keys(changes).length
      ? await ctx.prisma.platformAccount.update({ where: { id: account.id }, data: changes })
      : account;
    if (now.getTime() - member.lastSeenAt.getTime() > 60_000) {
      // Bookkeeping, at most once a minute per member, off the reply's path: a failure costs nothing but a timestamp.
      // Straight to the driver (ctx.sql): a member's first message of each minute pays it, most of them in real use.
      void ctx.sql
        .query(`UPDATE "Member" SET "lastSeenAt" = $2::timestamp WHERE "id" = $1`, [member.id, now.toISOString()])
        .catch((error: unknown) => ctx.log.warn({ err: error, memberId: member.id }, "lastSeenAt not recorded"));
    }
    return { member, account: updated, isNew: false, inFlow, catalogVersion };
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
    return { member: plain, account: accounts[0]!, isNew: true, inFlow: false, catalogVersion: null };
  } catch (error) {
    // Two first messages at once: the other one created the account; use it.
    const again = await ctx.prisma.platformAccount.findUnique({ where: key, include: { member: true } });
    if (!again) throw error;
    const { member, ...account } = again;
    return { member, account, isNew: false, inFlow: false, catalogVersion: null };
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

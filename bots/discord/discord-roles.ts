/**
 * Keeps the core's view of who holds each paid role true, and repairs both directions: a role added by hand to someone
 * not entitled is taken away, a role removed from someone entitled is given back, and a member who leaves and rejoins
 * gets it back. On start and on each sweep the whole guild is compared (roles held by people the core has never
 * seen included), then the core's reconciler runs.
 */
import type { Guild, GuildMember, PartialGuildMember, User } from "discord.js";
import { recordGatePresence } from "../../core/access/join-requests.js";
import { reconcileMember } from "../../core/access/reconcile-gates.js";
import type { CoreContext } from "../../core/context.js";
import type { PlatformUser } from "../../core/identity/resolve-member.js";
import { stripControlCharacters } from "../../core/text.js";
import { describeError } from "./discord-gateway.js";

/** Who did something on Discord; names lose control characters here, at the edge. */
export function platformUser(user: User, locale?: string | null): PlatformUser {
  const name = stripControlCharacters(user.globalName ?? user.username).trim();
  return {
    platform: "DISCORD",
    externalId: user.id,
    displayName: name || user.id,
    username: stripControlCharacters(user.username),
    languageCode: locale ?? null,
  };
}

async function gateRoles(ctx: CoreContext, guildId: string): Promise<string[]> {
  const gates = await ctx.prisma.gate.findMany({
    where: { platform: "DISCORD", OR: [{ guildId }, { guildId: null }] },
    select: { externalId: true },
  });
  return gates.map((g) => g.externalId);
}

async function accountOf(ctx: CoreContext, userId: string) {
  return ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: "DISCORD", externalId: userId } },
  });
}

/** A member's roles changed (by us, by a moderator, by another bot). */
export async function onMemberUpdate(
  ctx: CoreContext,
  before: GuildMember | PartialGuildMember,
  after: GuildMember,
): Promise<void> {
  const roles = await gateRoles(ctx, after.guild.id);
  let removedByHand = false;
  for (const roleId of roles) {
    const had = before.partial ? null : before.roles.cache.has(roleId);
    const has = after.roles.cache.has(roleId);
    if (had === has) continue;
    // Someone the bot never met is recorded from their Discord user (and removed if they have no access).
    await recordGatePresence(ctx, {
      platform: "DISCORD",
      gateExternalId: roleId,
      userExternalId: after.id,
      present: has,
      user: platformUser(after.user),
    });
    if (!has) removedByHand = true;
  }
  // A role taken from someone still entitled comes back (the core's record now says absent, so it grants again).
  if (removedByHand) {
    const account = await accountOf(ctx, after.id);
    if (account) await reconcileMember(ctx, account.memberId);
  }
}

export async function onMemberLeave(ctx: CoreContext, member: GuildMember | PartialGuildMember): Promise<void> {
  for (const roleId of await gateRoles(ctx, member.guild.id)) {
    await recordGatePresence(ctx, {
      platform: "DISCORD",
      gateExternalId: roleId,
      userExternalId: member.id,
      present: false,
    });
  }
}

/** Someone joined (or came back): whatever they are entitled to is given again. */
export async function onMemberJoin(ctx: CoreContext, member: GuildMember): Promise<void> {
  const account = await accountOf(ctx, member.id);
  if (account) await reconcileMember(ctx, account.memberId);
}

/**
 * The guild compared with the core: everyone holding a paid role is recorded inside (the reconciler then removes
 * those not entitled), everyone recorded inside who lost the role is recorded outside (and given it back if
 * entitled). Members are listed over REST, a page of 1000 at a time.
 */
export async function syncGuildRoles(ctx: CoreContext, guild: Guild): Promise<{ seen: number; changed: number }> {
  const roles = await gateRoles(ctx, guild.id);
  if (roles.length === 0) return { seen: 0, changed: 0 };
  const holders = new Map<string, Set<string>>(roles.map((r) => [r, new Set<string>()]));
  let after = "0";
  let seen = 0;
  for (;;) {
    const page = await guild.members.list({ limit: 1000, after, cache: true });
    for (const member of page.values()) {
      seen += 1;
      for (const roleId of roles) if (member.roles.cache.has(roleId)) holders.get(roleId)!.add(member.id);
      if (BigInt(member.id) > BigInt(after)) after = member.id;
    }
    if (page.size < 1000) break;
  }
  let changed = 0;
  for (const roleId of roles) {
    const gate = await ctx.prisma.gate.findFirst({ where: { platform: "DISCORD", externalId: roleId } });
    if (!gate) continue;
    const recorded = await ctx.prisma.gateMembership.findMany({
      where: { gateId: gate.id },
      include: { account: { select: { externalId: true } } },
    });
    const recordedInside = new Set(recorded.filter((r) => r.state === "PRESENT").map((r) => r.account.externalId));
    const inside = holders.get(roleId)!;
    for (const userId of inside) {
      if (recordedInside.has(userId)) continue;
      const member = guild.members.cache.get(userId);
      if (member?.user.bot) continue;
      await recordGatePresence(ctx, {
        platform: "DISCORD",
        gateExternalId: roleId,
        userExternalId: userId,
        present: true,
        user: member ? platformUser(member.user) : null,
      });
      changed += 1;
    }
    for (const userId of recordedInside) {
      if (inside.has(userId)) continue;
      await recordGatePresence(ctx, {
        platform: "DISCORD",
        gateExternalId: roleId,
        userExternalId: userId,
        present: false,
      });
      changed += 1;
    }
  }
  return { seen, changed };
}

export function logFailure(ctx: CoreContext, what: string) {
  return (error: unknown) => ctx.log.error({ err: describeError(error) }, what);
}

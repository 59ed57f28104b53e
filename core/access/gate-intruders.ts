/**
 * Someone inside a paid place without access — an old or leaked invite link, a role given by hand — is removed, and
 * the creator can see it. Whoever the platform shows inside becomes a known account (a member record, even if they
 * never wrote to the bot), so the removal is idempotent and listed in /gate; each one is a `GateIntrusion` row, and
 * the creator is told at most once per gate and hour. Never removed for lack of access: bots and the place's own
 * administrators on the platform, the creator's team (owner, creators, moderators), and the people the creator chose
 * to keep when the gate was bound.
 */
import { createHash } from "node:crypto";
import type { GateMemberState, Platform, Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { notifyMember } from "../messaging/notify.js";
import type { AccountRef, GateRef } from "../ports.js";
import { activeEntitlementWhere } from "./entitlement-window.js";
import { addToOutbox, kickOutbox, type Notice } from "./outbox.js";

/** Roles whose holders run the community with the creator: never removed from a paid place. */
export const TEAM_ROLES: readonly Role[] = ["OWNER", "CREATOR", "MODERATOR"];

/** A gate as the access use cases read it. */
export interface GateRow {
  id: number;
  platform: Platform;
  externalId: string;
  guildId: string | null;
  title: string;
  keepExisting: boolean;
  products: { productId: number }[];
}

/** An account as the access use cases read it. */
export interface AccountRow {
  id: number;
  platform: Platform;
  externalId: string;
  chatId: string | null;
  memberId: number;
}

export const gateRef = (g: GateRow): GateRef => ({
  gateId: g.id,
  platform: g.platform,
  externalId: g.externalId,
  guildId: g.guildId,
  title: g.title,
});

export const accountRef = (a: AccountRow): AccountRef => ({
  accountId: a.id,
  platform: a.platform,
  externalId: a.externalId,
  chatId: a.chatId,
});

/** The members (of `memberIds`, or all) with an active entitlement to one of the gate's products. */
export async function membersEntitledTo(ctx: CoreContext, gate: GateRow, memberIds?: number[]): Promise<Set<number>> {
  const rows = await ctx.prisma.entitlement.findMany({
    where: {
      ...activeEntitlementWhere(ctx.clock.now()),
      productId: { in: gate.products.map((p) => p.productId) },
      ...(memberIds ? { memberId: { in: memberIds } } : {}),
    },
    select: { memberId: true },
    distinct: ["memberId"],
  });
  return new Set(rows.map((r) => r.memberId));
}

/**
 * Whether the account may stay in the gate without an entitlement: kept by the creator's choice, on the creator's
 * team, or an administrator of the place on the platform (asked last: it costs a request).
 */
export async function mayStayWithoutAccess(
  ctx: CoreContext,
  gate: GateRow,
  account: AccountRow,
  kept: boolean,
): Promise<boolean> {
  if (kept) return true;
  const member = await ctx.prisma.member.findUnique({ where: { id: account.memberId }, select: { role: true } });
  if (member && TEAM_ROLES.includes(member.role)) return true;
  const gateway = ctx.gateways[gate.platform];
  return (await gateway?.isPlaceAdmin?.(gateRef(gate), accountRef(account))) ?? false;
}

/** Why someone seen inside a gate is there, as far as access goes. */
export type OccupantVerdict = "recorded" | "entitled" | "team" | "kept" | "intruder";

/**
 * Someone the platform shows inside a gate: a join, a status change of someone already inside (`joined: false`), or a
 * role holder the sweep found. An account the bot never met is created from `user` (without it, unknown people are
 * ignored). Someone without access is recorded as an intrusion and, with `syncAfter`, handed to the reconciler, which
 * removes them; the sweep passes `syncAfter: false` because it reconciles them itself right after.
 *
 * @example await noteOccupant(ctx, gate, { externalId: "42", user, joined: true, syncAfter: true })
 */
export async function noteOccupant(
  ctx: CoreContext,
  gate: GateRow,
  seen: { externalId: string; user?: PlatformUser | null; joined: boolean; syncAfter: boolean },
): Promise<OccupantVerdict | null> {
  let account: AccountRow | null = await ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: gate.platform, externalId: seen.externalId } },
  });
  let unknownAccount = false;
  if (!account) {
    if (!seen.user) return null;
    // Only created here, never refreshed: being seen in a chat is not writing to the bot (resolveMember would clear
    // an unreachable mark on an existing account).
    const created = await resolveMember(ctx, { ...seen.user, platform: gate.platform, externalId: seen.externalId });
    account = created.account;
    unknownAccount = created.isNew;
  }
  const key = { gateId_accountId: { gateId: gate.id, accountId: account.id } };
  const recorded = await ctx.prisma.gateMembership.findUnique({ where: key });
  let verdict: OccupantVerdict;
  if (recorded?.state === "PRESENT") verdict = "recorded";
  else if ((await membersEntitledTo(ctx, gate, [account.memberId])).has(account.memberId)) verdict = "entitled";
  else if (await mayStayWithoutAccess(ctx, gate, account, false)) verdict = "team";
  else if (!seen.joined && gate.keepExisting) verdict = "kept";
  else verdict = "intruder";

  const now = ctx.clock.now();
  const accountId = account.id;
  const memberId = account.memberId;
  const sync = seen.syncAfter && verdict !== "team" && verdict !== "kept";
  await ctx.prisma.$transaction(async (tx) => {
    const state: GateMemberState = "PRESENT";
    await tx.gateMembership.upsert({
      where: key,
      create: { gateId: gate.id, accountId, state, kept: verdict === "kept", syncedAt: now },
      update: { state, syncedAt: now, lastError: null, ...(verdict === "kept" ? { kept: true } : {}) },
    });
    if (verdict === "intruder") {
      // One open intrusion per person and gate: a repeated event for the same entry records nothing new.
      const open = await tx.gateIntrusion.findFirst({ where: { gateId: gate.id, accountId, removedAt: null } });
      if (!open) await tx.gateIntrusion.create({ data: { gateId: gate.id, accountId, unknownAccount, seenAt: now } });
    }
    if (sync) await addToOutbox(tx, { kind: "access.sync", memberId });
  });
  if (sync) await kickOutbox(ctx);
  if (verdict === "intruder") {
    ctx.log.info({ gateId: gate.id, accountId, unknownAccount }, "someone inside a gate without access");
  }
  return verdict;
}

/**
 * After the platform confirmed a removal: if it was an intrusion, it is closed, the person is told how to get in
 * properly, and the creator is alerted (once per gate and hour). Returns false for an ordinary end of access.
 */
export async function closeIntrusion(ctx: CoreContext, gate: GateRow, account: AccountRow): Promise<boolean> {
  const open = { gateId: gate.id, accountId: account.id, removedAt: null };
  const intrusion = await ctx.prisma.gateIntrusion.findFirst({ where: open, orderBy: { id: "desc" } });
  if (!intrusion) return false;
  const closed = await ctx.prisma.gateIntrusion.updateMany({ where: open, data: { removedAt: ctx.clock.now() } });
  if (closed.count === 0) return false; // another worker closed it and told everyone
  const who = await ctx.prisma.platformAccount.findUnique({
    where: { id: account.id },
    select: { username: true, member: { select: { displayName: true } } },
  });
  await notifyMember(
    ctx,
    account.memberId,
    { key: "intruderRemoved", params: { gate: gate.title } },
    { onlyAccountId: account.id },
  );
  await alertStaffOncePerHour(ctx, gate.id, "intruder", {
    key: "staffIntruderRemoved",
    params: {
      gate: gate.title,
      member: who?.member.displayName ?? account.externalId,
      handle: who?.username ?? "",
      stranger: intrusion.unknownAccount ? 1 : 0,
    },
  });
  return true;
}

/**
 * One creator alert per gate and problem per clock hour, however many members it concerns: the alert is an outbox
 * item whose dedupe key names the gate, the problem and the hour, so a second one in that hour is not even written
 * (and a crash after the decision loses nothing).
 */
export async function alertStaffOncePerHour(
  ctx: CoreContext,
  gateId: number,
  problem: string,
  notice: Notice,
): Promise<void> {
  const hour = Math.floor(ctx.clock.now().getTime() / 3_600_000);
  const digest = createHash("sha256").update(problem).digest("hex").slice(0, 16);
  await addToOutbox(ctx.prisma, { kind: "notify.staff", notice }, `gate-alert:${gateId}:${digest}:${hour}`);
  await kickOutbox(ctx);
}

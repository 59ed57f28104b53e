/**
 * The reconciler: brings each gate to what the entitlements say, idempotently. It runs after every change (through
 * the outbox, for one member) and on a sweep (for a whole gate), where it also asks the platform who is really
 * inside, so drift from a crash, an offline bot or a hand edit is repaired. Where the platform can list a gate's
 * occupants (Discord role holders) the sweep checks every one of them, people the bot never met included. Nobody is
 * removed who may stay without access (see gate-intruders.ts), and a gate still awaiting the creator's choice about
 * people already inside is left alone.
 */
import type { GateMemberState } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { notifyMember } from "../messaging/notify.js";
import {
  type AccountRow,
  accountRef,
  alertStaffOncePerHour,
  closeIntrusion,
  type GateRow,
  gateRef,
  mayStayWithoutAccess,
  membersEntitledTo,
  noteOccupant,
} from "./gate-intruders.js";
import type { Notice } from "./outbox.js";

export type GateAction = "grant" | "revoke" | "none";

/**
 * What to do for one account in one gate. `actual` is what the platform says (null: it cannot tell), `recorded` what
 * we last made true. The platform's answer wins over our record when it has one.
 */
export function decideGateAction(
  desired: boolean,
  recorded: GateMemberState | null,
  actual: boolean | null,
): GateAction {
  const present = actual ?? recorded === "PRESENT";
  if (desired && !present) return "grant";
  if (!desired && present) return "revoke";
  return "none";
}

export interface ReconcileReport {
  granted: number;
  revoked: number;
  failed: number;
}

/** What we last recorded for one account in one gate. */
interface Recorded {
  state: GateMemberState;
  kept: boolean;
}

async function applyAction(
  ctx: CoreContext,
  gate: GateRow,
  account: AccountRow,
  action: GateAction,
  report: ReconcileReport,
  recordedRow: Recorded | null,
): Promise<void> {
  const gateway = ctx.gateways[gate.platform];
  if (!gateway || action === "none") return;
  if (action === "revoke" && (await mayStayWithoutAccess(ctx, gate, account, recordedRow?.kept ?? false))) return;
  const recorded = recordedRow?.state ?? null;
  const result =
    action === "grant"
      ? await gateway.grantAccess(gateRef(gate), accountRef(account))
      : await gateway.revokeAccess(gateRef(gate), accountRef(account));
  const key = { gateId_accountId: { gateId: gate.id, accountId: account.id } };
  if (!result.ok) {
    report.failed += 1;
    await ctx.prisma.gateMembership.upsert({
      where: key,
      create: {
        gateId: gate.id,
        accountId: account.id,
        state: action === "grant" ? "ABSENT" : "PRESENT",
        lastError: result.detail,
        syncedAt: ctx.clock.now(),
      },
      update: { lastError: result.detail, syncedAt: ctx.clock.now() },
    });
    ctx.log.warn({ gateId: gate.id, accountId: account.id, action, reason: result.reason }, "gate change refused");
    if (result.reason === "NOT_ALLOWED") {
      // One alert per gate and problem per hour, however many members it blocks.
      await alertStaffOncePerHour(ctx, gate.id, result.detail, {
        key: "staffGateProblem",
        params: { gate: gate.title, detail: result.detail },
      });
    }
    return;
  }
  const state: GateMemberState = action === "grant" ? "PRESENT" : "ABSENT";
  await ctx.prisma.gateMembership.upsert({
    where: key,
    create: { gateId: gate.id, accountId: account.id, state, syncedAt: ctx.clock.now() },
    // Out is out: someone kept by the creator's choice who is removed (or leaves) is not kept when they come back.
    update: { state, lastError: null, syncedAt: ctx.clock.now(), ...(state === "ABSENT" ? { kept: false } : {}) },
  });
  if (action === "grant") report.granted += 1;
  else report.revoked += 1;
  // An intruder is told how to get in properly, and the creator learns of it; an ordinary end of access is below.
  if (action === "revoke" && (await closeIntrusion(ctx, gate, account))) return;
  const notice: Notice =
    action === "grant"
      ? { key: "accessGranted" as const, params: { gate: gate.title, link: result.inviteLink ?? "" } }
      : { key: "accessRevoked" as const, params: { gate: gate.title } };
  // Repairing drift (we already had them recorded in that state) is silent: the member was told the first time.
  const change = action === "grant" ? recorded !== "PRESENT" : recorded === "PRESENT";
  if (change) await notifyMember(ctx, account.memberId, notice, { onlyAccountId: account.id });
}

/** Brings every gate on the member's platforms in line with the member's entitlements. */
export async function reconcileMember(ctx: CoreContext, memberId: number): Promise<ReconcileReport> {
  const report: ReconcileReport = { granted: 0, revoked: 0, failed: 0 };
  const accounts = await ctx.prisma.platformAccount.findMany({ where: { memberId } });
  if (accounts.length === 0) return report;
  const gates = await ctx.prisma.gate.findMany({
    where: { platform: { in: [...new Set(accounts.map((a) => a.platform))] }, awaitingChoice: false },
    include: { products: { select: { productId: true } } },
  });
  for (const gate of gates) {
    const entitled = (await membersEntitledTo(ctx, gate, [memberId])).has(memberId);
    for (const account of accounts.filter((a) => a.platform === gate.platform)) {
      const recorded = await ctx.prisma.gateMembership.findUnique({
        where: { gateId_accountId: { gateId: gate.id, accountId: account.id } },
      });
      const action = decideGateAction(entitled, recorded?.state ?? null, null);
      await applyAction(ctx, gate, account, action, report, recorded);
    }
  }
  return report;
}

/**
 * The sweep for one gate: everyone entitled is let in, everyone recorded inside who is not entitled is removed, and
 * the platform is asked about each of them so drift is repaired in both directions. Where the platform lists the
 * gate's occupants, each one not recorded inside is looked at first (an intruder is recorded and removed).
 */
export async function reconcileGate(ctx: CoreContext, gateId: number): Promise<ReconcileReport> {
  const report: ReconcileReport = { granted: 0, revoked: 0, failed: 0 };
  const gate = await ctx.prisma.gate.findUnique({
    where: { id: gateId },
    include: { products: { select: { productId: true } } },
  });
  const gateway = gate && ctx.gateways[gate.platform];
  if (!gate || !gateway || gate.awaitingChoice) return report;
  const occupants = gateway.listOccupants ? await gateway.listOccupants(gateRef(gate)) : null;
  if (occupants?.kind === "listed") {
    const inside = await ctx.prisma.gateMembership.findMany({
      where: { gateId, state: "PRESENT" },
      select: { account: { select: { externalId: true } } },
    });
    const recordedInside = new Set(inside.map((r) => r.account.externalId));
    for (const person of occupants.people) {
      if (recordedInside.has(person.externalId)) continue;
      const user = { ...person, platform: gate.platform };
      await noteOccupant(ctx, gate, { externalId: person.externalId, user, joined: true, syncAfter: false });
    }
  }
  const entitledMembers = await membersEntitledTo(ctx, gate);
  const recorded = await ctx.prisma.gateMembership.findMany({ where: { gateId } });
  const recordedByAccount = new Map(recorded.map((r) => [r.accountId, r]));
  const accounts = await ctx.prisma.platformAccount.findMany({
    where: {
      platform: gate.platform,
      OR: [{ memberId: { in: [...entitledMembers] } }, { id: { in: recorded.map((r) => r.accountId) } }],
    },
  });
  for (const account of accounts) {
    const actual = await gateway.isMember(gateRef(gate), accountRef(account));
    const row = recordedByAccount.get(account.id) ?? null;
    const action = decideGateAction(entitledMembers.has(account.memberId), row?.state ?? null, actual);
    await applyAction(ctx, gate, account, action, report, row);
  }
  return report;
}

/** The sweep for every gate. */
export async function reconcileAllGates(ctx: CoreContext): Promise<ReconcileReport> {
  const total: ReconcileReport = { granted: 0, revoked: 0, failed: 0 };
  for (const gate of await ctx.prisma.gate.findMany({ where: { awaitingChoice: false }, select: { id: true } })) {
    const r = await reconcileGate(ctx, gate.id);
    total.granted += r.granted;
    total.revoked += r.revoked;
    total.failed += r.failed;
  }
  return total;
}

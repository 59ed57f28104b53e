/**
 * The creator binds a paid place (a Telegram chat, a Discord role, a console channel) to products: members with an
 * active entitlement to any of them are let in, the rest are kept out. Staff only. Rebinding replaces the products.
 *
 * People already inside a place when it is first bound are the creator's choice, asked before anything changes: keep
 * them, or remove those without an entitlement. Where the platform lists who is inside (Discord), the question
 * counts those without an entitlement, and keeping them marks each one kept; where it only counts them (Telegram),
 * the choice applies to each person when the bot first sees them (joining later is never "already inside").
 */
import type { Platform } from "../../prisma/generated/enums.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { resolveMember } from "../identity/resolve-member.js";
import { requireStaff } from "../identity/roles.js";
import type { Occupant } from "../ports.js";
import { type GateRow, gateRef, membersEntitledTo, TEAM_ROLES } from "./gate-intruders.js";
import { type ReconcileReport, reconcileGate } from "./reconcile-gates.js";

/** What the creator chose for people already inside a place without an entitlement. */
export type ExistingChoice = "keep" | "remove";

/** Who is inside a place without an entitlement, as far as the platform lets us know. */
export type PeopleInside =
  /** The platform listed them: these have no entitlement (its administrators and the creator's team left out). */
  | { listed: true; withoutAccess: Occupant[] }
  /** The platform only counts them (Telegram): `count` people besides its administrators; null if it could not. */
  | { listed: false; count: number | null };

export type BindGateResult =
  | {
      kind: "bound";
      gateId: number;
      report: ReconcileReport;
      choice: ExistingChoice | null;
      /** How many people the choice kept; null where the platform cannot list them (each is kept when seen). */
      kept: number | null;
    }
  /** Nothing changed yet: the creator must choose what to do with the people inside (`chooseForPeopleInside`). */
  | { kind: "ask"; gateId: number; inside: PeopleInside };

/** Which place, bound to which products, by whom; `choice` answers the question about people already inside. */
export interface BindGateOptions {
  staffMemberId: number;
  platform: Platform;
  externalId: string;
  title?: string;
  guildId?: string | null;
  productIds: number[];
  choice?: ExistingChoice;
}

/**
 * Binds the place to the products. A place bound for the first time where someone may already be inside without an
 * entitlement is saved awaiting the creator's choice (`ask`), unless `choice` is given.
 *
 * @example const result = await bindGate(ctx, { staffMemberId, platform: "TELEGRAM", externalId: "-100123", productIds: [1] })
 */
export async function bindGate(ctx: CoreContext, options: BindGateOptions): Promise<BindGateResult> {
  await requireStaff(ctx, options.staffMemberId);
  const products = await ctx.prisma.product.findMany({
    where: { id: { in: options.productIds } },
    select: { id: true },
  });
  const missing = options.productIds.find((id) => !products.some((p) => p.id === id));
  if (missing !== undefined || options.productIds.length === 0)
    throw new AppError("PRODUCT_NOT_FOUND", { id: missing ?? "" });
  const gate = await ctx.prisma.$transaction(async (tx) => {
    const saved = await tx.gate.upsert({
      where: { platform_externalId: { platform: options.platform, externalId: options.externalId } },
      // Born awaiting the choice; it is lifted below at once when nobody can be inside without access.
      create: {
        platform: options.platform,
        externalId: options.externalId,
        title: options.title ?? options.externalId,
        guildId: options.guildId ?? null,
        awaitingChoice: true,
      },
      update: options.title ? { title: options.title } : {},
    });
    await tx.gateProduct.deleteMany({ where: { gateId: saved.id } });
    await tx.gateProduct.createMany({ data: options.productIds.map((productId) => ({ gateId: saved.id, productId })) });
    return saved;
  });
  if (options.choice) return applyChoice(ctx, gate.id, options.choice);
  if (gate.awaitingChoice) {
    const inside = await peopleInside(ctx, gate.id);
    const nobody = inside === null || (inside.listed ? inside.withoutAccess.length === 0 : inside.count === 0);
    if (!nobody) return { kind: "ask", gateId: gate.id, inside };
    await ctx.prisma.gate.update({ where: { id: gate.id }, data: { awaitingChoice: false } });
  }
  return { kind: "bound", gateId: gate.id, report: await reconcileGate(ctx, gate.id), choice: null, kept: null };
}

/**
 * The creator's answer to the question `/gate` asked (or a change of mind later): keep the people inside without an
 * entitlement, or remove them. Either way the gate then works as usual; anyone who gets in later without access is
 * removed.
 *
 * @example await chooseForPeopleInside(ctx, { staffMemberId, platform: "DISCORD", externalId: roleId, choice: "keep" })
 */
export async function chooseForPeopleInside(
  ctx: CoreContext,
  options: { staffMemberId: number; platform: Platform; externalId: string; choice: ExistingChoice },
): Promise<BindGateResult> {
  await requireStaff(ctx, options.staffMemberId);
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.externalId } },
  });
  if (!gate) throw new AppError("NOT_FOUND", {});
  return applyChoice(ctx, gate.id, options.choice);
}

async function applyChoice(ctx: CoreContext, gateId: number, choice: ExistingChoice): Promise<BindGateResult> {
  const gate = await loadGate(ctx, gateId);
  let kept: number | null = null;
  if (choice === "keep") {
    const inside = await peopleInside(ctx, gateId);
    if (inside?.listed) {
      for (const person of inside.withoutAccess) await keep(ctx, gate, person);
      kept = inside.withoutAccess.length;
    }
  } else {
    await ctx.prisma.gateMembership.updateMany({ where: { gateId, kept: true }, data: { kept: false } });
  }
  await ctx.prisma.gate.update({
    where: { id: gateId },
    data: { awaitingChoice: false, keepExisting: choice === "keep" },
  });
  return { kind: "bound", gateId, report: await reconcileGate(ctx, gateId), choice, kept };
}

/** Marks someone inside as kept, creating their account if the bot never met them. */
async function keep(ctx: CoreContext, gate: GateRow, person: Occupant): Promise<void> {
  const known = await ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: gate.platform, externalId: person.externalId } },
  });
  const account = known ?? (await resolveMember(ctx, { ...person, platform: gate.platform })).account;
  const kept = { state: "PRESENT" as const, kept: true, syncedAt: ctx.clock.now() };
  await ctx.prisma.gateMembership.upsert({
    where: { gateId_accountId: { gateId: gate.id, accountId: account.id } },
    create: { gateId: gate.id, accountId: account.id, ...kept },
    update: kept,
  });
}

async function loadGate(ctx: CoreContext, gateId: number): Promise<GateRow> {
  return ctx.prisma.gate.findUniqueOrThrow({
    where: { id: gateId },
    include: { products: { select: { productId: true } } },
  });
}

/**
 * Who is inside the gate without an entitlement, as the platform tells it; null when it tells nothing (the console),
 * so there is nobody to ask about.
 */
async function peopleInside(ctx: CoreContext, gateId: number): Promise<PeopleInside | null> {
  const gate = await loadGate(ctx, gateId);
  const gateway = ctx.gateways[gate.platform];
  if (!gateway?.listOccupants) return null;
  const occupants = await gateway.listOccupants(gateRef(gate));
  if (!occupants) return { listed: false, count: null };
  if (occupants.kind === "counted") return { listed: false, count: occupants.count };
  const accounts = await ctx.prisma.platformAccount.findMany({
    where: { platform: gate.platform, externalId: { in: occupants.people.map((p) => p.externalId) } },
    select: { externalId: true, memberId: true, member: { select: { role: true } } },
  });
  const byId = new Map(accounts.map((a) => [a.externalId, a]));
  const entitled = await membersEntitledTo(
    ctx,
    gate,
    accounts.map((a) => a.memberId),
  );
  const withoutAccess = occupants.people.filter((person) => {
    const account = byId.get(person.externalId);
    return !account || (!entitled.has(account.memberId) && !TEAM_ROLES.includes(account.member.role));
  });
  return { listed: true, withoutAccess };
}

/** Every gate with its products, who is inside, and how many people without access it removed (the latest one). */
export async function listGates(ctx: CoreContext) {
  return ctx.prisma.gate.findMany({
    include: {
      products: { include: { product: true } },
      members: { where: { state: "PRESENT" } },
      intrusions: {
        where: { removedAt: { not: null } },
        orderBy: { id: "desc" },
        take: 1,
        include: { account: { select: { username: true, member: { select: { displayName: true } } } } },
      },
      _count: { select: { intrusions: { where: { removedAt: { not: null } } } } },
    },
    orderBy: { id: "asc" },
  });
}

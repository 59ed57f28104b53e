/**
 * When an entitlement opens access. Pure rules, shared by queries (`activeEntitlementWhere`, and
 * `activeEntitlementSql` for the lean statements of the hot path) and code (`isEntitlementActive`) so they can never
 * disagree.
 */
import type { Prisma } from "../../prisma/generated/client.js";

export interface EntitlementWindow {
  startsAt: Date;
  endsAt: Date | null;
  graceUntil: Date | null;
  revokedAt: Date | null;
}

export function isEntitlementActive(e: EntitlementWindow, now: Date): boolean {
  if (e.revokedAt) return false;
  if (e.startsAt > now) return false;
  if (e.endsAt === null) return true;
  if (e.endsAt > now) return true;
  return e.graceUntil !== null && e.graceUntil > now;
}

/**
 * The same rule as SQL, for statements sent straight to the driver (ctx.sql): `alias` names the Entitlement row and
 * `now` the parameter holding the moment as ISO text (stored times are UTC without a zone; the cast drops the "Z").
 *
 * @example `SELECT … FROM "Entitlement" e WHERE e."memberId" = $1 AND ${activeEntitlementSql("e", "$2")}`
 */
export function activeEntitlementSql(alias: string, now: string): string {
  const at = `${now}::timestamp`;
  return `${alias}."revokedAt" IS NULL AND ${alias}."startsAt" <= ${at}
    AND (${alias}."endsAt" IS NULL OR ${alias}."endsAt" > ${at} OR ${alias}."graceUntil" > ${at})`;
}

export function activeEntitlementWhere(now: Date): Prisma.EntitlementWhereInput {
  return {
    revokedAt: null,
    startsAt: { lte: now },
    OR: [{ endsAt: null }, { endsAt: { gt: now } }, { graceUntil: { gt: now } }],
  };
}

/**
 * Access the member has bought or was given, active now: a free trial is left out, because buying during a trial is
 * how it converts (a purchase is refused only to an owner).
 */
export function ownedEntitlementWhere(now: Date): Prisma.EntitlementWhereInput {
  return { ...activeEntitlementWhere(now), source: { not: "TRIAL" } };
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

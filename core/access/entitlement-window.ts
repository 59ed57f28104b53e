/**
 * When an entitlement opens access. Pure rules, shared by queries (`activeEntitlementWhere`) and code
 * (`isEntitlementActive`) so the two can never disagree.
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

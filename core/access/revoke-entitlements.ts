/**
 * Ends entitlements now, with a reason, and asks for the gates to follow. Only entitlements not yet revoked change,
 * so calling it twice revokes once.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { RevokeReason } from "../../prisma/generated/enums.js";
import type { Transaction } from "../context.js";
import { addToOutbox } from "./outbox.js";

export async function revokeEntitlements(
  tx: Transaction,
  where: Prisma.EntitlementWhereInput,
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  const targets = await tx.entitlement.findMany({
    where: { ...where, revokedAt: null },
    select: { id: true, memberId: true },
  });
  if (targets.length === 0) return 0;
  const result = await tx.entitlement.updateMany({
    where: { id: { in: targets.map((t) => t.id) }, revokedAt: null },
    data: { revokedAt: now, revokeReason: reason },
  });
  for (const memberId of new Set(targets.map((t) => t.memberId))) {
    await addToOutbox(tx, { kind: "access.sync", memberId });
  }
  return result.count;
}

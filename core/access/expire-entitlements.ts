/**
 * The expiry sweep: entitlements whose end (and grace period) has passed are revoked, and their gates follow.
 * Idempotent: a second run, or two workers at once, revoke each entitlement once (the update is conditional).
 */

import type { CoreContext } from "../context.js";
import { kickOutbox } from "./outbox.js";
import { revokeEntitlements } from "./revoke-entitlements.js";

export async function expireEntitlements(ctx: CoreContext): Promise<number> {
  const now = ctx.clock.now();
  const lapsed = { endsAt: { lte: now }, OR: [{ graceUntil: null }, { graceUntil: { lte: now } }] };
  const count = await ctx.prisma.$transaction(async (tx) => {
    // A lapsed grace period means the renewal never came through.
    const unpaid = await revokeEntitlements(tx, { ...lapsed, graceUntil: { lte: now } }, "PAYMENT_FAILED", now);
    const ended = await revokeEntitlements(tx, lapsed, "EXPIRED", now);
    return unpaid + ended;
  });
  if (count) await kickOutbox(ctx);
  return count;
}

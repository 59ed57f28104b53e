/**
 * The creator opens or closes a product for a member by hand (a gift, a partner, a mistake). Staff only.
 */

import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { activeEntitlementWhere, addDays } from "./entitlement-window.js";
import { grantEntitlements } from "./grant-entitlements.js";
import { kickOutbox } from "./outbox.js";
import { revokeEntitlements } from "./revoke-entitlements.js";

export async function grantAccess(
  ctx: CoreContext,
  options: { staffMemberId: number; memberId: number; productId: number; days?: number },
): Promise<void> {
  await requireStaff(ctx, options.staffMemberId);
  const now = ctx.clock.now();
  await ctx.prisma.$transaction(async (tx) => {
    const product = await tx.product.findUnique({ where: { id: options.productId } });
    if (!product) throw new AppError("PRODUCT_NOT_FOUND", { id: options.productId });
    const member = await tx.member.findUnique({ where: { id: options.memberId } });
    if (!member) throw new AppError("MEMBER_NOT_FOUND", { id: options.memberId });
    await grantEntitlements(tx, {
      memberId: member.id,
      productId: product.id,
      source: "GRANT",
      startsAt: now,
      endsAt: options.days ? addDays(now, options.days) : null,
      grantedById: options.staffMemberId,
    });
  });
  await kickOutbox(ctx);
}

export async function revokeAccess(
  ctx: CoreContext,
  options: { staffMemberId: number; memberId: number; productId: number },
): Promise<number> {
  await requireStaff(ctx, options.staffMemberId);
  const now = ctx.clock.now();
  const count = await ctx.prisma.$transaction((tx) =>
    revokeEntitlements(
      tx,
      { memberId: options.memberId, productId: options.productId, ...activeEntitlementWhere(now) },
      "MANUAL",
      now,
    ),
  );
  await kickOutbox(ctx);
  return count;
}

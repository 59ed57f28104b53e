/**
 * Whether a member holds a product now: an active entitlement to it, or to a bundle that contains it. The one
 * definition the learning area (lessons, live sessions) and the sender's last-moment check share, so "owner" means
 * the same thing when a reminder is queued, when it is sent and when the member presses Join.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";
import { activeEntitlementWhere } from "./entitlement-window.js";

/**
 * Entitlements that open `productId` at `now` (its own, or a bundle's that holds it).
 *
 * @example prisma.entitlement.findMany({ where: { memberId, ...holdsProductWhere(live.id, now) } })
 */
export function holdsProductWhere(productId: number, now: Date): Prisma.EntitlementWhereInput {
  return {
    AND: [activeEntitlementWhere(now), { OR: [{ productId }, { product: { bundleItems: { some: { productId } } } }] }],
  };
}

/**
 * @example if (!(await holdsProduct(ctx, { memberId, productId }))) return refusal
 */
export async function holdsProduct(
  ctx: CoreContext,
  options: { memberId: number; productId: number; now?: Date },
): Promise<boolean> {
  const now = options.now ?? ctx.clock.now();
  const found = await ctx.prisma.entitlement.findFirst({
    where: { memberId: options.memberId, ...holdsProductWhere(options.productId, now) },
    select: { id: true },
  });
  return found !== null;
}

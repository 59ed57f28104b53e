/**
 * A member did what an experiment measures (bought, clicked, came back): the conversion counts when the member was
 * exposed before it, and only the first time. One conditional UPDATE decides both, so two simultaneous conversions
 * count once.
 */
import type { CoreContext, Transaction } from "../context.js";
import { priceExperimentKeys } from "./experiment-keys.js";

/**
 * Records a conversion in the active experiment `key`; true when it counted (exposed earlier, not converted yet).
 *
 * @example await recordConversion(ctx, { key: "msg:welcome", memberId })
 */
export async function recordConversion(
  ctx: CoreContext,
  options: { key: string; memberId: number; at?: Date },
): Promise<boolean> {
  const at = options.at ?? ctx.clock.now();
  const updated = await ctx.prisma.experimentAssignment.updateMany({
    where: {
      memberId: options.memberId,
      convertedAt: null,
      assignedAt: { lte: at },
      experiment: { key: options.key, active: true },
    },
    data: { convertedAt: at },
  });
  return updated.count > 0;
}

/**
 * A paid order of a product converts the member in the product's running price test, inside the payment's own
 * transaction (core/commerce/mark-order-paid.ts), so every payment path — Stripe, Stars, manual, free — counts alike.
 */
export async function recordPurchaseConversion(
  tx: Transaction,
  options: { productId: number; memberId: number; at: Date },
): Promise<boolean> {
  const keys = priceExperimentKeys(options.productId);
  const updated = await tx.experimentAssignment.updateMany({
    where: {
      memberId: options.memberId,
      convertedAt: null,
      assignedAt: { lte: options.at },
      experiment: { active: true, OR: [{ key: keys.first }, { key: { startsWith: keys.laterPrefix } }] },
    },
    data: { convertedAt: options.at },
  });
  return updated.count > 0;
}

/**
 * Win-back: a day after access to a product ended (expired, or a renewal that never came through), one message with a
 * one-tap way back, to members who have not opted out of offers and have not bought it again. Once per ended
 * entitlement (unique dedupe key); ends older than `withinDays` are left alone, so a first run does not write to
 * everyone who ever left.
 */
import { activeEntitlementWhere, addDays } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import type { DeliveryPayload } from "./delivery-payload.js";
import { queueDeliveries } from "./send-deliveries.js";

export async function sendWinBacks(
  ctx: CoreContext,
  options: { afterDays?: number; withinDays?: number } = {},
): Promise<number> {
  const now = ctx.clock.now();
  const ended = await ctx.prisma.entitlement.findMany({
    where: {
      revokeReason: { in: ["EXPIRED", "PAYMENT_FAILED"] },
      revokedAt: { lte: addDays(now, -(options.afterDays ?? 1)), gt: addDays(now, -(options.withinDays ?? 14)) },
      member: { erasedAt: null, marketingOptOut: false },
    },
    include: {
      product: { select: { id: true, titleEn: true, titleZh: true } },
      member: { select: { accounts: { where: { unreachableSince: null }, orderBy: { id: "asc" } } } },
    },
  });
  const rows = [];
  for (const entitlement of ended) {
    const account = entitlement.member.accounts.find((a) => ctx.gateways[a.platform]);
    if (!account) continue;
    const again = await ctx.prisma.entitlement.count({
      where: { memberId: entitlement.memberId, productId: entitlement.productId, ...activeEntitlementWhere(now) },
    });
    if (again) continue;
    const params = { title: entitlement.product.titleEn, titleZh: entitlement.product.titleZh };
    // A trial that ended unpaid is offered the purchase itself (its page may show a trial no longer open to them).
    const payload: DeliveryPayload =
      entitlement.source === "TRIAL"
        ? {
            type: "message",
            key: "trialEnded",
            params,
            buttons: [{ key: "buttonKeepAccess", action: `buy ${entitlement.product.id}` }],
          }
        : {
            type: "message",
            key: "winBack",
            params,
            buttons: [{ key: "buttonComeBack", action: `course ${entitlement.product.id}` }],
          };
    rows.push({
      kind: "WIN_BACK" as const,
      memberId: entitlement.memberId,
      accountId: account.id,
      dedupeKey: `win-back:${entitlement.id}`,
      payload,
      notBefore: now,
      platform: account.platform,
    });
  }
  return queueDeliveries(ctx, rows);
}

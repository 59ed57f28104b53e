/**
 * Reminders before access ends or renews: one per entitlement and end date (the dedupe key holds both, so an
 * extended entitlement is reminded again before its new end, and a sweep run twice, or by two workers at once,
 * writes one row). A member whose access ends gets a one-tap Renew button; a subscription that renews by itself is
 * only announced. Sent by the platform's sender, so quiet hours and pacing apply.
 */
import { addDays } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import type { DeliveryPayload } from "./delivery-payload.js";
import { queueDeliveries } from "./send-deliveries.js";

export async function remindRenewals(ctx: CoreContext, options: { daysBefore: number }): Promise<number> {
  const now = ctx.clock.now();
  const ending = await ctx.prisma.entitlement.findMany({
    where: {
      revokedAt: null,
      startsAt: { lte: now },
      endsAt: { gt: now, lte: addDays(now, options.daysBefore) },
      member: { erasedAt: null },
    },
    include: {
      product: { select: { id: true, titleEn: true, titleZh: true } },
      subscription: { select: { status: true, cancelAtPeriodEnd: true } },
      member: { select: { accounts: { where: { unreachableSince: null }, orderBy: { id: "asc" } } } },
    },
  });
  const rows = [];
  for (const entitlement of ending) {
    const account = entitlement.member.accounts.find((a) => ctx.gateways[a.platform]);
    if (!account || !entitlement.endsAt) continue;
    const sub = entitlement.subscription;
    const renews = sub !== null && (sub.status === "ACTIVE" || sub.status === "TRIALING") && !sub.cancelAtPeriodEnd;
    const params = {
      title: entitlement.product.titleEn,
      titleZh: entitlement.product.titleZh,
      date: entitlement.endsAt.toISOString(),
    };
    // A free trial (Stars or manual offers) is told it ends, with Buy: there is nothing to renew yet.
    const payload: DeliveryPayload = renews
      ? { type: "message", key: "reminderRenews", params }
      : entitlement.source === "TRIAL"
        ? {
            type: "message",
            key: "reminderTrialEnds",
            params,
            buttons: [{ key: "buttonKeepAccess", action: `buy ${entitlement.product.id}` }],
          }
        : {
            type: "message",
            key: "reminderEnds",
            params,
            buttons: [{ key: "buttonRenew", action: `buy ${entitlement.product.id}` }],
          };
    rows.push({
      kind: "REMINDER" as const,
      memberId: entitlement.memberId,
      accountId: account.id,
      dedupeKey: `reminder:${entitlement.id}:${entitlement.endsAt.toISOString()}`,
      payload,
      notBefore: now,
      platform: account.platform,
    });
  }
  return queueDeliveries(ctx, rows);
}

/**
 * Telegram asks, before taking the Stars, whether the order can still be paid (answer within 10 seconds). Checked
 * against the database, never against what the invoice says: the order must exist, belong to the payer, be pending,
 * and cost exactly what Telegram is about to charge.
 */
import { activeEntitlementWhere } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import { messages } from "../i18n/index.js";
import { localeFromLanguageCode, type PlatformUser } from "../identity/resolve-member.js";
import { orderIdFromPayload } from "./stars-payload.js";

export type StarsCheckoutAnswer = { ok: true } | { ok: false; message: string };

export async function checkStarsCheckout(
  ctx: CoreContext,
  options: { payload: string; user: PlatformUser; currency: string; totalAmount: number },
): Promise<StarsCheckoutAnswer> {
  const account = await ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: options.user.platform, externalId: options.user.externalId } },
    include: { member: true },
  });
  const m = messages(account?.member.locale ?? localeFromLanguageCode(options.user.languageCode));
  const orderId = orderIdFromPayload(options.payload);
  const order = orderId ? await ctx.prisma.order.findUnique({ where: { id: orderId } }) : null;
  if (!order || !account || order.memberId !== account.memberId) {
    return { ok: false, message: m.errors.ORDER_NOT_FOUND({ id: orderId ?? "?" }) };
  }
  const payable =
    order.status === "PENDING" &&
    order.currency === "xtr" &&
    options.currency.toUpperCase() === "XTR" &&
    order.amount === options.totalAmount;
  if (!payable) return { ok: false, message: m.errors.NOT_PAYABLE({ id: order.id }) };
  const owned = await ctx.prisma.entitlement.findFirst({
    where: { memberId: order.memberId, productId: order.productId, ...activeEntitlementWhere(ctx.clock.now()) },
  });
  if (owned) return { ok: false, message: m.errors.ALREADY_OWNED({ id: order.productId }) };
  return { ok: true };
}

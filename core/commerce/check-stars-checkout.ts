/**
 * Telegram asks, before taking the Stars, whether the order can still be paid, and fails the payment unless it is
 * answered within 10 seconds. Checked against the database, never against what the invoice says: the order must
 * exist, belong to the payer, be pending, and cost exactly what Telegram is about to charge. When the database is
 * too slow to answer in time, the answer comes from the fast path (an invoice this process issued to this payer for
 * this amount may be paid); the payment is checked again and recorded when it arrives (recordStarsPayment).
 */
import { ownedEntitlementWhere } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";
import { messages } from "../i18n/index.js";
import { localeFromLanguageCode, type PlatformUser } from "../identity/resolve-member.js";
import { wasStarsInvoiceIssued } from "./issued-stars-invoices.js";
import { orderIdFromPayload } from "./stars-payload.js";

export type StarsCheckoutAnswer = { ok: true } | { ok: false; message: string };

/** How long the database may take before the fast path answers (Telegram's limit is 10 s, the network needs some). */
export const STARS_CHECKOUT_DEADLINE_MS = 6_000;

export interface StarsCheckoutQuery {
  payload: string;
  user: PlatformUser;
  currency: string;
  totalAmount: number;
}

/** @example const answer = await checkStarsCheckout(ctx, { payload, user, currency: "XTR", totalAmount: 2500 }) */
export async function checkStarsCheckout(
  ctx: CoreContext,
  options: StarsCheckoutQuery,
  deadlineMs = STARS_CHECKOUT_DEADLINE_MS,
): Promise<StarsCheckoutAnswer> {
  const checked = checkAgainstDatabase(ctx, options);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadlineMs);
  });
  try {
    const first = await Promise.race([checked, late]);
    if (first !== "late") return first;
  } finally {
    clearTimeout(timer);
  }
  checked.catch(() => undefined); // still running; its answer comes too late to matter
  const orderId = orderIdFromPayload(options.payload);
  const issued =
    orderId !== null &&
    options.currency.toUpperCase() === "XTR" &&
    wasStarsInvoiceIssued(orderId, options.user.externalId, options.totalAmount);
  ctx.log.warn({ orderId, issued, deadlineMs }, "pre-checkout answered from the fast path: the database is slow");
  if (issued) return { ok: true };
  const m = messages(localeFromLanguageCode(options.user.languageCode));
  return { ok: false, message: m.starsBusy };
}

async function checkAgainstDatabase(ctx: CoreContext, options: StarsCheckoutQuery): Promise<StarsCheckoutAnswer> {
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
    where: { memberId: order.memberId, productId: order.productId, ...ownedEntitlementWhere(ctx.clock.now()) },
  });
  if (owned) return { ok: false, message: m.errors.ALREADY_OWNED({ id: order.productId }) };
  return { ok: true };
}

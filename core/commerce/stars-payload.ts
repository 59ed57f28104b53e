/**
 * The invoice payload names our order. It comes back from Telegram, but is still checked against the database
 * (order, payer, amount) before anything is granted.
 */
const PREFIX = "lyceum:order:";

export function starsPayload(orderId: number): string {
  return `${PREFIX}${orderId}`;
}

export function orderIdFromPayload(payload: string): number | null {
  if (!payload.startsWith(PREFIX)) return null;
  const id = payload.slice(PREFIX.length);
  return /^\d{1,9}$/.test(id) ? Number(id) : null;
}

/** Telegram Stars subscriptions renew every 30 days. */
export const STARS_SUBSCRIPTION_PERIOD_SECONDS = 2_592_000;

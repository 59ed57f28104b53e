/**
 * The sender's last look before a personal message goes out: some messages are only right at the moment they are
 * sent, not when they were queued. A live-session reminder held back by quiet hours until after the session is
 * dropped (`expiresAt`); a notice about something the member bought is dropped when they no longer hold it (a
 * refund, an expiry or a revoke since it was queued: `ownersOf`); an offer or a recommendation is dropped when the
 * member opted out of offers since (`marketing`). Broadcasts and other payloads pass untouched,
 * without a query.
 */
import { holdsProductWhere } from "../access/holds-product.js";
import type { CoreContext } from "../context.js";
import type { DeliveryPayload } from "./delivery-payload.js";

/** lastError of a row dropped because its moment passed. */
export const EXPIRED_NOTICE = "expired before it could be sent";
/** lastError of a row dropped because the member no longer holds what it is about. */
export const NO_LONGER_ENTITLED = "the member no longer holds the product";
/** lastError of an offer or recommendation dropped because the member opted out of them since it was queued. */
export const OPTED_OUT = "the member opted out of offers";

/**
 * Null when the message should go out now; else why it is dropped (stored as the row's lastError, status SKIPPED).
 *
 * @example const why = await whyNotWanted(ctx, { accountId, payload, now }); if (why) skip(why)
 */
export async function whyNotWanted(
  ctx: CoreContext,
  options: { accountId: number; payload: DeliveryPayload; now: Date },
): Promise<string | null> {
  const { payload, now } = options;
  if (payload.type !== "message") return null;
  if (payload.expiresAt && new Date(payload.expiresAt) <= now) return EXPIRED_NOTICE;
  if (payload.marketing) {
    const optedOut = await ctx.prisma.member.findFirst({
      where: { accounts: { some: { id: options.accountId } }, marketingOptOut: true },
      select: { id: true },
    });
    if (optedOut) return OPTED_OUT;
  }
  if (payload.ownersOf) {
    const held = await ctx.prisma.entitlement.findFirst({
      where: {
        member: { accounts: { some: { id: options.accountId } } },
        ...holdsProductWhere(payload.ownersOf, now),
      },
      select: { id: true },
    });
    if (!held) return NO_LONGER_ENTITLED;
  }
  return null;
}

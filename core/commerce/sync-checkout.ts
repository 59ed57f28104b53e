/**
 * Reads one checkout's current state from the payment provider and applies it to its order (see
 * apply-checkout-state.ts). The read happens before the transaction (a network call never holds a database
 * transaction open); the transaction locks the order, so related deliveries are applied one after the other, and a
 * serialization failure or deadlock is retried by the database layer rather than answered with a 5xx.
 */
import type { CoreContext, Transaction } from "../context.js";
import type { PaymentProvider } from "../ports.js";
import { type ApplyCheckoutResult, applyCheckoutState } from "./apply-checkout-state.js";

export type SyncCheckoutResult = ApplyCheckoutResult | { outcome: "duplicate" };

export interface SyncCheckoutOptions {
  checkoutRef: string;
  /** Payments to read besides the checkout's first and latest (a refunded or disputed renewal). */
  paymentRefs?: string[];
  /** A webhook's event id: stored in the same transaction as the effect, so a repeat changes nothing. */
  event?: { eventId: string; type: string };
}

/** @example await syncCheckout(ctx, stripe, { checkoutRef: "cs_…" }) */
export async function syncCheckout(
  ctx: CoreContext,
  provider: PaymentProvider,
  options: SyncCheckoutOptions,
): Promise<SyncCheckoutResult> {
  const state = await provider.fetchCheckout(options.checkoutRef, { paymentRefs: options.paymentRefs });
  // The database layer runs the transaction again if a concurrent one made it fail (prisma/transaction-retry.ts).
  return ctx.prisma.$transaction(
    async (tx): Promise<SyncCheckoutResult> => {
      if (options.event && !(await recordEvent(tx, provider, options.event))) return { outcome: "duplicate" };
      return applyCheckoutState(ctx, tx, provider.kind, state);
    },
    { timeout: 30_000 },
  );
}

/**
 * Stores a provider event's id; false when it was stored before (a repeated delivery). `ON CONFLICT DO NOTHING`
 * rather than catching the unique violation, which would abort the transaction.
 */
export async function recordEvent(
  tx: Transaction,
  provider: PaymentProvider,
  event: { eventId: string; type: string },
): Promise<boolean> {
  const created = await tx.paymentEvent.createMany({
    data: [{ provider: provider.kind, eventId: event.eventId, type: event.type }],
    skipDuplicates: true,
  });
  return created.count === 1;
}

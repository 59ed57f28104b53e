/**
 * Reads one checkout's current state from the payment provider and applies it to its order (see
 * apply-checkout-state.ts). The read happens before the transaction (a network call never holds a database
 * transaction open); the transaction locks the order, so related deliveries are applied one after the other, and a
 * serialization failure or deadlock is retried here rather than answered with a 5xx.
 */
import { Prisma } from "../../prisma/generated/client.js";
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
  return inRetriedTransaction(ctx, async (tx) => {
    if (options.event && !(await recordEvent(tx, provider, options.event))) return { outcome: "duplicate" as const };
    return applyCheckoutState(ctx, tx, provider.kind, state);
  });
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

const RETRIES = 4;

/** Runs a transaction again when the database gave up on it because of a concurrent one (40001, 40P01, P2034). */
export async function inRetriedTransaction<T>(ctx: CoreContext, work: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.prisma.$transaction(work, { timeout: 30_000 });
    } catch (error) {
      if (attempt >= RETRIES || !isConcurrencyFailure(error)) throw error;
      ctx.log.warn({ attempt, err: error instanceof Error ? error.message : String(error) }, "transaction retried");
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
    }
  }
}

function isConcurrencyFailure(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    // P2034: write conflict or deadlock; P2002: a row another transaction inserted first (the retry finds it).
    if (error.code === "P2034" || error.code === "P2002") return true;
  }
  const text = error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error);
  return /40001|40P01|deadlock detected|could not serialize/i.test(text);
}

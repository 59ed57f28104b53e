/**
 * Applies a verified provider event (a Stripe webhook). An event is only a hint of which checkout changed: the
 * handler follows the provider's own links to that checkout, reads its current state, and applies it (see
 * sync-checkout.ts). So a refund or dispute that outruns its payment, a deletion that outruns the checkout, or two
 * related events at the same instant all end in the state the provider is in, and the event id is stored in the same
 * transaction as the effect, so a repeated delivery changes nothing.
 *
 * Outcomes: `retry-later` when the provider could not be read (the endpoint answers 503 and the provider delivers
 * again; the reconciler heals it too), never "lost and acknowledged".
 */
import { kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { type PaymentEvent, type PaymentProvider, ProviderUnavailableError } from "../ports.js";
import { recordEvent, syncCheckout } from "./sync-checkout.js";

export type HandleEventResult = {
  outcome: "applied" | "duplicate" | "ignored" | "foreign" | "retry-later";
};

export async function handlePaymentEvent(
  ctx: CoreContext,
  provider: PaymentProvider,
  event: PaymentEvent,
): Promise<HandleEventResult> {
  // Most repeats are caught here, before any provider call or transaction; the insert below catches the rest.
  const eventKey = { provider_eventId: { provider: provider.kind, eventId: event.eventId } };
  if (await ctx.prisma.paymentEvent.findUnique({ where: eventKey })) return { outcome: "duplicate" };
  const stored = { eventId: event.eventId, type: event.type };
  try {
    const located = event.type === "ignored" ? null : await provider.locateCheckout(event);
    if (!located) {
      const fresh = await ctx.prisma.$transaction((tx) => recordEvent(tx, provider, stored));
      return { outcome: fresh ? "ignored" : "duplicate" };
    }
    const result = await syncCheckout(ctx, provider, {
      checkoutRef: located.checkoutRef,
      paymentRefs: located.paymentRef ? [located.paymentRef] : [],
      event: stored,
    });
    // Only a delivery that changed something wrote outbox items; a repeat has nothing for the drain.
    if (result.outcome === "applied" || result.outcome === "foreign") await kickOutbox(ctx);
    switch (result.outcome) {
      case "applied":
      case "duplicate":
      case "foreign":
        return { outcome: result.outcome };
      case "not-ours":
        return { outcome: "ignored" };
    }
  } catch (error) {
    if (error instanceof ProviderUnavailableError) {
      ctx.log.warn({ eventId: event.eventId, err: error.message }, "provider unavailable; the event will come again");
      return { outcome: "retry-later" };
    }
    throw error;
  }
}

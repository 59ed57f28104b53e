/**
 * The payment reconciler: compares our orders with the provider's objects and repairs every difference, without any
 * webhook. It reads the provider's list APIs (checkouts, invoices, refunds and disputes created in the window, every
 * page) and adds what only we know is still moving (live subscriptions, open disputes, pending orders), then applies
 * each checkout's current state exactly as a webhook would. A webhook outage of hours is healed by the next run.
 *
 * Runs on a schedule (the `payments.reconcile` job) and on demand (`/reconcile`).
 */
import { addDays } from "../access/entitlement-window.js";
import { kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { ProviderUnavailableError } from "../ports.js";
import type { CheckoutChange } from "./apply-checkout-state.js";
import { syncCheckout } from "./sync-checkout.js";

export interface ReconcileReport {
  /** Checkouts read from the provider. */
  checked: number;
  /** Orders whose records or access changed, with what changed. */
  repaired: { orderId: number; changes: CheckoutChange[] }[];
  /** Checkouts that pointed at an order they were not made for (recorded apart). */
  foreign: number;
  /** Checkouts the provider did not answer for; the next run tries again. */
  failed: number;
}

/** @example const report = await reconcilePayments(ctx, { days: 3 }) */
export async function reconcilePayments(ctx: CoreContext, options: { days?: number } = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, repaired: [], foreign: 0, failed: 0 };
  const provider = ctx.payments.stripe;
  if (!provider) return report;
  const since = addDays(ctx.clock.now(), -(options.days ?? ctx.config.reconcileDays));

  const work = await provider.listActivity(since);
  const moving = await ctx.prisma.order.findMany({
    where: {
      provider: provider.kind,
      checkoutRef: { not: null },
      OR: [
        { status: "PENDING", createdAt: { gte: since } },
        { subscription: { status: { not: "CANCELED" } } },
        { payments: { some: { disputeStatus: "OPEN" } } },
      ],
    },
    select: { checkoutRef: true },
  });
  for (const { checkoutRef } of moving) if (checkoutRef && !work.has(checkoutRef)) work.set(checkoutRef, []);

  for (const [checkoutRef, paymentRefs] of work) {
    try {
      const result = await syncCheckout(ctx, provider, { checkoutRef, paymentRefs });
      report.checked++;
      if (result.outcome === "applied" && result.changes.length > 0) {
        report.repaired.push({ orderId: result.orderId, changes: result.changes });
      } else if (result.outcome === "foreign" && result.recorded) report.foreign++;
    } catch (error) {
      // One checkout that cannot be read or applied must not stop the others; it is counted and tried next run.
      report.failed++;
      if (!(error instanceof ProviderUnavailableError)) {
        ctx.log.error({ checkoutRef, err: error instanceof Error ? error.stack : String(error) }, "reconcile failed");
      }
    }
  }
  if (report.repaired.length || report.foreign) await kickOutbox(ctx);
  if (report.repaired.length || report.failed) {
    ctx.log.warn(
      { repaired: report.repaired.map((r) => r.orderId), failed: report.failed, checked: report.checked },
      "payments reconciled with the provider",
    );
  }
  return report;
}

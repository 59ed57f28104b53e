/**
 * Applies a verified provider event (a Stripe webhook). The event id is stored in the same transaction as its effect,
 * so a repeated delivery changes nothing; where order matters the subscription's current state is fetched from the
 * provider instead of trusting the event, so a late event cannot undo a newer one.
 */
import { Prisma } from "../../prisma/generated/client.js";
import type { PaymentProviderKind, SubscriptionStatus } from "../../prisma/generated/enums.js";
import { addDays } from "../access/entitlement-window.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import { revokeEntitlements } from "../access/revoke-entitlements.js";
import type { CoreContext, Transaction } from "../context.js";
import type { PaymentEvent, PaymentProvider, SubscriptionState } from "../ports.js";
import { markOrderPaid } from "./mark-order-paid.js";

export type HandleEventResult = { outcome: "applied" | "duplicate" | "ignored" | "unknown-order" | "retry-later" };

/** Rolls the transaction back (the event id is not stored) so the provider delivers the event again later. */
class RetryLater extends Error {}

export async function handlePaymentEvent(
  ctx: CoreContext,
  provider: PaymentProvider,
  event: PaymentEvent,
): Promise<HandleEventResult> {
  const kind: PaymentProviderKind = provider.kind;
  // Most repeats are caught here, before any provider call or transaction; the unique key below catches the rest.
  const eventKey = { provider_eventId: { provider: kind, eventId: event.eventId } };
  if (await ctx.prisma.paymentEvent.findUnique({ where: eventKey })) return { outcome: "duplicate" };
  event = await withStoredPaymentRef(ctx, provider, event);
  // Fetched before the transaction: a network call must not hold a database transaction open.
  const subscriptionRef = "subscriptionRef" in event ? event.subscriptionRef : null;
  const subscriptionState =
    subscriptionRef && event.type !== "subscription.deleted" ? await provider.fetchSubscription(subscriptionRef) : null;
  try {
    const outcome = await ctx.prisma.$transaction(async (tx) => {
      await tx.paymentEvent.create({ data: { provider: kind, eventId: event.eventId, type: event.type } });
      const applied = await applyEvent(ctx, tx, kind, event, subscriptionState);
      // Ours (it names an order) but arrived before what it refers to: keep it for the provider's next delivery.
      if (applied === "unknown-order" && "orderId" in event && event.orderId) throw new RetryLater();
      return applied;
    });
    await kickOutbox(ctx);
    return { outcome };
  } catch (error) {
    if (error instanceof RetryLater) return { outcome: "retry-later" };
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const again = await ctx.prisma.paymentEvent.findUnique({
        where: { provider_eventId: { provider: kind, eventId: event.eventId } },
      });
      if (again) return { outcome: "duplicate" };
    }
    throw error;
  }
}

/** A refund or dispute may name a payment differently from how we stored it (see PaymentProvider.resolvePaymentRef). */
async function withStoredPaymentRef(
  ctx: CoreContext,
  provider: PaymentProvider,
  event: PaymentEvent,
): Promise<PaymentEvent> {
  if ((event.type !== "charge.refunded" && event.type !== "dispute.created") || !provider.resolvePaymentRef)
    return event;
  const known = await ctx.prisma.payment.findUnique({
    where: { provider_providerPaymentId: { provider: provider.kind, providerPaymentId: event.paymentRef } },
  });
  if (known) return event;
  return { ...event, paymentRef: await provider.resolvePaymentRef(event.paymentRef) };
}

const statusOf = (s: SubscriptionState["status"]): SubscriptionStatus => s;

async function findOrder(tx: Transaction, orderId: number | null, checkoutRef?: string) {
  if (orderId) {
    const byId = await tx.order.findUnique({ where: { id: orderId }, include: { offer: true } });
    if (byId) return byId;
  }
  if (checkoutRef) return tx.order.findUnique({ where: { checkoutRef }, include: { offer: true } });
  return null;
}

/** The payment a refund or dispute names, and its order (by the payment, or by our metadata when it is unknown). */
async function findPaymentAndOrder(
  tx: Transaction,
  kind: PaymentProviderKind,
  paymentRef: string,
  orderId: number | null,
) {
  const payment = await tx.payment.findUnique({
    where: { provider_providerPaymentId: { provider: kind, providerPaymentId: paymentRef } },
  });
  const order = payment ? await tx.order.findUnique({ where: { id: payment.orderId } }) : await findOrder(tx, orderId);
  return { payment, order };
}

async function upsertSubscription(
  tx: Transaction,
  kind: PaymentProviderKind,
  order: { memberId: number; offerId: number },
  ref: string,
  state: SubscriptionState | null,
) {
  return tx.subscription.upsert({
    where: { provider_providerSubscriptionId: { provider: kind, providerSubscriptionId: ref } },
    create: {
      memberId: order.memberId,
      offerId: order.offerId,
      provider: kind,
      providerSubscriptionId: ref,
      status: state ? statusOf(state.status) : "ACTIVE",
      currentPeriodEnd: state?.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: state?.cancelAtPeriodEnd ?? false,
    },
    update: state
      ? {
          status: statusOf(state.status),
          currentPeriodEnd: state.currentPeriodEnd,
          cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        }
      : {},
  });
}

/** Makes the subscription's entitlements match its current state at the provider. */
async function followSubscription(ctx: CoreContext, tx: Transaction, subscriptionId: number, state: SubscriptionState) {
  const now = ctx.clock.now();
  const where = { subscriptionId, revokedAt: null };
  if (state.status === "ACTIVE" || state.status === "TRIALING") {
    const changed = await tx.entitlement.updateMany({
      where,
      data: { endsAt: state.currentPeriodEnd, graceUntil: null },
    });
    if (changed.count) await notifyAccessChange(tx, subscriptionId);
  } else if (state.status === "PAST_DUE") {
    // A failed renewal is not a cancellation: keep access for the grace period while the provider retries.
    const rows = await tx.entitlement.findMany({ where: { ...where, graceUntil: null } });
    for (const row of rows) {
      const from = row.endsAt && row.endsAt > now ? row.endsAt : now;
      await tx.entitlement.update({
        where: { id: row.id },
        data: { graceUntil: addDays(from, ctx.config.gracePeriodDays) },
      });
    }
  } else if (state.status === "CANCELED") {
    await revokeEntitlements(tx, { subscriptionId }, "CANCELED", now);
  }
}

async function notifyAccessChange(tx: Transaction, subscriptionId: number) {
  const sub = await tx.subscription.findUnique({ where: { id: subscriptionId }, select: { memberId: true } });
  if (sub) await addToOutbox(tx, { kind: "access.sync", memberId: sub.memberId });
}

async function applyEvent(
  ctx: CoreContext,
  tx: Transaction,
  kind: PaymentProviderKind,
  event: PaymentEvent,
  state: SubscriptionState | null,
): Promise<HandleEventResult["outcome"]> {
  const now = ctx.clock.now();
  switch (event.type) {
    case "checkout.completed":
    case "payment.succeeded": {
      if (event.type === "checkout.completed" && !event.paid) return "applied"; // async method: wait for its result
      const order = await findOrder(tx, event.orderId, event.checkoutRef);
      if (!order) return "unknown-order";
      let subscriptionId: number | undefined;
      let periodEnd: Date | null | undefined;
      if (event.subscriptionRef) {
        const sub = await upsertSubscription(tx, kind, order, event.subscriptionRef, state);
        subscriptionId = sub.id;
        periodEnd = state?.currentPeriodEnd ?? null;
      }
      await markOrderPaid(tx, {
        orderId: order.id,
        provider: kind,
        paymentRef: event.paymentRef ?? `checkout:${event.checkoutRef}`,
        amount: event.amount,
        currency: event.currency,
        now,
        subscriptionId,
        periodEnd,
      });
      return "applied";
    }
    case "payment.failed": {
      const order = await findOrder(tx, event.orderId, event.checkoutRef);
      if (!order) return "unknown-order";
      if (order.status === "PENDING") {
        await tx.order.update({ where: { id: order.id }, data: { status: "CANCELED", canceledAt: now } });
        await addToOutbox(tx, {
          kind: "notify.member",
          memberId: order.memberId,
          notice: { key: "paymentFailed", params: { order: order.id } },
        });
      }
      return "applied";
    }
    case "invoice.paid": {
      let sub = await tx.subscription.findUnique({
        where: { provider_providerSubscriptionId: { provider: kind, providerSubscriptionId: event.subscriptionRef } },
      });
      if (!sub) {
        // The invoice outran checkout.completed: the order id in the subscription's metadata tells whose it is.
        const order = await findOrder(tx, event.orderId ?? state?.orderId ?? null);
        if (!order) return "unknown-order";
        sub = await upsertSubscription(tx, kind, order, event.subscriptionRef, state);
        if (order.status === "PENDING") {
          await markOrderPaid(tx, {
            orderId: order.id,
            provider: kind,
            paymentRef: event.paymentRef,
            amount: event.amount,
            currency: event.currency,
            now,
            subscriptionId: sub.id,
            periodEnd: state?.currentPeriodEnd ?? event.periodEnd,
          });
          return "applied";
        }
      }
      const firstOrder = await tx.order.findFirst({ where: { subscriptionId: sub.id }, orderBy: { id: "asc" } });
      const seen = await tx.payment.findUnique({
        where: { provider_providerPaymentId: { provider: kind, providerPaymentId: event.paymentRef } },
      });
      if (!seen && firstOrder) {
        await tx.payment.create({
          data: {
            orderId: firstOrder.id,
            provider: kind,
            providerPaymentId: event.paymentRef,
            amount: event.amount,
            currency: event.currency,
          },
        });
      }
      const current = state ?? {
        subscriptionRef: event.subscriptionRef,
        orderId: null,
        status: "ACTIVE" as const,
        currentPeriodEnd: event.periodEnd,
        cancelAtPeriodEnd: false,
      };
      await tx.subscription.update({
        where: { id: sub.id },
        data: { status: statusOf(current.status), currentPeriodEnd: current.currentPeriodEnd },
      });
      await followSubscription(ctx, tx, sub.id, current);
      return "applied";
    }
    case "invoice.failed":
    case "subscription.updated": {
      const sub = await tx.subscription.findUnique({
        where: { provider_providerSubscriptionId: { provider: kind, providerSubscriptionId: event.subscriptionRef } },
      });
      if (!sub || !state) return "unknown-order";
      await tx.subscription.update({
        where: { id: sub.id },
        data: {
          status: statusOf(state.status),
          currentPeriodEnd: state.currentPeriodEnd,
          cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        },
      });
      await followSubscription(ctx, tx, sub.id, state);
      if (event.type === "invoice.failed") {
        await addToOutbox(
          tx,
          {
            kind: "notify.member",
            memberId: sub.memberId,
            notice: { key: "renewalFailed", params: { days: ctx.config.gracePeriodDays } },
          },
          `renewal-failed:${event.eventId}`,
        );
      }
      return "applied";
    }
    case "subscription.deleted": {
      const sub = await tx.subscription.findUnique({
        where: { provider_providerSubscriptionId: { provider: kind, providerSubscriptionId: event.subscriptionRef } },
      });
      if (!sub) return "unknown-order";
      await tx.subscription.update({ where: { id: sub.id }, data: { status: "CANCELED" } });
      await revokeEntitlements(
        tx,
        { subscriptionId: sub.id },
        sub.status === "PAST_DUE" ? "PAYMENT_FAILED" : "CANCELED",
        now,
      );
      return "applied";
    }
    case "charge.refunded": {
      const { payment, order } = await findPaymentAndOrder(tx, kind, event.paymentRef, event.orderId);
      if (!order) return "unknown-order";
      const full = !payment || event.amountRefunded >= payment.amount;
      if (payment) {
        await tx.payment.update({
          where: { id: payment.id },
          data: { status: full ? "REFUNDED" : "PARTIALLY_REFUNDED", refundedAmount: event.amountRefunded },
        });
      }
      const open = await tx.refund.findFirst({
        where: { orderId: order.id, status: { in: ["REQUESTED", "APPROVED"] } },
      });
      const refundData = {
        status: "SUCCEEDED" as const,
        providerRefundId: event.refundRef,
        decidedAt: open?.decidedAt ?? now,
      };
      if (open) await tx.refund.update({ where: { id: open.id }, data: refundData });
      else if (!event.refundRef || !(await tx.refund.findUnique({ where: { providerRefundId: event.refundRef } }))) {
        await tx.refund.create({
          data: {
            orderId: order.id,
            paymentId: payment?.id ?? null,
            amount: event.amountRefunded,
            currency: order.currency,
            reason: "provider",
            ...refundData,
          },
        });
      }
      if (full) {
        await tx.order.update({ where: { id: order.id }, data: { status: "REFUNDED" } });
        await revokeEntitlements(tx, { orderId: order.id }, "REFUND", now);
        await addToOutbox(
          tx,
          {
            kind: "notify.member",
            memberId: order.memberId,
            notice: { key: "refundCompleted", params: { order: order.id } },
          },
          `refunded:${order.id}`,
        );
      }
      return "applied";
    }
    case "dispute.created": {
      const { payment, order } = await findPaymentAndOrder(tx, kind, event.paymentRef, event.orderId);
      if (!order) return "unknown-order";
      if (payment) await tx.payment.update({ where: { id: payment.id }, data: { status: "DISPUTED" } });
      await tx.order.update({ where: { id: order.id }, data: { status: "DISPUTED" } });
      await revokeEntitlements(tx, { orderId: order.id }, "DISPUTE", now);
      await addToOutbox(tx, { kind: "notify.staff", notice: { key: "staffDispute", params: { order: order.id } } });
      return "applied";
    }
    case "ignored":
      return "ignored";
  }
}

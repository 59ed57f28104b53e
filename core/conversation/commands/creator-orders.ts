/**
 * /confirm, /refunds, /approve, /deny, /reconcile: the creator's money desk.
 */
import { AppError } from "../../app-error.js";
import { confirmManualPayment } from "../../commerce/confirm-manual-payment.js";
import { type DecideRefundResult, decideRefund } from "../../commerce/decide-refund.js";
import { formatMoney } from "../../commerce/pricing.js";
import { reconcilePayments } from "../../commerce/reconcile-payments.js";
import { formatDate, type LocaleCode, type Messages } from "../../i18n/index.js";
import { type Command, idArgument } from "../command.js";
import { productTitle } from "../format.js";
import { type Button, textReply } from "../reply.js";

export const confirmCommand: Command = {
  name: "confirm",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    if (args.length === 0) {
      const pending = await ctx.prisma.order.findMany({
        where: { status: "PENDING", provider: "MANUAL", amount: { gt: 0 } },
        include: { product: true, member: true },
        orderBy: { id: "asc" },
        take: 20,
      });
      if (pending.length === 0) return textReply(m.pendingEmpty);
      const lines = [m.pendingTitle];
      const buttons: Button[][] = [];
      for (const o of pending) {
        lines.push(
          m.pendingLine({
            order: o.id,
            title: productTitle(locale, o.product),
            price: formatMoney(o.amount, o.currency, locale),
            member: o.member.displayName,
            date: formatDate(locale, o.createdAt, member.timeZone),
          }),
        );
        if (buttons.length < 8) buttons.push([{ label: m.buttonConfirm({ order: o.id }), action: `confirm ${o.id}` }]);
      }
      return textReply(lines.join("\n"), buttons);
    }
    const orderId = idArgument(args[0], m, "confirm");
    const result = await confirmManualPayment(ctx, { orderId, staffMemberId: member.id });
    if (result.ok)
      return textReply(result.topUp ? m.wallet.topUpConfirmed({ order: orderId }) : m.confirmed({ order: orderId }));
    return textReply(
      result.reason === "ALREADY_PAID"
        ? m.confirmAlreadyPaid({ order: orderId })
        : m.confirmNotPending({ order: orderId }),
    );
  },
};

export const refundsCommand: Command = {
  name: "refunds",
  staffOnly: true,
  async run({ ctx, m, locale }) {
    const open = await ctx.prisma.refund.findMany({
      where: { status: "REQUESTED" },
      include: { order: { include: { product: true } }, requestedBy: true },
      orderBy: { id: "asc" },
      take: 20,
    });
    if (open.length === 0) return textReply(m.refundsEmpty);
    const lines = [m.refundsTitle];
    const buttons: Button[][] = [];
    for (const r of open) {
      lines.push(
        m.refundLine({
          refund: r.id,
          order: r.orderId,
          title: productTitle(locale, r.order.product),
          price: formatMoney(r.amount, r.currency, locale),
          member: r.requestedBy?.displayName ?? "?",
          reason: r.reason,
        }),
      );
      if (buttons.length < 8) {
        buttons.push([
          { label: m.buttonApprove({ refund: r.id }), action: `approve ${r.id}` },
          { label: m.buttonDeny({ refund: r.id }), action: `deny ${r.id}` },
        ]);
      }
    }
    return textReply(lines.join("\n"), buttons);
  },
};

function decideCommand(name: "approve" | "deny"): Command {
  return {
    name,
    staffOnly: true,
    async run({ ctx, m, member, locale }, args) {
      const refundId = idArgument(args[0], m, name);
      const result = await decideRefund(ctx, { refundId, staffMemberId: member.id, approve: name === "approve" });
      switch (result.outcome) {
        case "refunded":
          return textReply(
            result.inStars
              ? m.refundDoneStars({ order: result.orderId })
              : result.toWallet
                ? m.wallet.refundDoneWallet({ order: result.orderId })
                : m.refundDoneManual({ order: result.orderId }),
          );
        case "sent-to-provider":
          return textReply(stripeRefundText(m, locale, member.timeZone, result));
        case "denied":
          return textReply(m.refundDeniedStaff({ order: result.orderId }));
        case "already-decided":
          return textReply(m.refundAlreadyDecided({ status: result.status }));
      }
    },
  };
}

export const approveCommand = decideCommand("approve");
export const denyCommand = decideCommand("deny");

function stripeRefundText(
  m: Messages,
  locale: LocaleCode,
  timeZone: string,
  result: Extract<DecideRefundResult, { outcome: "sent-to-provider" }>,
): string {
  const lines = [
    result.confirmed
      ? m.refundDoneStripe({ order: result.orderId })
      : m.refundSentToProvider({ order: result.orderId }),
  ];
  const stop = result.subscription;
  if (stop?.kind === "canceled") lines.push(m.subscriptionCanceledNow);
  else if (stop?.kind === "ends-at-period-end") {
    const date = stop.periodEnd ? formatDate(locale, stop.periodEnd, timeZone) : "?";
    lines.push(m.subscriptionCancelsAtPeriodEnd({ date }));
  } else if (stop?.kind === "cancel-failed") lines.push(m.subscriptionCancelFailed);
  return lines.join("\n");
}

/** `/reconcile [days]`: compares recent payments with Stripe now and repairs what differs (also a scheduled job). */
export const reconcileCommand: Command = {
  name: "reconcile",
  staffOnly: true,
  async run({ ctx, m }, args) {
    if (!ctx.payments.stripe) return textReply(m.reconcileOff);
    const days = args[0] === undefined ? ctx.config.reconcileDays : Number(args[0]);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw new AppError("BAD_ARGUMENTS", { usage: m.usage.reconcile ?? "" });
    }
    const report = await reconcilePayments(ctx, { days });
    const lines = [
      m.reconcileDone({ checked: report.checked, days, changed: report.repaired.length, failed: report.failed }),
    ];
    for (const repaired of report.repaired.slice(0, 20)) {
      const kinds = [...new Set(repaired.changes.map((change) => change.kind))];
      lines.push(
        m.reconcileLine({
          order: repaired.orderId,
          changes: kinds.map((kind) => m.reconcileChange[kind] ?? kind).join(", "),
        }),
      );
    }
    if (report.foreign) lines.push(m.reconcileForeign({ count: report.foreign }));
    return textReply(lines.join("\n"));
  },
};

/**
 * What paying, refunding or disputing a top-up order does to the wallet, in the transaction that changes the order
 * (mark-order-paid.ts for Stars and manual payments, apply-checkout-state.ts for Stripe, decide-refund.ts). The credit
 * and its reversal each have one idempotency key per order, so however often a payment or a refund is reported, the
 * wallet moves once each way. A reversal never takes the balance below zero: when the credit was already spent, the
 * creator is told instead.
 */
import { addToOutbox } from "../../access/outbox.js";
import type { Transaction } from "../../context.js";
import { formatMoney } from "../pricing.js";
import { postWalletEntry } from "./post-wallet-entry.js";

interface TopUpOrder {
  id: number;
  memberId: number;
  amount: number;
  currency: string;
}

/** Credits a paid top-up to the member's wallet of its currency, once, and tells the member. */
export async function creditTopUp(tx: Transaction, order: TopUpOrder): Promise<void> {
  const posted = await postWalletEntry(tx, {
    memberId: order.memberId,
    currency: order.currency,
    amount: order.amount,
    kind: "TOP_UP",
    idempotencyKey: `top-up:${order.id}`,
    orderId: order.id,
  });
  if (!posted.ok || posted.duplicate) return;
  await addToOutbox(
    tx,
    {
      kind: "notify.member",
      memberId: order.memberId,
      notice: {
        key: "walletToppedUp",
        params: {
          order: order.id,
          amount: formatMoney(order.amount, order.currency, "en"),
          amountZh: formatMoney(order.amount, order.currency, "zh"),
          balance: formatMoney(posted.entry.balanceAfter, order.currency, "en"),
          balanceZh: formatMoney(posted.entry.balanceAfter, order.currency, "zh"),
        },
      },
    },
    `top-up:${order.id}`,
  );
}

export type ReverseTopUpResult = "reversed" | "already-reversed" | "never-credited" | "spent";

/**
 * Takes a refunded or disputed top-up's credit back, when the balance still holds it; otherwise writes nothing to
 * the ledger and tells the creator (the member spent it: settle by hand).
 */
export async function reverseTopUp(tx: Transaction, order: TopUpOrder): Promise<ReverseTopUpResult> {
  const credited = await tx.walletTransaction.findUnique({ where: { idempotencyKey: `top-up:${order.id}` } });
  if (!credited) return "never-credited";
  const posted = await postWalletEntry(tx, {
    memberId: order.memberId,
    currency: order.currency,
    amount: -credited.amount,
    kind: "ADJUSTMENT",
    idempotencyKey: `top-up-reversal:${order.id}`,
    orderId: order.id,
    note: "top-up refunded",
  });
  if (posted.ok) return posted.duplicate ? "already-reversed" : "reversed";
  await addToOutbox(
    tx,
    {
      kind: "notify.staff",
      notice: {
        key: "staffTopUpSpent",
        params: {
          order: order.id,
          amount: formatMoney(credited.amount, order.currency, "en"),
          balance: formatMoney(posted.balance, order.currency, "en"),
        },
      },
    },
    `top-up-spent:${order.id}`,
  );
  return "spent";
}

/** Whether a top-up's credit could be taken back now (checked before a refund is sent to the provider). */
export async function topUpStillHeld(tx: Transaction, order: TopUpOrder): Promise<boolean> {
  const credited = await tx.walletTransaction.findUnique({ where: { idempotencyKey: `top-up:${order.id}` } });
  if (!credited) return true;
  const wallet = await tx.wallet.findUnique({
    where: { memberId_currency: { memberId: order.memberId, currency: order.currency.toLowerCase() } },
  });
  return (wallet?.balance ?? 0) >= credited.amount;
}

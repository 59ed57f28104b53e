/**
 * What paying, refunding or disputing a top-up order does to the wallet, in the transaction that changes the order
 * (mark-order-paid.ts for Stars and manual payments, apply-checkout-state.ts for Stripe, decide-refund.ts), with the
 * order's row locked. What the wallet holds for the order follows its status: its amount while paid (less what a
 * partial refund gave back), nothing while refunded or disputed. Each move is computed from the order's own ledger entries and has an idempotency key per
 * order and cycle, so however often a payment, refund or dispute is reported the wallet moves once each way, and a
 * dispute the creator wins gives the credit back. A reversal never takes the balance below zero: when the credit was
 * already spent, the creator is told instead.
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

const creditKey = (order: TopUpOrder) => `top-up:${order.id}`;

/** The order's top-up entries (its credit, reversals and re-credits; not purchases paid from the balance). */
async function topUpEntries(tx: Transaction, order: TopUpOrder) {
  const entries = await tx.walletTransaction.findMany({
    where: { orderId: order.id, idempotencyKey: { startsWith: "top-up" } },
    select: { amount: true, idempotencyKey: true },
  });
  return {
    credited: entries.some((entry) => entry.idempotencyKey === creditKey(order)),
    held: entries.reduce((sum, entry) => sum + entry.amount, 0),
    count: (prefix: string) => entries.filter((entry) => entry.idempotencyKey.startsWith(prefix)).length,
  };
}

/** The first credit of a paid top-up, and the member told. */
async function creditOnce(tx: Transaction, order: TopUpOrder): Promise<void> {
  const posted = await postWalletEntry(tx, {
    memberId: order.memberId,
    currency: order.currency,
    amount: order.amount,
    kind: "TOP_UP",
    idempotencyKey: creditKey(order),
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
    creditKey(order),
  );
}

export type SettleTopUpResult = "credited" | "reversed" | "unchanged" | "already-reversed" | "never-credited" | "spent";

/**
 * Moves what the wallet holds for a top-up order to `target` (minor units): its amount while paid, less what a
 * partial refund gave back; 0 when refunded or disputed. The first credit tells the member; giving a reversed credit
 * back (a dispute the creator won) is silent, the creator is told by the dispute notice. A reversal the balance no
 * longer covers writes nothing to the ledger and tells the creator (the member spent it: settle by hand).
 */
export async function settleTopUp(tx: Transaction, order: TopUpOrder, target: number): Promise<SettleTopUpResult> {
  let entries = await topUpEntries(tx, order);
  if (!entries.credited) {
    if (target <= 0) return "never-credited";
    await creditOnce(tx, order);
    entries = await topUpEntries(tx, order);
    if (entries.held === target) return "credited";
  }
  const { held, count } = entries;
  if (held < target) {
    await postWalletEntry(tx, {
      memberId: order.memberId,
      currency: order.currency,
      amount: target - held,
      kind: "ADJUSTMENT",
      idempotencyKey: `top-up-recredit:${order.id}:${count("top-up-recredit:") + 1}`,
      orderId: order.id,
      note: "top-up dispute won",
    });
    return "credited";
  }
  if (held === target) return held === 0 ? "already-reversed" : "unchanged";
  const reversals = count("top-up-reversal:");
  const posted = await postWalletEntry(tx, {
    memberId: order.memberId,
    currency: order.currency,
    amount: target - held,
    kind: "ADJUSTMENT",
    // The first reversal keeps the key it always had; later ones (after a won dispute) are numbered.
    idempotencyKey: reversals === 0 ? `top-up-reversal:${order.id}` : `top-up-reversal:${order.id}:${reversals + 1}`,
    orderId: order.id,
    note: target > 0 ? "top-up partly refunded" : "top-up refunded",
  });
  if (posted.ok) return "reversed";
  await addToOutbox(
    tx,
    {
      kind: "notify.staff",
      notice: {
        key: "staffTopUpSpent",
        params: {
          order: order.id,
          amount: formatMoney(held - target, order.currency, "en"),
          balance: formatMoney(posted.balance, order.currency, "en"),
        },
      },
    },
    `top-up-spent:${order.id}`,
  );
  return "spent";
}

/** Credits a paid top-up in full (once; again after a won dispute). */
export function creditTopUp(tx: Transaction, order: TopUpOrder): Promise<SettleTopUpResult> {
  return settleTopUp(tx, order, order.amount);
}

/** Takes a refunded or disputed top-up's credit back, when the balance still holds it. */
export function reverseTopUp(tx: Transaction, order: TopUpOrder): Promise<SettleTopUpResult> {
  return settleTopUp(tx, order, 0);
}

/** Whether a top-up's credit could be taken back now (checked before a refund is sent to the provider). */
export async function topUpStillHeld(tx: Transaction, order: TopUpOrder): Promise<boolean> {
  const { credited, held } = await topUpEntries(tx, order);
  if (!credited) return true;
  const wallet = await tx.wallet.findUnique({
    where: { memberId_currency: { memberId: order.memberId, currency: order.currency.toLowerCase() } },
  });
  // What reverseTopUp would take back: the credit less what a partial refund or a dispute already took.
  return (wallet?.balance ?? 0) >= held;
}

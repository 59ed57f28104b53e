/**
 * A refund of an order paid from the wallet goes back to the wallet it came from: a REFUND entry, once per refund
 * request, in the transaction that marks the order refunded and closes its access (decide-refund.ts).
 */
import { addToOutbox } from "../../access/outbox.js";
import type { Transaction } from "../../context.js";
import { formatMoney } from "../pricing.js";
import { postWalletEntry } from "./post-wallet-entry.js";

export async function refundToWallet(
  tx: Transaction,
  refund: { id: number; amount: number; currency: string; order: { id: number; memberId: number } },
): Promise<void> {
  if (refund.amount <= 0) return;
  const posted = await postWalletEntry(tx, {
    memberId: refund.order.memberId,
    currency: refund.currency,
    amount: refund.amount,
    kind: "REFUND",
    idempotencyKey: `refund:${refund.id}`,
    orderId: refund.order.id,
  });
  if (!posted.ok) throw new Error("a credit cannot fail");
}

/**
 * An order paid from the wallet whose card checkout (opened by the same /buy) was paid as well: the member paid twice,
 * so the wallet spend goes back to the wallet, once, and the member is told. The card payment keeps the order paid.
 *
 * @example await returnWalletSpendPaidTwice(tx, order)
 */
export async function returnWalletSpendPaidTwice(
  tx: Transaction,
  order: { id: number; memberId: number; amount: number; currency: string },
): Promise<void> {
  const spend = await tx.walletTransaction.findFirst({ where: { orderId: order.id, kind: "PURCHASE" } });
  if (!spend) return;
  const posted = await postWalletEntry(tx, {
    memberId: order.memberId,
    currency: order.currency,
    amount: -spend.amount,
    kind: "REFUND",
    idempotencyKey: `paid-twice:${order.id}`,
    orderId: order.id,
    note: "paid by card as well",
  });
  if (!posted.ok) throw new Error("a credit cannot fail");
  if (posted.duplicate) return;
  const amount = formatMoney(-spend.amount, order.currency, "en");
  const amountZh = formatMoney(-spend.amount, order.currency, "zh");
  await addToOutbox(
    tx,
    {
      kind: "notify.member",
      memberId: order.memberId,
      notice: { key: "walletPaidTwice", params: { order: order.id, amount, amountZh } },
    },
    `paid-twice:${order.id}`,
  );
}

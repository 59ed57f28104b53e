/**
 * A refund of an order paid from the wallet goes back to the wallet it came from: a REFUND entry, once per refund
 * request, in the transaction that marks the order refunded and closes its access (decide-refund.ts).
 */
import type { Transaction } from "../../context.js";
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

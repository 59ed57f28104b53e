/**
 * The wallet's ledger: the one function that changes a balance. Each entry moves the balance by a signed amount with
 * one conditional UPDATE (`balance + amount >= 0`), so concurrent spends never overdraw: the second waits for the
 * first's row lock and is then checked against the new balance. The entry records the balance right after it, so the
 * balance always equals the sum of the entries. A repeated idempotency key returns the first entry and changes nothing.
 */
import type { WalletTransaction } from "../../../prisma/generated/client.js";
import type { WalletTransactionKind } from "../../../prisma/generated/enums.js";
import type { Transaction } from "../../context.js";

export interface WalletEntryOptions {
  memberId: number;
  /** Lower-case ISO code, or `xtr` for Telegram Stars. */
  currency: string;
  /** Signed, in the currency's minor unit: a credit > 0, a spend < 0. */
  amount: number;
  kind: WalletTransactionKind;
  /** Unique for what caused the entry (`top-up:12`, `purchase:40`, `referral:3`): a repeat changes nothing. */
  idempotencyKey: string;
  orderId?: number | null;
  note?: string;
  createdById?: number | null;
}

export type WalletEntryResult =
  | { ok: true; entry: WalletTransaction; duplicate: boolean }
  /** The spend would take the balance below zero: nothing was written. */
  | { ok: false; reason: "INSUFFICIENT_FUNDS"; balance: number };

/**
 * Posts one entry in the caller's transaction. Call it inside the transaction that does what the money is for (mark
 * an order paid, refund it), so both happen or neither.
 *
 * @example const spent = await postWalletEntry(tx, { memberId, currency: "usd", amount: -4900, kind: "PURCHASE", idempotencyKey: `purchase:${order.id}`, orderId: order.id })
 */
export async function postWalletEntry(tx: Transaction, options: WalletEntryOptions): Promise<WalletEntryResult> {
  if (!Number.isSafeInteger(options.amount) || options.amount === 0) throw new Error("a wallet entry moves money");
  const existing = await tx.walletTransaction.findUnique({ where: { idempotencyKey: options.idempotencyKey } });
  if (existing) return { ok: true, entry: existing, duplicate: true };
  const currency = options.currency.toLowerCase();
  // INSERT … ON CONFLICT DO NOTHING: two first entries at once make one wallet.
  await tx.wallet.createMany({ data: [{ memberId: options.memberId, currency }], skipDuplicates: true });
  const wallet = await tx.wallet.findUniqueOrThrow({
    where: { memberId_currency: { memberId: options.memberId, currency } },
  });
  const moved = await tx.$queryRaw<{ balance: number }[]>`
    UPDATE "Wallet" SET "balance" = "balance" + ${options.amount}, "updatedAt" = NOW()
    WHERE "id" = ${wallet.id} AND "balance" + ${options.amount} >= 0
    RETURNING "balance"`;
  const after = moved[0];
  if (!after) {
    const now = await tx.wallet.findUniqueOrThrow({ where: { id: wallet.id }, select: { balance: true } });
    return { ok: false, reason: "INSUFFICIENT_FUNDS", balance: now.balance };
  }
  const entry = await tx.walletTransaction.create({
    data: {
      walletId: wallet.id,
      kind: options.kind,
      amount: options.amount,
      balanceAfter: Number(after.balance),
      orderId: options.orderId ?? null,
      note: options.note ?? "",
      createdById: options.createdById ?? null,
      idempotencyKey: options.idempotencyKey,
    },
  });
  return { ok: true, entry, duplicate: false };
}

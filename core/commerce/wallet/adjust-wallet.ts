/**
 * A creator's correction of a member's balance (`/wallet adjust`): an ADJUSTMENT entry with the creator's note and
 * name on it. Only staff may; nobody may adjust their own wallet; a debit never takes the balance below zero.
 */
import { randomUUID } from "node:crypto";
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import { AppError } from "../../app-error.js";
import type { CoreContext } from "../../context.js";
import { requireStaff } from "../../identity/roles.js";
import { stripControlCharacters, truncateText } from "../../text.js";
import { formatMoney } from "../pricing.js";
import { postWalletEntry } from "./post-wallet-entry.js";

export type AdjustWalletResult =
  | { ok: true; balance: number }
  | { ok: false; reason: "INSUFFICIENT_FUNDS"; balance: number };

/** @example await adjustWallet(ctx, { staffMemberId: 1, memberId: 4, amount: -500, currency: "usd", note: "double top-up" }) */
export async function adjustWallet(
  ctx: CoreContext,
  options: { staffMemberId: number; memberId: number; amount: number; currency: string; note: string },
): Promise<AdjustWalletResult> {
  await requireStaff(ctx, options.staffMemberId);
  if (options.memberId === options.staffMemberId) throw new AppError("OWN_WALLET");
  const note = truncateText(stripControlCharacters(options.note).trim(), 200);
  const result = await ctx.prisma.$transaction(async (tx): Promise<AdjustWalletResult> => {
    const member = await tx.member.findUnique({ where: { id: options.memberId }, select: { erasedAt: true } });
    if (!member || member.erasedAt) throw new AppError("MEMBER_NOT_FOUND", { id: options.memberId });
    const posted = await postWalletEntry(tx, {
      memberId: options.memberId,
      currency: options.currency,
      amount: options.amount,
      kind: "ADJUSTMENT",
      // Each correction is its own act: a creator who means it twice sends it twice.
      idempotencyKey: `adjust:${randomUUID()}`,
      note,
      createdById: options.staffMemberId,
    });
    if (!posted.ok) return posted;
    const amount = (locale: "en" | "zh") => formatMoney(options.amount, options.currency, locale);
    const balance = (locale: "en" | "zh") => formatMoney(posted.entry.balanceAfter, options.currency, locale);
    await addToOutbox(tx, {
      kind: "notify.member",
      memberId: options.memberId,
      notice: {
        key: "walletAdjusted",
        params: {
          amount: amount("en"),
          amountZh: amount("zh"),
          balance: balance("en"),
          balanceZh: balance("zh"),
          note,
        },
      },
    });
    return { ok: true, balance: posted.entry.balanceAfter };
  });
  if (result.ok) await kickOutbox(ctx);
  return result;
}

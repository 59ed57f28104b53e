/**
 * Paying a Stars invoice the way the Telegram app does, against the fake Bot API: the last invoice the bot sent to
 * the member, its pre-checkout (which must be accepted), then successful_payment — optionally delivered twice, as
 * Telegram may.
 */
import { expect } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import type { TelegramHarness } from "./telegram-harness.js";

/** @example const stars = await payLastInvoice(h, alice, { twice: true }) */
export async function payLastInvoice(
  h: TelegramHarness,
  user: FakeUser,
  options: { twice?: boolean } = {},
): Promise<number> {
  const invoice = h.fake.callsOf("sendInvoice").findLast((c) => Number(c.chat_id) === user.id);
  if (!invoice) throw new Error(`no invoice was sent:\n${h.fake.transcript(user.id)}`);
  const amount = (invoice.prices as { amount: number }[])[0]!.amount;
  const check = h.fake.preCheckout(user, { payload: String(invoice.payload), total_amount: amount });
  await h.settle(check.updateId);
  expect(await check.answer).toEqual({ ok: true });
  const paid = h.fake.successfulPayment(user, { payload: String(invoice.payload), total_amount: amount });
  await h.settle(paid.updateId);
  if (options.twice) {
    const again = h.fake.successfulPayment(user, {
      payload: String(invoice.payload),
      total_amount: amount,
      chargeId: paid.chargeId,
    });
    await h.settle(again.updateId);
  }
  return amount;
}

/**
 * A Telegram member for the learning journeys: types commands and presses the inline buttons the bot actually sent
 * (found by their label), buys with Stars the way the Telegram app does, and reads back what arrived as the app
 * shows it (HTML parsed the way the Bot API parses it).
 */

import type { FakeUser, RecordedCall } from "../fakes/telegram/bot-api-fake.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";
import type { LearnerDriver } from "./learning-journey.js";
import type { TelegramHarness } from "./telegram-harness.js";

type InlineButton = { text: string; callback_data?: string; url?: string };

/** What a call to the member shows: a message's text or a picture's caption. */
export function shownText(call: RecordedCall): string {
  const raw = call.method === "sendMessage" ? call.params.text : call.params.caption;
  return typeof raw === "string" ? parseTelegramHtml(raw) : "";
}

export interface TelegramLearner extends LearnerDriver {
  /** The calls to this member made by the latest command or press. */
  lastTurn(): RecordedCall[];
  /** Presses a button whose callback data was edited to `data` (what a tampering client sends). */
  pressData(data: string): Promise<string>;
}

export function telegramLearner(h: TelegramHarness, user: FakeUser): TelegramLearner {
  let mark = h.fake.calls.length;
  const toUser = (calls: RecordedCall[]) => calls.filter((c) => Number(c.params.chat_id) === user.id);
  const lastTurn = () => toUser(h.fake.calls.slice(mark));
  const turn = async (act: () => Promise<void>) => {
    mark = h.fake.calls.length;
    await act();
    return lastTurn().map(shownText).join("\n");
  };
  const keyboard = (): InlineButton[] => {
    const withKeyboard = lastTurn().findLast((c) => c.params.reply_markup !== undefined);
    const markup = withKeyboard?.params.reply_markup as { inline_keyboard?: InlineButton[][] } | undefined;
    return markup?.inline_keyboard?.flat() ?? [];
  };
  return {
    lastTurn,
    async buy(productId) {
      await h.say(user, `/buy ${productId}`);
      const invoice = h.fake.callsOf("sendInvoice").findLast((c) => Number(c.chat_id) === user.id);
      if (!invoice) throw new Error(`no invoice was sent:\n${h.fake.transcript(user.id)}`);
      const amount = (invoice.prices as { amount: number }[])[0]!.amount;
      const check = h.fake.preCheckout(user, { payload: String(invoice.payload), total_amount: amount });
      await h.settle(check.updateId);
      if (!(await check.answer).ok) throw new Error("pre-checkout was refused");
      await h.settle(
        h.fake.successfulPayment(user, { payload: String(invoice.payload), total_amount: amount }).updateId,
      );
    },
    command(name, args = []) {
      return turn(() => h.say(user, [`/${name}`, ...args].join(" ")));
    },
    press(label) {
      const button = keyboard().find((b) => b.text === label);
      if (!button?.callback_data) {
        throw new Error(`no button "${label}" under the last reply: ${keyboard().map((b) => b.text)}`);
      }
      return turn(() => h.press(user, button.callback_data!));
    },
    pressData(data) {
      return turn(() => h.press(user, data));
    },
    buttons() {
      return keyboard().map((b) => b.text);
    },
    media() {
      return toUser(h.fake.calls)
        .filter((c) => c.method === "sendPhoto" || c.method === "sendDocument")
        .map((c) => {
          const file = c.params.photo ?? c.params.document;
          // The first send uploads the bytes; later ones reuse the file_id Telegram gave back.
          const fileName =
            typeof file === "string" ? (h.fake.files.get(file)?.fileName ?? file) : (file as { upload: string }).upload;
          return { caption: shownText(c), fileName };
        });
    },
  };
}

/**
 * Renders the core's neutral reply as Bot API calls: Telegram HTML built from the parsed markup (every tag opened and
 * closed around one span, `&<>` escaped, so no text can break it), messages split to Telegram's 4096 characters,
 * inline keyboards (an `action` is callback data, a `url` a link button), Stars invoices. The same calls serve grammY
 * and Telegraf.
 */
import { markupLines, plainLength, plainText, type Span, splitMarkup } from "../../core/conversation/markup.js";
import type { Button, Reply, ReplyMessage } from "../../core/conversation/reply.js";
import type { AttachmentStore } from "../../core/learning/attachments.js";
import { stripControlCharacters, truncateText, truncateUtf8 } from "../../core/text.js";
import { type BotApi, UploadFile } from "./bot-api.js";
import { sendLesson } from "./send-lesson.js";

/** Telegram's limits, counted after entities are parsed (UTF-16 code units). */
export const TELEGRAM_LIMITS = { text: 4096, caption: 1024, callbackDataBytes: 64, buttonText: 64 } as const;

/** Text made literal for Telegram's HTML parse mode (the only characters it reserves). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One line of spans as HTML: each span wraps itself, code inside bold, so tags always nest. */
function htmlLine(line: Span[]): string {
  return line
    .map((span) => {
      let html = escapeHtml(span.text);
      if (span.code) html = `<code>${html}</code>`;
      if (span.bold) html = `<b>${html}</b>`;
      return html;
    })
    .join("");
}

/** The whole text as one piece of Telegram HTML (not split; see telegramTexts). */
export function toTelegramHtml(text: string): string {
  return markupLines(text).map(htmlLine).join("\n");
}

/**
 * The text as Telegram HTML messages, each at most `limit` characters once Telegram parsed it; parts with nothing to
 * read are left out (Telegram refuses an empty message).
 */
export function telegramTexts(text: string, limit: number = TELEGRAM_LIMITS.text): string[] {
  return splitMarkup(text, limit, plainLength)
    .filter((lines) => lines.some((line) => line.some((span) => span.text.trim())))
    .map((lines) => lines.map(htmlLine).join("\n"));
}

/** Callback data is 1–64 bytes: longer actions are cut between characters (the core then refuses them). */
function callbackData(action: string): string {
  return truncateUtf8(action, TELEGRAM_LIMITS.callbackDataBytes) || "-";
}

/** A button label is shown as plain text: markup removed, never empty. */
function buttonText(label: string): string {
  return truncateText(plainText(label), TELEGRAM_LIMITS.buttonText, "…").trim() || "…";
}

/** Neutral buttons as an inline keyboard: plain labels, callback data within Telegram's 64 bytes. */
export function inlineKeyboard(rows: Button[][] | undefined): Record<string, unknown> | undefined {
  if (!rows?.length) return undefined;
  return {
    inline_keyboard: rows.map((row) =>
      row.map((b) =>
        "url" in b
          ? { text: buttonText(b.label), url: b.url }
          : { text: buttonText(b.label), callback_data: callbackData(b.action) },
      ),
    ),
  };
}

/**
 * Sends one neutral reply to a chat, message by message. Throws BotApiError on the first refusal. `attachments` loads
 * a lesson's images and files (without it they are named, not sent).
 */
export async function sendReply(
  api: BotApi,
  chatId: number | string,
  reply: Reply,
  options: { messageThreadId?: number; replyToMessageId?: number; attachments?: AttachmentStore } = {},
): Promise<number | undefined> {
  let lastId: number | undefined;
  const where: Record<string, unknown> = { chat_id: chatId };
  if (options.messageThreadId) where.message_thread_id = options.messageThreadId;
  if (options.replyToMessageId)
    where.reply_parameters = { message_id: options.replyToMessageId, allow_sending_without_reply: true };
  for (const message of reply.messages)
    lastId = (await sendMessage(api, where, message, options.attachments)) ?? lastId;
  return lastId;
}

async function sendMessage(
  api: BotApi,
  where: Record<string, unknown>,
  message: ReplyMessage,
  attachments: AttachmentStore | undefined,
): Promise<number | undefined> {
  const keyboard = inlineKeyboard(message.buttons);
  let lastId: number | undefined;
  if (message.markdown !== undefined) {
    const markdown = message.markdown;
    lastId = await sendLesson(api, where, { ...message, markdown }, telegramTexts(message.text), keyboard, attachments);
    if (message.invoice) lastId = (await sendInvoice(api, where, message.invoice)) ?? lastId;
    return lastId;
  }
  const captions = message.image ? telegramTexts(message.text, TELEGRAM_LIMITS.caption) : [];
  if (message.image && captions.length <= 1) {
    const sent = await api.call<{ message_id: number }>("sendPhoto", {
      ...where,
      photo: message.image.url,
      caption: captions[0] ?? "",
      parse_mode: "HTML",
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
    lastId = sent.message_id;
  } else {
    const parts = telegramTexts(message.text);
    for (const [index, part] of parts.entries()) {
      const last = index === parts.length - 1;
      const sent = await api.call<{ message_id: number }>("sendMessage", {
        ...where,
        text: part,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(last && keyboard ? { reply_markup: keyboard } : {}),
      });
      lastId = sent.message_id;
    }
  }
  if (message.invoice) lastId = (await sendInvoice(api, where, message.invoice)) ?? lastId;
  if (message.document) {
    const { data, fileName } = message.document;
    const sent = await api.call<{ message_id: number }>("sendDocument", {
      ...where,
      document: new UploadFile(data, fileName),
    });
    lastId = sent.message_id;
  }
  return lastId;
}

/**
 * Stars only: currency XTR, an empty provider token, one price. A subscription can only be sold through an invoice
 * link (`createInvoiceLink` with `subscription_period`), so it is sent as a pay button.
 */
async function sendInvoice(
  api: BotApi,
  where: Record<string, unknown>,
  invoice: NonNullable<ReplyMessage["invoice"]>,
): Promise<number | undefined> {
  // Titles and descriptions are plain text (no parse mode): 1–32 and 1–255 characters.
  const plain = (text: string, max: number) => truncateText(stripControlCharacters(text).trim(), max, "…").trim();
  const title = plain(invoice.title, 32) || `#${invoice.orderId}`;
  const common = {
    title,
    description: plain(invoice.description, 255) || title,
    payload: invoice.payload,
    currency: "XTR",
    prices: [{ label: title, amount: invoice.amount }],
  };
  if (invoice.subscriptionPeriodSeconds) {
    const link = await api.call<string>("createInvoiceLink", {
      ...common,
      subscription_period: invoice.subscriptionPeriodSeconds,
    });
    const sent = await api.call<{ message_id: number }>("sendMessage", {
      ...where,
      text: `⭐ <b>${escapeHtml(common.title)}</b>`,
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: `⭐ ${invoice.amount}`, url: link }]] },
    });
    return sent.message_id;
  }
  const sent = await api.call<{ message_id: number }>("sendInvoice", { ...where, ...common, provider_token: "" });
  return sent.message_id;
}

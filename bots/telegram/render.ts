/**
 * Renders the core's neutral reply as Bot API calls: Telegram HTML (everything escaped, `**bold**` → <b>, `code` →
 * <code>), inline keyboards (an `action` is callback data, a `url` a link button), Stars invoices. The same calls
 * serve grammY and Telegraf.
 */
import type { Button, Reply, ReplyMessage } from "../../core/conversation/reply.js";
import type { BotApi } from "./bot-api.js";

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function toTelegramHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/gs, "<b>$1</b>")
    .replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

/** Callback data is at most 64 bytes: longer actions are cut at a character boundary (the core then refuses them). */
function callbackData(action: string): string {
  let data = action;
  while (Buffer.byteLength(data) > 64) data = data.slice(0, -1);
  return data;
}

export function inlineKeyboard(rows: Button[][] | undefined): Record<string, unknown> | undefined {
  if (!rows?.length) return undefined;
  return {
    inline_keyboard: rows.map((row) =>
      row.map((b) =>
        "url" in b ? { text: b.label, url: b.url } : { text: b.label, callback_data: callbackData(b.action) },
      ),
    ),
  };
}

/** Splits long text at line breaks so every part fits in one Telegram message (and no tag is cut). */
export function splitText(text: string, limit = MAX_TEXT - 96): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (current && current.length + line.length + 1 > limit) {
      parts.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line.slice(0, limit);
  }
  if (current) parts.push(current);
  return parts;
}

/** Sends one neutral reply to a chat, message by message. Throws BotApiError on the first refusal. */
export async function sendReply(
  api: BotApi,
  chatId: number | string,
  reply: Reply,
  options: { messageThreadId?: number; replyToMessageId?: number } = {},
): Promise<number | undefined> {
  let lastId: number | undefined;
  const where: Record<string, unknown> = { chat_id: chatId };
  if (options.messageThreadId) where.message_thread_id = options.messageThreadId;
  if (options.replyToMessageId)
    where.reply_parameters = { message_id: options.replyToMessageId, allow_sending_without_reply: true };
  for (const message of reply.messages) lastId = (await sendMessage(api, where, message)) ?? lastId;
  return lastId;
}

async function sendMessage(
  api: BotApi,
  where: Record<string, unknown>,
  message: ReplyMessage,
): Promise<number | undefined> {
  const html = toTelegramHtml(message.text);
  const keyboard = inlineKeyboard(message.buttons);
  let lastId: number | undefined;
  if (message.image && html.length <= MAX_CAPTION) {
    const sent = await api.call<{ message_id: number }>("sendPhoto", {
      ...where,
      photo: message.image.url,
      caption: html,
      parse_mode: "HTML",
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
    lastId = sent.message_id;
  } else if (html.trim()) {
    const parts = splitText(html);
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
  const common = {
    title: invoice.title.slice(0, 32),
    description: invoice.description.slice(0, 255) || invoice.title.slice(0, 32),
    payload: invoice.payload,
    currency: "XTR",
    prices: [{ label: invoice.title.slice(0, 32), amount: invoice.amount }],
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

/**
 * The neutral reply every adapter renders in its own idiom: Telegram HTML and inline keyboards, Discord embeds and
 * buttons, numbered choices in the console.
 *
 * Text uses a tiny markup: `**bold**` and `` `code` ``. Adapters escape everything else.
 */
export type Button =
  | { label: string /** Callback data, at most 64 bytes (Telegram's limit). */; action: string }
  | { label: string; url: string };

/**
 * A Telegram Stars invoice (currency XTR): how a platform that sells inside the chat asks for payment. `payload`
 * names the order; the payment comes back through checkStarsCheckout and recordStarsPayment.
 */
export interface StarsInvoice {
  orderId: number;
  title: string;
  description: string;
  /** In Stars. */
  amount: number;
  payload: string;
  /** 2592000 (30 days) for a Stars subscription, null for a one-time payment. */
  subscriptionPeriodSeconds: number | null;
}

export interface ReplyMessage {
  text: string;
  /** Rows of buttons. */
  buttons?: Button[][];
  image?: { url: string; alt: string };
  invoice?: StarsInvoice;
}

export interface Reply {
  messages: ReplyMessage[];
}

export function reply(...messages: ReplyMessage[]): Reply {
  return { messages };
}

export function textReply(text: string, buttons?: Button[][]): Reply {
  return { messages: [buttons ? { text, buttons } : { text }] };
}

/** Removes the markup, for plain renderers and logs. */
export function plainText(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, "$1").replace(/`([^`]+)`/g, "$1");
}

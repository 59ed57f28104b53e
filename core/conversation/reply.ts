/**
 * The neutral reply every adapter renders in its own idiom: Telegram HTML and inline keyboards, Discord embeds and
 * buttons, numbered choices in the console.
 *
 * Text uses a tiny markup: `**bold**` and `` `code` `` (see markup.ts); values from people are escaped with
 * `escapeMarkup` (the message catalog does it for every template), so only the templates format. Labels use the same
 * markup and are shown as plain text. Adapters render the parsed spans and escape everything else.
 */
export { escapeMarkup, plainText } from "./markup.js";

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

/**
 * A lesson's image or file, by reference: the adapter loads its bytes or platform file id with `loadAttachment`
 * (core/learning/attachments.ts) and sends it with the platform's media method.
 */
export interface AttachmentRef {
  id: number;
  kind: "photo" | "document";
  /** As in the course folder (`chart.png`): Markdown refers to it as `![alt](chart.png)` or `[name](chart.png)`. */
  fileName: string;
  caption?: string;
}

/**
 * A file made for this member now (their /mydata export), carried as bytes: Telegram sends it with sendDocument,
 * Discord as an attachment, the console saves it and shows the path.
 */
export interface ReplyDocument {
  /** A plain name with an extension (`lyceum-data-12.json`). */
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

export interface ReplyMessage {
  /** Tiny markup (see above); with `markdown`, a heading sent before it. */
  text: string;
  /**
   * Creator-written Markdown (a lesson): each adapter renders it natively (Telegram HTML entities, Discord markdown,
   * console plain text), splits it at paragraph boundaries within the platform's limits, sends the attachments it
   * refers to where they are referred to and the others after it; `buttons` go under the last part.
   */
  markdown?: string;
  attachments?: AttachmentRef[];
  /** Rows of buttons. */
  buttons?: Button[][];
  image?: { url: string; alt: string };
  invoice?: StarsInvoice;
  /** Sent after the text (and its buttons). */
  document?: ReplyDocument;
}

export interface Reply {
  messages: ReplyMessage[];
  /**
   * The language the reply is written in, set when it is sent outside a conversation (notices, broadcasts), so an
   * adapter writes its own labels (a DM's buttons, a "your DMs are closed" note) in the same language.
   */
  locale?: "en" | "zh";
}

export function reply(...messages: ReplyMessage[]): Reply {
  return { messages };
}

export function textReply(text: string, buttons?: Button[][]): Reply {
  return { messages: [buttons ? { text, buttons } : { text }] };
}

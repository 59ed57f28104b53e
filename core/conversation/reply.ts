/**
 * The neutral reply every adapter renders in its own idiom: Telegram HTML and inline keyboards, Discord embeds and
 * buttons, numbered choices in the console.
 *
 * Text uses a tiny markup: `**bold**` and `` `code` ``. Adapters escape everything else.
 */
export type Button =
  | { label: string /** Callback data, at most 64 bytes (Telegram's limit). */; action: string }
  | { label: string; url: string };

export interface ReplyMessage {
  text: string;
  /** Rows of buttons. */
  buttons?: Button[][];
  image?: { url: string; alt: string };
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

/**
 * What an adapter hands the core for every incoming update: who, where, and what they did.
 */

import type { IncomingFile } from "../catalog/attach-lesson-file.js";
import type { PlatformUser } from "../identity/resolve-member.js";

export type ChatInput =
  /** `/buy 3 WELCOME10` — name without the slash, arguments split on spaces; `raw` is everything after the name. */
  | { kind: "command"; name: string; args: string[]; raw: string }
  /** A button press: the button's `action` string. Treated exactly like the command it names, so it is checked the same way. */
  | { kind: "action"; data: string }
  /** Plain text (answers in a guided flow). */
  | { kind: "text"; text: string }
  /** A photo or file sent in a private chat (a creator attaching it to a lesson in a guided flow). */
  | { kind: "file"; file: IncomingFile };

export type { IncomingFile };

export interface ChatRequest {
  user: PlatformUser;
  chat: { id: string; kind: "private" | "group" };
  input: ChatInput;
  /** What the platform can do beyond text and buttons. */
  capabilities?: {
    /** Sell inside the chat with Telegram Stars invoices (Telegram requires it for digital goods). */
    starsInvoices?: boolean;
  };
  /** Prefix of a deep link into the bot, e.g. `https://t.me/MyBot?start=`; used for invite links. */
  botLink?: string;
  /**
   * The Q&A place a group command was sent in (`tg:<chat>`, `dc:<forum channel>`) and its name there: `/helper` run
   * in a forum or group sets that place's mode.
   */
  place?: { ref: string; title?: string | null };
}

/** Splits `/buy@MyBot 3 CODE` into a command input; null when the text is not a command. */
export function parseCommand(text: string): Extract<ChatInput, { kind: "command" }> | null {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  const raw = (match[2] ?? "").trim();
  return { kind: "command", name: match[1]!.toLowerCase(), args: raw ? raw.split(/\s+/) : [], raw };
}

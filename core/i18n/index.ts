/**
 * Picks the message catalog for a locale. Every member-facing text lives in en.ts and zh.ts.
 */
import { en, type Messages } from "./en.js";
import { zh } from "./zh.js";

export type LocaleCode = "en" | "zh";
export type { Messages };

export const LOCALES: readonly LocaleCode[] = ["en", "zh"];

export function messages(locale: LocaleCode): Messages {
  return locale === "zh" ? zh : en;
}

export function formatDate(locale: LocaleCode, date: Date): string {
  return date.toLocaleDateString(messages(locale).dateFormat, {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

/** The product title in the member's language (falls back to the other one). */
export function localized(locale: LocaleCode, en: string, zhText: string): string {
  return (locale === "zh" ? zhText || en : en || zhText) ?? "";
}

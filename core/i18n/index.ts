/**
 * Picks the message catalog for a locale. Every member-facing text lives in en.ts and zh.ts.
 *
 * Templates are neutral markup (`**bold**`, `` `code` ``); every value they interpolate is escaped first, so a name,
 * a title or a reason is always literal text and can never change the formatting. A catalog text used as a value of
 * another template is passed through `plainText` first (its formatting is dropped, its text kept literal).
 */
import { escapeMarkup } from "../conversation/markup.js";
import { formatDay, formatDayTime } from "./dates.js";
import { en, type Messages } from "./en.js";
import { zh } from "./zh.js";

export type LocaleCode = "en" | "zh";
export type { Messages };

export const LOCALES: readonly LocaleCode[] = ["en", "zh"];

type Params = Record<string, string | number> | undefined;

/** The catalog with every template wrapped: string parameters are escaped for the neutral markup. */
function escapingCatalog<T>(value: T): T {
  if (typeof value === "function") {
    const template = value as (params: Params) => string;
    return ((params: Params) =>
      template(
        params &&
          Object.fromEntries(
            Object.entries(params).map(([key, v]) => [key, typeof v === "string" ? escapeMarkup(v) : v]),
          ),
      )) as T;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, escapingCatalog(v)])) as T;
  }
  return value;
}

const CATALOGS: Record<LocaleCode, Messages> = { en: escapingCatalog(en), zh: escapingCatalog(zh) };

/**
 * The message catalog for a locale; its templates escape what they interpolate.
 *
 * @example messages("zh").welcome({ name: member.displayName }) // the name is literal, whatever it holds
 */
export function messages(locale: LocaleCode): Messages {
  return CATALOGS[locale] ?? CATALOGS.en;
}

/** A day as the member reads it: their language, their time zone (`Member.timeZone`; UTC when unknown). */
export function formatDate(locale: LocaleCode, date: Date, timeZone?: string | null): string {
  return formatDay(messages(locale).dateFormat, date, timeZone);
}

/** A day and time as the member reads it, the zone named (a live session's start). */
export function formatDateTime(locale: LocaleCode, date: Date, timeZone?: string | null): string {
  return formatDayTime(messages(locale).dateFormat, date, timeZone);
}

/** The product title in the member's language (falls back to the other one). */
export function localized(locale: LocaleCode, en: string, zhText: string): string {
  return (locale === "zh" ? zhText || en : en || zhText) ?? "";
}

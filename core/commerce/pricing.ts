/**
 * Prices: coupons and formatting. Amounts are integers in the currency's minor unit.
 */

/** Currencies whose minor unit is the unit itself (Stripe's zero-decimal list, plus Telegram Stars). */
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
  "xtr",
]);

export interface CouponTerms {
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
}

/** The price after a coupon, never below zero; an amount-off coupon in another currency does not apply. */
export function applyCoupon(listAmount: number, currency: string, coupon: CouponTerms | null): number {
  if (!coupon) return listAmount;
  if (coupon.percentOff) {
    const percent = Math.min(100, Math.max(0, coupon.percentOff));
    return Math.max(0, Math.round((listAmount * (100 - percent)) / 100));
  }
  if (coupon.amountOff && (!coupon.currency || coupon.currency.toLowerCase() === currency.toLowerCase())) {
    return Math.max(0, listAmount - coupon.amountOff);
  }
  return listAmount;
}

/** Building an `Intl.NumberFormat` costs far more than using one: one per locale and currency, kept. */
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number, currency: string, locale: "en" | "zh"): string {
  const code = currency.toLowerCase();
  if (code === "xtr") return `⭐${amount}`;
  const value = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  const key = `${locale}|${code}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en-US", {
      style: "currency",
      currency: code.toUpperCase(),
    });
    moneyFormats.set(key, format);
  }
  return format.format(value);
}

/** Parses "49", "49.90" or "19,90" into minor units; null when it is not a price. */
export function parseAmount(text: string, currency: string): number | null {
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  if (ZERO_DECIMAL.has(currency.toLowerCase())) return match[2] ? null : Number(match[1]);
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

/**
 * Shared pieces of replies: prices and product lines in the member's language.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { formatMoney } from "../commerce/pricing.js";
import { type LocaleCode, localized, messages } from "../i18n/index.js";

type Offer = Prisma.OfferGetPayload<object>;

export function offerPrice(locale: LocaleCode, offer: Offer | undefined): string {
  const m = messages(locale);
  if (!offer) return "—";
  if (offer.amount === 0) return m.free;
  const price = formatMoney(offer.amount, offer.currency, locale);
  if (offer.kind === "RECURRING") return `${price}${offer.interval === "YEAR" ? m.perYear : m.perMonth}`;
  return price;
}

export function productTitle(locale: LocaleCode, product: { titleEn: string; titleZh: string }): string {
  return localized(locale, product.titleEn, product.titleZh);
}

export function productSummary(locale: LocaleCode, product: { summaryEn: string; summaryZh: string }): string {
  return localized(locale, product.summaryEn, product.summaryZh);
}

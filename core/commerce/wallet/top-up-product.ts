/**
 * A top-up is an ordinary Order, so it is paid by every path an order is (Stripe Checkout, a Stars invoice, the
 * creator's /confirm) and reconciled, refunded and disputed the same way. Its product is a hidden one per currency,
 * made on first use: never published (so /buy and the catalog never offer it), named so no course slug can clash
 * (course slugs never start with `_`). Paying it credits the wallet instead of granting access.
 */
import type { Transaction } from "../../context.js";

const TOP_UP_SLUG_PREFIX = "_wallet-top-up-";

/** Whether a product is a wallet top-up (its orders credit a wallet and grant nothing). */
export function isTopUpProduct(product: { slug: string }): boolean {
  return product.slug.startsWith(TOP_UP_SLUG_PREFIX);
}

/** The hidden top-up product and its offer for a currency, made once (two first top-ups at once make one). */
export async function topUpOffer(tx: Transaction, currency: string): Promise<{ productId: number; offerId: number }> {
  const code = currency.toLowerCase();
  const slug = `${TOP_UP_SLUG_PREFIX}${code}`;
  await tx.product.createMany({
    data: [{ kind: "ARTICLE", slug, titleEn: "Wallet top-up", titleZh: "钱包充值", published: false }],
    skipDuplicates: true,
  });
  // The product's row is the lock: two first top-ups at once make one offer.
  const [locked] = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Product" WHERE "slug" = ${slug} FOR UPDATE`;
  const product = await tx.product.findUniqueOrThrow({ where: { id: locked!.id }, include: { offers: true } });
  const offer =
    product.offers[0] ??
    (await tx.offer.create({
      // Inactive: the order carries the amount; nothing that lists offers should ever show this one.
      data: { productId: product.id, kind: "ONE_TIME", amount: 0, currency: code, active: false },
    }));
  return { productId: product.id, offerId: offer.id };
}

/**
 * Which of a product's offers a member sees and pays: the one their variant names while a price test runs on the
 * product, the product's first offer otherwise. /course, /courses and /buy all ask here, so a member sees one price
 * everywhere and is charged what they saw.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";
import { priceExperimentKeys } from "./experiment-keys.js";
import { type ActiveExperiment, exposeMember, peekVariant } from "./experiment-record-exposure.js";
import { parseVariants } from "./experiment-variants.js";

type Offer = Prisma.OfferGetPayload<object>;

/** The product's running price test, or null. */
export async function findPriceExperiment(ctx: CoreContext, productId: number): Promise<ActiveExperiment | null> {
  const keys = priceExperimentKeys(productId);
  const row = await ctx.prisma.experiment.findFirst({
    where: { active: true, OR: [{ key: keys.first }, { key: { startsWith: keys.laterPrefix } }] },
    orderBy: { id: "desc" },
  });
  return row && { id: row.id, key: row.key, variants: parseVariants(row.variants) };
}

/**
 * The money offer (not the Stars-only one) this member gets for the product. Records the exposure unless
 * `expose: false` (a list showing prices in passing, an owner or a creator looking at the page).
 *
 * Costs nothing for a product with a single money offer, which is every product without a price test: a test needs
 * two active offers, so only then is the experiment looked up.
 *
 * @example const offer = await offerForMember(ctx, product, member.id) // the offer to show and to charge
 */
export async function offerForMember(
  ctx: CoreContext,
  product: { id: number; offers: readonly Offer[] },
  memberId: number,
  options: { expose?: boolean } = {},
): Promise<Offer | undefined> {
  const money = product.offers.filter((offer) => offer.active && offer.currency !== "xtr");
  if (money.length < 2) return money[0];
  const experiment = await findPriceExperiment(ctx, product.id);
  if (!experiment) return money[0];
  const variant =
    options.expose === false
      ? await peekVariant(ctx, experiment, memberId)
      : await exposeMember(ctx, experiment, memberId);
  // A variant whose offer was switched off by hand falls back to the default rather than selling nothing.
  return money.find((offer) => offer.id === variant.offerId) ?? money[0];
}

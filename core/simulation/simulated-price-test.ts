/**
 * The creator's price test in a simulated community, so `/experiments` has results to show: on its first day the
 * console's creator (the owner, `console:creator`) starts a test of the first one-time course at its price (A) and
 * about 20 % less (B), through the product's own use case. Members who come to buy it are shown their variant's
 * price (`offerForMember`, which records the exposure as /course does), and fewer buy at the higher price: each
 * walks away with probability 1 − (lower / shown)², the simulator's price sensitivity. A purchase counts as the
 * conversion through the payment path, as for a real member.
 */
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { resolveMember } from "../identity/resolve-member.js";
import { createPriceExperiment } from "../insights/experiment-create-price.js";
import { offerForMember } from "../insights/experiment-offer-for-member.js";
import type { SimulatedPriceTest, SimulatedProduct } from "./simulation-world.js";

/** Starts the test, or returns null when the catalog has no one-time course sold for money or the test cannot start. */
export async function startSimulatedPriceTest(
  ctx: CoreContext,
  products: readonly SimulatedProduct[],
): Promise<SimulatedPriceTest | null> {
  const course = products.find((product) => product.lessons > 0 && !product.recurring);
  if (!course) return null;
  const offer = await ctx.prisma.offer.findFirst({
    where: { productId: course.id, active: true, currency: { not: "xtr" } },
    orderBy: { id: "asc" },
  });
  if (!offer || offer.amount < 1000) return null;
  // About 20 % less, in whole units of the currency.
  const lower = offer.amount - Math.max(100, Math.round(offer.amount / 500) * 100);
  try {
    const { member } = await resolveMember(ctx, {
      platform: "CONSOLE",
      externalId: "creator",
      displayName: "Creator",
      username: "creator",
      chatId: "creator",
    });
    const started = await createPriceExperiment(ctx, {
      staffMemberId: member.id,
      productId: course.id,
      amounts: [offer.amount, lower],
    });
    return started.ok ? { productId: course.id, lower } : null;
  } catch (error) {
    // The console's creator is not the owner here (OWNER_ACCOUNTS changed): no test, the rest goes on.
    if (error instanceof AppError) return null;
    throw error;
  }
}

/**
 * The offer a member is shown for the tested product (their exposure recorded), and whether its price puts them off.
 *
 * @example const seen = await seePriceTest(ctx, test, memberId, person.random); if (seen.walksAway) return
 */
export async function seePriceTest(
  ctx: CoreContext,
  test: SimulatedPriceTest,
  memberId: number,
  random: () => number,
): Promise<{ offerId: number | undefined; walksAway: boolean }> {
  const offers = await ctx.prisma.offer.findMany({ where: { productId: test.productId }, orderBy: { id: "asc" } });
  const shown = await offerForMember(ctx, { id: test.productId, offers }, memberId);
  if (!shown) return { offerId: undefined, walksAway: false };
  const keep = (test.lower / shown.amount) ** 2;
  return { offerId: shown.id, walksAway: random() >= keep };
}

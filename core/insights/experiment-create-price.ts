/**
 * The creator starts a price test: two prices for one product, each an offer (an existing active offer at that price
 * is reused, otherwise one is made like the product's current offer), half the members each. Staff only.
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { priceExperimentKeys } from "./experiment-keys.js";
import { mixtureSdFor } from "./experiment-statistics.js";

export type CreatePriceExperimentResult =
  | { ok: true; key: string; offerIds: [number, number] }
  | { ok: false; reason: "PRODUCT_NOT_FOUND" | "NOT_PAYABLE" | "SAME_PRICE" | "ALREADY_RUNNING" };

export interface CreatePriceExperimentOptions {
  staffMemberId: number;
  productId: number;
  /** Prices in minor units of the product's currency: A (the control) and B. */
  amounts: [number, number];
}

/** @example await createPriceExperiment(ctx, { staffMemberId, productId: 3, amounts: [4900, 5900] }) */
export async function createPriceExperiment(
  ctx: CoreContext,
  options: CreatePriceExperimentOptions,
): Promise<CreatePriceExperimentResult> {
  await requireStaff(ctx, options.staffMemberId);
  const [amountA, amountB] = options.amounts;
  if (amountA === amountB) return { ok: false, reason: "SAME_PRICE" };
  const keys = priceExperimentKeys(options.productId);
  return ctx.prisma.$transaction(async (tx) => {
    // One price test per product at a time, even when two creators start one at the same moment.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${keys.first}))`;
    const product = await tx.product.findUnique({
      where: { id: options.productId },
      include: { offers: { where: { active: true }, orderBy: { id: "asc" } } },
    });
    if (!product) return { ok: false, reason: "PRODUCT_NOT_FOUND" } as const;
    const base = product.offers.find((offer) => offer.currency !== "xtr");
    if (!base || base.amount <= 0) return { ok: false, reason: "NOT_PAYABLE" } as const;
    const earlier = await tx.experiment.findMany({
      where: { OR: [{ key: keys.first }, { key: { startsWith: keys.laterPrefix } }] },
      select: { active: true },
    });
    if (earlier.some((e) => e.active)) return { ok: false, reason: "ALREADY_RUNNING" } as const;

    const offerAt = async (amount: number) => {
      const same = product.offers.find(
        (offer) =>
          offer.currency === base.currency &&
          offer.amount === amount &&
          offer.kind === base.kind &&
          offer.interval === base.interval &&
          offer.accessDays === base.accessDays,
      );
      if (same) return same.id;
      // Same terms, another price; the Stars price scaled alike, so Telegram members see the test too.
      const created = await tx.offer.create({
        data: {
          productId: product.id,
          kind: base.kind,
          amount,
          currency: base.currency,
          interval: base.interval,
          accessDays: base.accessDays,
          trialDays: base.trialDays,
          starsAmount: base.starsAmount ? Math.max(1, Math.round((base.starsAmount * amount) / base.amount)) : null,
        },
      });
      return created.id;
    };
    const offerA = await offerAt(amountA);
    const offerB = await offerAt(amountB);
    const key = earlier.length === 0 ? keys.first : `${keys.laterPrefix}${earlier.length + 1}`;
    // The community's members today, half each: the most either price can be shown to.
    const members = await tx.member.count({ where: { role: "MEMBER" } });
    await tx.experiment.create({
      data: {
        key,
        createdAt: ctx.clock.now(),
        mixtureSd: mixtureSdFor(members / 2),
        variants: [
          { key: "A", weight: 1, control: true, offerId: offerA },
          { key: "B", weight: 1, offerId: offerB },
        ],
      },
    });
    return { ok: true, key, offerIds: [offerA, offerB] } as const;
  });
}

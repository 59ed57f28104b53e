/**
 * A simulated member buys one product through the product's own path: the price test's variant when one runs on it
 * (some walk away at the higher price), `createOrder` (with a coupon when the member has one), `startCheckout`, the
 * card processor and `handlePaymentEvent`. Some checkouts are opened and never paid, as in life.
 */
import { AppError } from "../app-error.js";
import { createOrder } from "../commerce/create-order.js";
import { handlePaymentEvent } from "../commerce/handle-payment-event.js";
import { startCheckout } from "../commerce/start-checkout.js";
import { seePriceTest } from "./simulated-price-test.js";
import type { SimulatedMember, SimulatedProduct, SimulationWorld } from "./simulation-world.js";

/** Share of checkouts a member opens and never pays (the order stays pending, as in life). */
const ABANDON_SHARE = 0.15;

/** Whether the member paid (false: walked away, abandoned, or refused: owned already, no longer sold). */
export async function purchase(
  world: SimulationWorld,
  member: SimulatedMember,
  product: SimulatedProduct,
  options: { couponCode?: string } = {},
): Promise<boolean> {
  const { person } = member;
  if (!member.member) return false;
  member.tried.add(product.id);
  let offerId: number | undefined;
  if (world.priceTest?.productId === product.id) {
    const seen = await seePriceTest(world.ctx, world.priceTest, member.member.id, person.random);
    if (seen.walksAway) {
      world.tallies.priceWalkaways += 1;
      return false;
    }
    offerId = seen.offerId;
  }
  const abandon = person.random() < ABANDON_SHARE;
  const locale = person.languageCode === "en" ? "en" : "zh";
  try {
    const order = await createOrder(world.ctx, {
      memberId: member.member.id,
      productId: product.id,
      offerId,
      couponCode: options.couponCode,
    });
    if (order.status === "PAID") return false; // free
    await startCheckout(world.ctx, { orderId: order.id, locale });
    if (abandon) {
      world.tallies.abandonedCheckouts += 1;
      return false;
    }
    const { checkoutRef } = await world.ctx.prisma.order.findUniqueOrThrow({
      where: { id: order.id },
      select: { checkoutRef: true },
    });
    if (!checkoutRef) return false;
    const event = world.processor.completeCheckout(checkoutRef);
    await handlePaymentEvent(world.ctx, world.processor, event);
    world.tallies.purchases += 1;
    if (event.type === "checkout.completed" && event.subscriptionRef) {
      member.subscriptions.push(event.subscriptionRef);
      world.tallies.subscriptionsStarted += 1;
    }
    return true;
  } catch (error) {
    // Owned already (a bundle covers it), no longer sold, a coupon no longer valid: the member shrugs, as in chat.
    if (error instanceof AppError) return false;
    throw error;
  }
}

/**
 * /trial <id>: a free trial of an offer with trial days, once per member and product. A Stripe subscription's trial
 * runs at Stripe (its Checkout, as /buy), every other offer gets access until the trial's end at once.
 */

import { AppError } from "../../app-error.js";
import { getProduct } from "../../catalog/catalog.js";
import { startTrial } from "../../commerce/trials/start-trial.js";
import { formatDate } from "../../i18n/index.js";
import { offerForMember } from "../../insights/experiment-offer-for-member.js";
import { type Command, idArgument, type Session } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import { textReply } from "../reply.js";
import { buyCommand } from "./member-commerce.js";

/** Whether this member's payment for the offer goes through a Stripe subscription (whose Checkout holds the trial). */
export function trialRunsAtStripe(session: Session, offer: { kind: string; starsAmount: number | null }): boolean {
  const { ctx } = session;
  if (!ctx.payments.stripe || offer.kind !== "RECURRING") return false;
  const starsPlatform = Boolean(session.request.capabilities?.starsInvoices);
  return !(starsPlatform && offer.starsAmount && !ctx.config.stripeWithStars);
}

export const trialCommand: Command = {
  name: "trial",
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const productId = idArgument(args[0], m, "trial");
    const product = await getProduct(ctx, productId, { version: session.catalogVersion });
    if (!product) throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
    const shown = await offerForMember(ctx, product, member.id, { expose: false });
    const result = await startTrial(ctx, {
      memberId: member.id,
      productId,
      offerId: shown?.id,
      viaCheckout: (offer) => trialRunsAtStripe(session, offer),
    });
    if (result.ok) {
      const text = m.trial.started({
        days: result.days,
        title: productTitle(locale, product),
        date: formatDate(locale, result.endsAt, member.timeZone),
      });
      return textReply(text, [[{ label: m.trial.buttonStart, action: `lesson ${productId}` }]]);
    }
    switch (result.reason) {
      case "CHECKOUT":
        return buyCommand.run(session, [String(productId)], String(productId));
      case "NOT_FOUND":
        throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
      case "ALREADY_OWNED":
        throw new AppError("ALREADY_OWNED", { id: productId });
      case "ALREADY_USED":
        return textReply(
          m.trial.alreadyUsed({ id: productId }),
          shown ? [[{ label: m.buttonBuy({ price: offerPrice(locale, shown) }), action: `buy ${productId}` }]] : [],
        );
      case "NO_TRIAL":
        return textReply(m.trial.noTrial({ id: productId }));
    }
  },
};

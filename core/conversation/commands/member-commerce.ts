/**
 * /buy, /mycourses, /orders, /refund: buying and owning.
 */
import { AppError } from "../../app-error.js";
import { getProduct } from "../../catalog/catalog.js";
import { createOrder, type OrderWithProduct } from "../../commerce/create-order.js";
import { rememberStarsInvoice } from "../../commerce/issued-stars-invoices.js";
import { memberOrders } from "../../commerce/member-orders.js";
import { formatMoney } from "../../commerce/pricing.js";
import { requestRefund } from "../../commerce/request-refund.js";
import { STARS_SUBSCRIPTION_PERIOD_SECONDS, starsPayload } from "../../commerce/stars-payload.js";
import { startCheckout } from "../../commerce/start-checkout.js";
import { formatDate } from "../../i18n/index.js";
import { offerForMember } from "../../insights/experiment-offer-for-member.js";
import { progressMark } from "../../learning/course-progress.js";
import { memberLibrary } from "../../learning/member-library.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productSummary, productTitle } from "../format.js";
import { type Button, type Reply, reply, textReply } from "../reply.js";
import { tellStaffOfManualOrder, walletPayButton } from "./member-wallet.js";

export const buyCommand: Command = {
  name: "buy",
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const productId = idArgument(args[0], m, "buy");
    // `/buy 3 card` asks for Stripe on a Stars platform (when the creator allows it); any other word is a coupon.
    const byCard = args.slice(1).some((a) => a.toLowerCase() === "card");
    const coupon = args.slice(1).find((a) => a.toLowerCase() !== "card");
    if (coupon !== undefined && !/^[A-Za-z0-9_-]{2,32}$/.test(coupon))
      throw new AppError("COUPON_INVALID", { code: truncateText(coupon, 32, "…") });
    const starsPlatform = Boolean(session.request.capabilities?.starsInvoices);
    const stripeAllowed = Boolean(ctx.payments.stripe) && (!starsPlatform || ctx.config.stripeWithStars);
    const inStars = starsPlatform && !(byCard && stripeAllowed) && (await hasStarsPrice(session, productId));
    // A running price test charges the offer this member was shown (and counts /buy as an exposure, for a member who
    // buys straight from a link without opening the page).
    const product = await getProduct(ctx, productId, { version: session.catalogVersion });
    const offer = product ? await offerForMember(ctx, product, member.id) : undefined;
    const order = await createOrder(ctx, {
      memberId: member.id,
      productId,
      couponCode: coupon,
      inStars,
      offerId: offer?.id,
    });
    const title = productTitle(locale, order.product);
    if (order.status === "PAID")
      return textReply(m.orderFree({ title }), [[{ label: m.buttonOpen, action: "mycourses" }]]);
    // A wallet balance that covers the price pays with one tap (one-time offers only; see member-wallet.ts).
    const fromWallet = await walletPayButton(session, order);
    if (inStars) {
      const invoice = starsInvoiceReply(session, order, coupon, stripeAllowed);
      const first = invoice.messages[0];
      if (fromWallet && first) first.buttons = [[fromWallet], ...(first.buttons ?? [])];
      return invoice;
    }

    const lines = orderLines(session, order, coupon);
    const buttons: Button[][] = fromWallet ? [[fromWallet]] : [];
    const url = stripeAllowed ? await startCheckout(ctx, { orderId: order.id, locale }) : null;
    if (url) {
      lines.push("", m.payByStripe);
      buttons.push([{ label: m.buttonPayStripe, url }]);
    }
    if (!url || ctx.config.manualPaymentInstructions) {
      lines.push(
        "",
        ctx.config.manualPaymentInstructions
          ? m.payManually({ instructions: ctx.config.manualPaymentInstructions })
          : m.payManuallyDefault,
      );
      await tellStaffOfManualOrder(session, order);
    }
    return textReply(lines.join("\n"), buttons.length ? buttons : undefined);
  },
};

/** "Order #7 — title, to pay: price", and the coupon's effect when one was used. */
function orderLines(session: Session, order: OrderWithProduct, coupon: string | undefined): string[] {
  const { m, locale } = session;
  const price = formatMoney(order.amount, order.currency, locale);
  const lines = [m.orderCreated({ order: order.id, title: productTitle(locale, order.product), price })];
  if (order.couponId && coupon) {
    const list = formatMoney(order.listAmount, order.currency, locale);
    lines.push(m.orderCouponApplied({ code: coupon.toUpperCase(), list, price }));
  }
  return lines;
}

async function hasStarsPrice(session: Session, productId: number): Promise<boolean> {
  const offer = await session.ctx.prisma.offer.findFirst({
    where: { productId, active: true, starsAmount: { gt: 0 } },
  });
  return offer !== null;
}

/** Telegram: digital goods sold inside the bot are paid in Stars, with an invoice the member pays in one tap. */
function starsInvoiceReply(
  session: Session,
  order: OrderWithProduct,
  coupon: string | undefined,
  stripeAllowed: boolean,
): Reply {
  const { m, locale } = session;
  const title = productTitle(locale, order.product);
  const lines = orderLines(session, order, coupon);
  lines.push("", m.payByStars);
  const monthly = order.offer.kind === "RECURRING" && order.offer.interval !== "YEAR";
  // Remembered so the pre-checkout query can be answered in time even if the database is slow then.
  rememberStarsInvoice(order.id, session.account.externalId, order.amount);
  return reply({
    text: lines.join("\n"),
    buttons: stripeAllowed ? [[{ label: m.buttonPayByCard, action: `buy ${order.productId} card` }]] : undefined,
    invoice: {
      orderId: order.id,
      title: truncateText(title, 32, "…"),
      description: truncateText(productSummary(locale, order.product) || title, 255, "…"),
      amount: order.amount,
      payload: starsPayload(order.id),
      subscriptionPeriodSeconds: monthly ? STARS_SUBSCRIPTION_PERIOD_SECONDS : null,
    },
  });
}

export const myCoursesCommand: Command = {
  name: "mycourses",
  async run(session) {
    const { ctx, m, locale, member } = session;
    const now = ctx.clock.now();
    // Products with access now, progress in each course (`3/12 ✓`), and the paid chats on this platform: one statement.
    const { items, gates } = await memberLibrary(ctx, { memberId: member.id, platform: session.account.platform, now });
    if (items.length === 0) return textReply(m.libraryEmpty, [[{ label: m.buttonCatalog, action: "courses" }]]);
    const lines = [m.libraryTitle];
    for (const item of items) {
      const until =
        item.endsAt === null
          ? m.forever
          : item.endsAt <= now && item.graceUntil
            ? m.graceUntil({ date: formatDate(locale, item.graceUntil, session.member.timeZone) })
            : m.until({ date: formatDate(locale, item.endsAt, session.member.timeZone) });
      const line = m.libraryLine({ id: item.productId, title: productTitle(locale, item), until });
      lines.push(item.progress ? `${line} · ${progressMark(item.progress)}` : line);
    }
    if (gates.length) {
      lines.push("");
      for (const gate of gates) lines.push(m.gateLine({ title: gate.title, link: gate.inviteLink ?? "" }));
    }
    const buttons = items
      .slice(0, 6)
      .map(({ productId: id }) => [{ label: m.buttonDetails({ id }), action: `course ${id}` }]);
    if (items.some((item) => item.progress)) buttons.push([{ label: m.learning.buttonLearn, action: "learn" }]);
    return textReply(lines.join("\n"), buttons);
  },
};

export const ordersCommand: Command = {
  name: "orders",
  async run(session) {
    const { ctx, m, locale, member } = session;
    const orders = await memberOrders(ctx, { memberId: member.id, take: 20 });
    if (orders.length === 0) return textReply(m.ordersEmpty);
    const lines = [m.ordersTitle];
    for (const o of orders) {
      lines.push(
        m.orderLine({
          order: o.id,
          title: productTitle(locale, o.product),
          price: formatMoney(o.amount, o.currency, locale),
          status: m.orderStatus[o.status] ?? o.status,
          date: formatDate(locale, o.createdAt, session.member.timeZone),
        }),
      );
    }
    return textReply(lines.join("\n"));
  },
};

export const refundCommand: Command = {
  name: "refund",
  async run(session, args) {
    const { ctx, m, member } = session;
    const orderId = idArgument(args[0], m, "refund");
    await requestRefund(ctx, { memberId: member.id, orderId, reason: args.slice(1).join(" ") });
    return textReply(m.refundRequested({ order: orderId }));
  },
};

/**
 * /wallet: a member's balances and latest entries, topping up (Stripe, Stars or by hand), paying an order from the
 * balance (the button /buy offers), and the creator's corrections.
 */
import { addToOutbox, kickOutbox } from "../../access/outbox.js";
import { AppError } from "../../app-error.js";
import type { OrderWithProduct } from "../../commerce/create-order.js";
import { rememberStarsInvoice } from "../../commerce/issued-stars-invoices.js";
import { formatMoney, parseAmount } from "../../commerce/pricing.js";
import { starsPayload } from "../../commerce/stars-payload.js";
import { startCheckout } from "../../commerce/start-checkout.js";
import { adjustWallet } from "../../commerce/wallet/adjust-wallet.js";
import { createTopUpOrder, MAX_TOP_UP_MAJOR } from "../../commerce/wallet/create-top-up-order.js";
import { payOrderFromWallet } from "../../commerce/wallet/pay-order-from-wallet.js";
import { STARS_TOP_UP_PRESETS, walletSettings } from "../../commerce/wallet/wallet-settings.js";
import { formatDate } from "../../i18n/index.js";
import { findMemberByHandle } from "../../identity/resolve-member.js";
import { isStaff } from "../../identity/roles.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Button, type Reply, reply, textReply } from "../reply.js";

/** How many ledger entries /wallet shows. */
const HISTORY_LENGTH = 10;

export const walletCommand: Command = {
  name: "wallet",
  async run(session, args) {
    const sub = args[0]?.toLowerCase();
    if (sub === undefined) return showWallet(session);
    if (sub === "topup" || sub === "top-up") return topUp(session, args.slice(1));
    if (sub === "pay") return payFromWallet(session, idArgument(args[1], session.m, "wallet"));
    if (sub === "adjust") return adjust(session, args.slice(1));
    throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.wallet ?? "" });
  },
};

// --- Balances and history

/** `+$5.00`, `−⭐100`: the sign written once, before the currency. */
function signed(session: Session, amount: number, currency: string): string {
  return `${amount < 0 ? "−" : "+"}${formatMoney(Math.abs(amount), currency, session.locale)}`;
}

async function showWallet(session: Session): Promise<Reply> {
  const { ctx, m, member, locale } = session;
  const wallets = await ctx.prisma.wallet.findMany({ where: { memberId: member.id }, orderBy: { currency: "asc" } });
  const buttons: Button[][] = [
    [
      { label: m.wallet.buttonTopUp, action: "wallet topup" },
      { label: m.wallet.buttonInvite, action: "invite" },
    ],
  ];
  if (wallets.length === 0) return textReply(`${m.wallet.title}\n${m.wallet.empty}`, buttons);
  const entries = await ctx.prisma.walletTransaction.findMany({
    where: { walletId: { in: wallets.map((w) => w.id) } },
    include: { wallet: { select: { currency: true } } },
    orderBy: { id: "desc" },
    take: HISTORY_LENGTH,
  });
  const lines = [m.wallet.title];
  for (const wallet of wallets) {
    lines.push(m.wallet.balanceLine({ balance: formatMoney(wallet.balance, wallet.currency, locale) }));
  }
  if (entries.length) {
    lines.push("", m.wallet.historyTitle);
    for (const entry of entries) {
      lines.push(
        m.wallet.entryLine({
          date: formatDate(locale, entry.createdAt, member.timeZone),
          kind: m.wallet.kind[entry.kind] ?? entry.kind,
          amount: signed(session, entry.amount, entry.wallet.currency),
          order: entry.orderId ?? "",
          // Only a creator's correction carries words meant for the member.
          note: entry.createdById ? entry.note : "",
        }),
      );
    }
  }
  lines.push("", m.wallet.hint);
  return textReply(lines.join("\n"), buttons);
}

// --- Top-up

async function topUp(session: Session, args: string[]): Promise<Reply> {
  const { ctx, m, locale } = session;
  const settings = walletSettings(ctx);
  const starsPlatform = Boolean(session.request.capabilities?.starsInvoices);
  const stripeAllowed = Boolean(ctx.payments.stripe) && (!starsPlatform || ctx.config.stripeWithStars);
  const usage = m.usage.wallet ?? "";
  if (args.length === 0) {
    // Preset buttons: Stars where the platform sells in Stars, the wallet currency wherever it can be paid.
    const buttons: Button[][] = [];
    if (starsPlatform) {
      buttons.push(
        STARS_TOP_UP_PRESETS.map((stars) => ({
          label: m.wallet.buttonAmount({ amount: formatMoney(stars, "xtr", locale) }),
          action: `wallet topup ${stars} stars`,
        })),
      );
    }
    if (!starsPlatform || stripeAllowed) {
      buttons.push(
        settings.topUpPresets.map((major) => ({
          label: m.wallet.buttonAmount({
            amount: formatMoney(minorUnits(major, settings.currency), settings.currency, locale),
          }),
          action: `wallet topup ${major} ${settings.currency}`,
        })),
      );
    }
    const text = starsPlatform
      ? m.wallet.chooseStars
      : m.wallet.chooseAmount({ currency: settings.currency.toUpperCase() });
    return textReply(text, buttons);
  }
  const named = args[1]?.toLowerCase();
  const currency =
    named === undefined
      ? starsPlatform
        ? "xtr"
        : settings.currency
      : named === "stars" || named === "star"
        ? "xtr"
        : named;
  if (!/^[a-z]{3}$/.test(currency) || args.length > 2) throw new AppError("BAD_ARGUMENTS", { usage });
  if (currency === "xtr" && !starsPlatform) return textReply(m.wallet.starsOnlyInTelegram);
  const amount = parseAmount(args[0] ?? "", currency);
  if (amount === null || amount <= 0) throw new AppError("BAD_ARGUMENTS", { usage });
  const max = minorUnits(MAX_TOP_UP_MAJOR, currency);
  if (amount > max) return textReply(m.wallet.topUpTooLarge({ max: formatMoney(max, currency, locale) }));
  const order = await createTopUpOrder(ctx, { memberId: session.member.id, amount, currency });
  const lines = [m.wallet.topUpOrder({ order: order.id, amount: formatMoney(amount, currency, locale) })];
  if (currency === "xtr") return starsTopUpReply(session, order, lines);
  const buttons: Button[][] = [];
  const url = stripeAllowed ? await startCheckout(ctx, { orderId: order.id, locale }) : null;
  if (url) {
    lines.push("", m.payByStripe);
    buttons.push([{ label: m.buttonPayStripe, url }]);
  }
  if (!url || ctx.config.manualPaymentInstructions) {
    const instructions = ctx.config.manualPaymentInstructions;
    lines.push("", instructions ? m.payManually({ instructions }) : m.payManuallyDefault);
    await tellStaffOfManualOrder(session, order);
  }
  return textReply(lines.join("\n"), buttons.length ? buttons : undefined);
}

/** A whole number of major units in minor units (`10` usd → 1000; `10` Stars → 10). */
function minorUnits(major: number, currency: string): number {
  return parseAmount(String(major), currency) ?? major;
}

function starsTopUpReply(session: Session, order: OrderWithProduct, lines: string[]): Reply {
  const { m, locale } = session;
  lines.push("", m.payByStars);
  rememberStarsInvoice(order.id, session.account.externalId, order.amount);
  const title = productTitle(locale, order.product);
  return reply({
    text: lines.join("\n"),
    invoice: {
      orderId: order.id,
      title,
      description: title,
      amount: order.amount,
      payload: starsPayload(order.id),
      subscriptionPeriodSeconds: null,
    },
  });
}

/** The creator hears of an order to be paid by hand (a purchase or a top-up) once, however often the member asks. */
export async function tellStaffOfManualOrder(session: Session, order: OrderWithProduct): Promise<void> {
  const { ctx, member } = session;
  await ctx.prisma.$transaction((tx) =>
    addToOutbox(
      tx,
      {
        kind: "notify.staff",
        notice: {
          key: "staffNewOrder",
          params: {
            order: order.id,
            title: order.product.titleEn,
            titleZh: order.product.titleZh,
            price: formatMoney(order.amount, order.currency, "en"),
            priceZh: formatMoney(order.amount, order.currency, "zh"),
            member: member.displayName,
          },
        },
      },
      `new-order:${order.id}`,
    ),
  );
  await kickOutbox(ctx);
}

// --- Paying from the balance

/**
 * The "Pay from wallet" button for an order /buy just made, when a wallet in the order's currency covers it (one-time
 * offers only: subscriptions renew at their provider).
 */
export async function walletPayButton(
  session: Session,
  order: { id: number; status: string; amount: number; currency: string; offer: { kind: string } },
): Promise<Button | null> {
  if (order.status !== "PENDING" || order.offer.kind !== "ONE_TIME" || order.amount <= 0) return null;
  const wallet = await session.ctx.prisma.wallet.findUnique({
    where: { memberId_currency: { memberId: session.member.id, currency: order.currency.toLowerCase() } },
  });
  if (!wallet || wallet.balance < order.amount) return null;
  const balance = formatMoney(wallet.balance, wallet.currency, session.locale);
  return { label: session.m.wallet.buttonPay({ balance }), action: `wallet pay ${order.id}` };
}

async function payFromWallet(session: Session, orderId: number): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const result = await payOrderFromWallet(ctx, { memberId: member.id, orderId });
  if (result.ok) {
    return textReply(
      m.wallet.paid({
        order: result.orderId,
        amount: formatMoney(result.amount, result.currency, locale),
        balance: formatMoney(result.balance, result.currency, locale),
      }),
      [[{ label: m.buttonOpen, action: "mycourses" }]],
    );
  }
  switch (result.reason) {
    case "INSUFFICIENT_FUNDS":
      return textReply(
        m.wallet.insufficient({
          order: result.orderId,
          currency: result.currency.toUpperCase(),
          amount: formatMoney(result.amount, result.currency, locale),
          balance: formatMoney(result.balance, result.currency, locale),
        }),
        [[{ label: m.wallet.buttonTopUp, action: "wallet topup" }]],
      );
    case "ALREADY_PAID":
      return textReply(m.wallet.alreadyPaid({ order: result.orderId }));
    case "NOT_PENDING":
      return textReply(m.wallet.notPending({ order: result.orderId }));
    case "RECURRING":
      return textReply(m.wallet.recurring({ order: result.orderId }));
    case "TOP_UP":
      return textReply(m.wallet.topUpFromWallet({ order: result.orderId }));
  }
}

// --- The creator's correction

async function adjust(session: Session, args: string[]): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  // The router lets every member run /wallet; this one subcommand is the creator's (and the use case checks again).
  if (!isStaff(member.role)) throw new AppError("FORBIDDEN");
  const usage = m.usage.walletAdjust ?? "";
  const [handle, amountText, currencyText, ...noteWords] = args;
  const note = noteWords.join(" ").trim();
  const named = currencyText?.toLowerCase();
  const currency = named === "stars" ? "xtr" : named;
  const sign = amountText?.startsWith("-") ? -1 : 1;
  const magnitude = currency ? parseAmount((amountText ?? "").replace(/^[+-]/, ""), currency) : null;
  if (!handle || !currency || !/^[a-z]{3}$/.test(currency) || !magnitude || !note) {
    throw new AppError("BAD_ARGUMENTS", { usage });
  }
  const target = await findMemberByHandle(ctx, handle);
  if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: handle.slice(0, 40) });
  const amount = sign * magnitude;
  const result = await adjustWallet(ctx, { staffMemberId: member.id, memberId: target.id, amount, currency, note });
  const params = { member: target.id, currency: currency.toUpperCase() };
  if (!result.ok) {
    return textReply(
      m.wallet.adjustInsufficient({ ...params, balance: formatMoney(result.balance, currency, locale) }),
    );
  }
  return textReply(
    m.wallet.adjusted({
      ...params,
      amount: signed(session, amount, currency),
      balance: formatMoney(result.balance, currency, locale),
    }),
  );
}

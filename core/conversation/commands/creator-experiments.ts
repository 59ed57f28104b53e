/**
 * /experiments for creators: the experiments with their results in words, `new price <product> <A> <B>` to start a
 * price test, `stop <key> [variant]` to end one.
 */
import { AppError } from "../../app-error.js";
import { parseAmount } from "../../commerce/pricing.js";
import { formatDate } from "../../i18n/index.js";
import { createPriceExperiment } from "../../insights/experiment-create-price.js";
import { priceExperimentProduct } from "../../insights/experiment-keys.js";
import { type ExperimentResult, experimentResults } from "../../insights/experiment-results.js";
import { stopExperiment } from "../../insights/experiment-stop.js";
import { truncateText } from "../../text.js";
import type { Command, Session } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";

/** A rate or a difference in percent with one decimal; differences signed (`+0.9`, `−0.3`). */
function percent(value: number, signed = false): string {
  const text = (Math.abs(value) * 100).toFixed(1);
  if (!signed) return text;
  return `${value < 0 && text !== "0.0" ? "−" : "+"}${text}`;
}

async function listExperiments(session: Session): Promise<Reply> {
  const { ctx, m } = session;
  const results = await experimentResults(ctx);
  if (results.length === 0) return textReply(m.experiments.empty);
  // What the price tests sell, to name each variant by its price.
  const offerIds = results.flatMap((r) => r.variants.flatMap((v) => (v.offerId ? [v.offerId] : [])));
  const productIds = results.flatMap((r) => {
    const id = priceExperimentProduct(r.key);
    return id === null ? [] : [id];
  });
  const [offers, products] = await Promise.all([
    offerIds.length ? ctx.prisma.offer.findMany({ where: { id: { in: offerIds } } }) : [],
    productIds.length ? ctx.prisma.product.findMany({ where: { id: { in: productIds } } }) : [],
  ]);
  const blocks = results.map((result) => {
    const productId = priceExperimentProduct(result.key);
    const product = products.find((p) => p.id === productId);
    return describe(session, result, {
      kind: product
        ? m.experiments.kindPrice({ id: product.id, title: productTitle(session.locale, product) })
        : result.kind === "holdout"
          ? m.experiments.kindHoldout
          : m.experiments.kindMessage,
      offerLabel: (offerId) => {
        const offer = offers.find((o) => o.id === offerId);
        return offer ? offerPrice(session.locale, offer) : "";
      },
    });
  });
  return textReply([m.experiments.title, ...blocks, m.experiments.method].join("\n\n"));
}

/** One experiment in words: a header, a line per variant, a sentence per comparison with its verdict. */
function describe(
  session: Session,
  result: ExperimentResult,
  names: { kind: string; offerLabel(offerId: number): string },
): string {
  const { m, locale } = session;
  const lines = [
    m.experiments.header({
      key: result.key,
      kind: names.kind,
      status: result.active ? m.experiments.running : m.experiments.stopped,
      date: formatDate(locale, result.createdAt, session.member.timeZone),
    }),
  ];
  for (const variant of result.variants) {
    lines.push(
      m.experiments.variantLine({
        variant: variant.key,
        offer: variant.offerId ? names.offerLabel(variant.offerId) : "",
        exposures: variant.exposures,
        conversions: variant.conversions,
        rate: percent(variant.rate),
        low: percent(variant.interval.low),
        high: percent(variant.interval.high),
      }),
    );
  }
  for (const { variant, comparison } of result.comparisons) {
    if (!comparison) {
      lines.push(m.experiments.noData({ variant: variant.key, control: result.control.key }));
      continue;
    }
    const sentence = m.experiments.comparison({
      variant: variant.key,
      rate: percent(variant.rate),
      control: result.control.key,
      controlRate: percent(result.control.rate),
      difference: percent(comparison.difference, true),
      level: Number(((1 - result.alpha) * 100).toFixed(1)),
      low: percent(comparison.interval.low, true),
      high: percent(comparison.interval.high, true),
    });
    const verdict = !comparison.conclusive
      ? m.experiments.notConclusive
      : comparison.difference > 0
        ? m.experiments.better({ variant: variant.key })
        : m.experiments.worse({ variant: variant.key });
    lines.push(m.experiments.withVerdict({ sentence, verdict }));
  }
  return lines.join("\n");
}

async function newPriceTest(session: Session, args: string[]): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const usage = () => new AppError("BAD_ARGUMENTS", { usage: m.usage.experiments ?? "" });
  const [kind, productText, priceA, priceB] = args;
  const productMatch = productText ? /^#?(\d{1,9})$/.exec(productText) : null;
  if (kind?.toLowerCase() !== "price" || !productMatch || !priceA || !priceB) throw usage();
  const productId = Number(productMatch[1]);
  // Prices are typed in the currency the product already sells in.
  const base = await ctx.prisma.offer.findFirst({
    where: { productId, active: true, currency: { not: "xtr" } },
    orderBy: { id: "asc" },
  });
  if (!base) {
    const exists = await ctx.prisma.product.count({ where: { id: productId } });
    if (!exists) throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
    return textReply(m.experiments.notPayable({ id: productId }));
  }
  const amountA = parseAmount(priceA, base.currency);
  const amountB = parseAmount(priceB, base.currency);
  if (!amountA || !amountB) throw usage();
  const created = await createPriceExperiment(ctx, {
    staffMemberId: member.id,
    productId,
    amounts: [amountA, amountB],
  });
  if (!created.ok) {
    if (created.reason === "PRODUCT_NOT_FOUND") throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
    if (created.reason === "SAME_PRICE") return textReply(m.experiments.samePrice);
    if (created.reason === "ALREADY_RUNNING") return textReply(m.experiments.alreadyRunning({ id: productId }));
    return textReply(m.experiments.notPayable({ id: productId }));
  }
  return textReply(
    m.experiments.created({
      key: created.key,
      priceA: offerPrice(locale, { ...base, amount: amountA }),
      priceB: offerPrice(locale, { ...base, amount: amountB }),
    }),
    [[{ label: m.buttonDetails({ id: productId }), action: `course ${productId}` }]],
  );
}

async function stop(session: Session, args: string[]): Promise<Reply> {
  const { ctx, m, member } = session;
  const [key, keep] = args;
  if (!key) throw new AppError("BAD_ARGUMENTS", { usage: m.usage.experiments ?? "" });
  const shown = truncateText(key, 64, "…");
  const result = await stopExperiment(ctx, { staffMemberId: member.id, key, keep });
  if (result.ok) return textReply(m.experiments.stoppedDone({ key: result.key, kept: result.kept ?? "" }));
  if (result.reason === "NOT_FOUND") return textReply(m.experiments.notFound({ key: shown }));
  if (result.reason === "NOT_RUNNING") return textReply(m.experiments.notRunning({ key: shown }));
  return textReply(m.experiments.noSuchVariant({ key: shown, variant: truncateText(keep ?? "", 32, "…") }));
}

export const experimentsCommand: Command = {
  name: "experiments",
  staffOnly: true,
  async run(session, args) {
    const [action, ...rest] = args;
    if (!action) return listExperiments(session);
    if (action.toLowerCase() === "new") return newPriceTest(session, rest);
    if (action.toLowerCase() === "stop") return stop(session, rest);
    throw new AppError("BAD_ARGUMENTS", { usage: session.m.usage.experiments ?? "" });
  },
};

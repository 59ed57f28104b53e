/**
 * /start, /help, /courses, /course: discovering what is on offer.
 */
import { AppError } from "../../app-error.js";
import { browseCatalog, getProduct, lessonsFor } from "../../catalog/catalog.js";
import { formatDate, formatDateTime, localized } from "../../i18n/index.js";
import { recordReferral } from "../../identity/resolve-member.js";
import { isStaff } from "../../identity/roles.js";
import { offerForMember } from "../../insights/experiment-offer-for-member.js";
import { progressMark, progressOver } from "../../learning/course-progress.js";
import { readerStanding } from "../../learning/reader-standing.js";
import { recordActivity } from "../../learning/record-activity.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { offerPrice, productSummary, productTitle } from "../format.js";
import { type Button, escapeMarkup, type Reply, reply, textReply } from "../reply.js";
import { showLesson } from "./member-learning.js";
import { liveSessionSection } from "./member-live.js";
import { COURSE_PAGE_REVIEWS, reviewSection } from "./member-reviews.js";

async function showProduct(session: Session, productId: number): Promise<Reply> {
  const { ctx, m, locale } = session;
  const product = await getProduct(ctx, productId, { version: session.catalogVersion });
  if (!product) throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
  // Held through the product itself or a bundle with it (what /lesson lets in), and the lessons done: one statement.
  const standing = await readerStanding(ctx, {
    memberId: session.member.id,
    productId,
    reviewLimit: COURSE_PAGE_REVIEWS,
  });
  const owned = standing.holds;
  // A running price test shows this member their variant's offer, the one /buy charges; seeing it is the exposure,
  // except for an owner or a creator, who cannot convert.
  const offer = await offerForMember(ctx, product, session.member.id, {
    expose: !owned && !isStaff(session.member.role),
  });
  // Looking at a course one does not own is the interest purchase propensity learns from.
  if (!owned && !isStaff(session.member.role))
    recordActivity(ctx, { memberId: session.member.id, kind: "course_viewed", productId: product.id });
  // Titles, summaries and lessons are what a creator typed: literal text, never markup.
  const lines = [`**${escapeMarkup(productTitle(locale, product))}** — ${m.kind[product.kind]} #${product.id}`];
  const summary = productSummary(locale, product);
  if (summary) lines.push(escapeMarkup(summary));
  // A live session's start, with the time, in the reader's own time zone.
  if (product.startsAt) {
    lines.push(m.startsAt({ when: formatDateTime(locale, product.startsAt, session.member.timeZone) }));
  }
  // A live session: where it stands, and Join (about to start or running) or Replay (after) for its owners.
  const live = liveSessionSection(session, product, owned);
  lines.push(...live.lines);
  if (offer) {
    const terms = [offerPrice(locale, offer)];
    if (offer.kind === "ONE_TIME")
      terms.push(offer.accessDays ? m.accessDays({ days: offer.accessDays }) : m.lifetimeAccess);
    if (offer.trialDays) terms.push(m.trialDays({ days: offer.trialDays }));
    lines.push(terms.join(" · "));
  }
  if (product.tags.length) lines.push(m.catalogTags({ tags: product.tags.map((t) => `#${t.tag.slug}`).join(" ") }));
  // The average of the visible reviews and the latest ones, with a button to all of them.
  const reviews = reviewSection(session, product.id, standing.reviews);
  lines.push(...reviews.lines);
  // Lessons as this reader sees them (members: published ones), numbered as /lesson counts them, done ones marked.
  const staff = isStaff(session.member.role);
  const lessons = lessonsFor(product, { staff });
  const progress =
    lessons.length && (owned || staff)
      ? progressOver(
          lessons.map((lesson) => lesson.id),
          standing.completed,
        )
      : undefined;
  if (lessons.length) {
    lines.push("", m.lessons({ count: lessons.length }));
    lessons.forEach((lesson, index) => {
      const marks = [
        progress?.completed.has(lesson.id) ? " ✓" : "",
        lesson.freePreview && !owned ? ` — ${m.learning.previewMark}` : "",
        lesson.published ? "" : ` (${m.learning.draftMark})`,
      ].join("");
      lines.push(`${index + 1}. ${escapeMarkup(localized(locale, lesson.titleEn, lesson.titleZh))}${marks}`);
    });
  }
  const buttons: Button[][] = [...live.buttons];
  const trial = offer?.trialDays ? standing.trial : null;
  const onTrial = owned && trial !== null && trial.convertedAt === null && trial.endsAt > ctx.clock.now();
  if (owned && !onTrial) {
    lines.push("", m.owned);
    if (progress) lines.push(m.learning.courseProgress({ progress: progressMark(progress) }));
  } else if (offer) {
    if (onTrial) lines.push("", m.trial.onTrial({ date: formatDate(locale, trial.endsAt, session.member.timeZone) }));
    buttons.push([{ label: m.buttonBuy({ price: offerPrice(locale, offer) }), action: `buy ${product.id}` }]);
    if (offer.trialDays && !trial && !staff)
      buttons.push([{ label: m.trial.buttonTrial({ days: offer.trialDays }), action: `trial ${product.id}` }]);
  }
  if (progress && progress.next !== null) {
    const label = progress.done ? m.learning.buttonContinueCourse : m.learning.buttonStartCourse;
    buttons.push([{ label, action: `lesson ${product.id}` }]);
  } else if (!owned && !staff) {
    const preview = lessons.findIndex((lesson) => lesson.freePreview);
    if (preview >= 0)
      buttons.push([{ label: m.learning.buttonPreview, action: `lesson ${product.id} ${preview + 1}` }]);
  }
  buttons.push(...reviews.buttons);
  buttons.push([{ label: m.buttonCatalog, action: "courses" }]);
  return textReply(lines.join("\n"), buttons);
}

export const startCommand: Command = {
  name: "start",
  async run(session, args) {
    const { ctx, m, member } = session;
    const argument = args[0] ?? "";
    const greeting = session.isNew
      ? m.welcome({ name: member.displayName })
      : m.welcomeBack({ name: member.displayName });
    const messages = [{ text: greeting }];
    // Deep-link arguments are only ever looked up, never trusted: a bad one is ignored with the normal welcome.
    const course = /^course_(\d{1,9})$/.exec(argument);
    if (course) {
      const product = await getProduct(ctx, Number(course[1]), { version: session.catalogVersion });
      if (product) return reply(...messages, ...(await showProduct(session, product.id)).messages);
    }
    // A lesson link (`lesson_<course>_<n>`) opens it with every check of /lesson: the link proves nothing.
    const lesson = /^lesson_(\d{1,9})(?:_([1-9]\d{0,3}))?$/.exec(argument);
    if (lesson) {
      const target = { course: Number(lesson[1]), number: lesson[2] === undefined ? undefined : Number(lesson[2]) };
      return reply(...messages, ...(await showLesson(session, target)).messages);
    }
    const referral = /^ref_([A-Za-z0-9]{4,20})$/.exec(argument);
    if (referral && session.isNew && (await recordReferral(ctx, member.id, referral[1]!))) {
      messages.push({ text: m.referralRecorded });
    }
    return reply(...messages);
  },
};

export const helpCommand: Command = {
  name: "help",
  async run({ m, member }) {
    if (isStaff(member.role)) return textReply(`${m.helpMember}\n\n${m.helpStaff}`);
    return textReply(member.role === "MODERATOR" ? `${m.helpMember}\n\n${m.moderation.help}` : m.helpMember);
  },
};

export const coursesCommand: Command = {
  name: "courses",
  async run(session, _args, raw) {
    const { ctx, m, locale } = session;
    const query = raw.trim();
    const { products, tags } = await browseCatalog(ctx, { query: query || undefined, version: session.catalogVersion });
    if (products.length === 0) return textReply(m.catalogEmpty, [[{ label: m.buttonCatalog, action: "courses" }]]);
    const lines = [query ? m.catalogSearchTitle({ query: truncateText(query, 40, "…") }) : m.catalogTitle];
    // The price this member would see on the page (a price test's variant); a list is not yet an exposure.
    const shown = new Map(
      await Promise.all(
        products.map(async (p) => [p.id, await offerForMember(ctx, p, session.member.id, { expose: false })] as const),
      ),
    );
    for (const p of products) {
      lines.push(
        m.catalogLine({
          id: p.id,
          title: productTitle(locale, p),
          kind: m.kind[p.kind] ?? p.kind,
          price: offerPrice(locale, shown.get(p.id)),
        }),
      );
    }
    if (!query) {
      if (tags.length) lines.push("", m.catalogTags({ tags: tags.map((t) => `#${t.slug}`).join(" ") }));
    }
    lines.push("", m.catalogHint);
    const buttons: Button[][] = [];
    for (let i = 0; i < Math.min(products.length, 8); i += 2) {
      buttons.push(
        products.slice(i, i + 2).map((p) => ({ label: m.buttonDetails({ id: p.id }), action: `course ${p.id}` })),
      );
    }
    return textReply(lines.join("\n"), buttons);
  },
};

export const courseCommand: Command = {
  name: "course",
  async run(session, args) {
    return showProduct(session, idArgument(args[0], session.m, "course"));
  },
};

/**
 * Makes the database say what one CourseDefinition says, inside the caller's transaction, touching only what
 * differs: the product matched by slug keeps its id, orders and entitlements are never touched, an offer someone
 * already ordered is retired (kept for its orders) rather than changed under them.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { Transaction } from "../context.js";
import type { CourseReport } from "./content-report.js";
import type { CourseDefinition, OfferDefinition } from "./read-course-folder.js";
import { sameValue } from "./same-value.js";
import { writeLessons } from "./write-lessons.js";

const DAY_MS = 86_400_000;

/** Product fields compared and written as they are. */
const PRODUCT_FIELDS = [
  "kind",
  "titleEn",
  "titleZh",
  "summaryEn",
  "summaryZh",
  "bodyEn",
  "bodyZh",
  "published",
  "dripDays",
  "startsAt",
  "durationMin",
  "joinUrl",
  "replayUrl",
] as const;

const PRODUCT_SELECT = Object.fromEntries(PRODUCT_FIELDS.map((field) => [field, true])) as {
  [Field in (typeof PRODUCT_FIELDS)[number]]: true;
};

const OFFER_FIELDS = ["kind", "amount", "currency", "interval", "accessDays", "trialDays", "starsAmount"] as const;

/**
 * @param now the import's clock, for `live.starts_in_days` on a product that has no start yet
 * @example await prisma.$transaction((tx) => writeCourse(tx, definition, new Date()));
 */
export async function writeCourse(tx: Transaction, course: CourseDefinition, now: Date): Promise<CourseReport> {
  const existing = await tx.product.findUnique({
    where: { slug: course.slug },
    select: {
      id: true,
      ...PRODUCT_SELECT,
      tags: { select: { tagId: true } },
      bundleItems: { select: { productId: true } },
    },
  });
  // A relative start is fixed once: re-importing next week must not move the session a week.
  const startsAt =
    course.startsAt ??
    (course.startsInDays === null
      ? null
      : (existing?.startsAt ?? new Date(now.getTime() + course.startsInDays * DAY_MS)));
  const wanted = {
    kind: course.kind,
    titleEn: course.titleEn,
    titleZh: course.titleZh,
    summaryEn: course.summaryEn,
    summaryZh: course.summaryZh,
    bodyEn: course.bodyEn,
    bodyZh: course.bodyZh,
    published: course.published,
    dripDays: course.dripDays,
    startsAt,
    durationMin: course.durationMin,
    joinUrl: course.joinUrl,
    replayUrl: course.replayUrl,
  } satisfies Prisma.ProductUncheckedUpdateInput;

  const changes: string[] = [];
  let productId: number;
  if (existing) {
    productId = existing.id;
    const changed = PRODUCT_FIELDS.filter((field) => !sameValue(existing[field], wanted[field]));
    if (changed.length) {
      await tx.product.update({
        where: { id: productId },
        data: Object.fromEntries(changed.map((field) => [field, wanted[field]])),
      });
      changes.push(...changed);
    }
  } else {
    productId = (await tx.product.create({ data: { slug: course.slug, ...wanted }, select: { id: true } })).id;
  }

  if (await writeOffer(tx, productId, course.offer)) changes.push("offer");
  if (await writeTags(tx, productId, course.tags, existing?.tags.map((t) => t.tagId) ?? [])) changes.push("tags");
  if (await writeBundle(tx, productId, course.bundle, existing?.bundleItems.map((b) => b.productId) ?? [])) {
    changes.push("bundle");
  }
  const lessons = await writeLessons(tx, productId, course.lessons);
  const lessonsChanged = lessons.some((lesson) => lesson.outcome !== "unchanged");
  return {
    folder: course.folder,
    slug: course.slug,
    productId,
    outcome: !existing ? "created" : changes.length || lessonsChanged ? "updated" : "unchanged",
    changes: existing ? changes : [],
    lessons,
  };
}

/**
 * The course's price is its first active offer. A changed price updates that offer in place while nobody ordered
 * it; once an order or subscription points at it, it is deactivated (orders keep the price they were made at) and
 * a new offer is created. No price: the offer is deactivated. True when something changed.
 */
async function writeOffer(tx: Transaction, productId: number, wanted: OfferDefinition | null): Promise<boolean> {
  const active = await tx.offer.findFirst({ where: { productId, active: true }, orderBy: { id: "asc" } });
  if (!wanted) {
    if (!active) return false;
    await tx.offer.update({ where: { id: active.id }, data: { active: false } });
    return true;
  }
  if (!active) {
    await tx.offer.create({ data: { productId, ...wanted } });
    return true;
  }
  if (OFFER_FIELDS.every((field) => sameValue(active[field], wanted[field]))) return false;
  const [orders, subscriptions] = await Promise.all([
    tx.order.count({ where: { offerId: active.id } }),
    tx.subscription.count({ where: { offerId: active.id } }),
  ]);
  if (orders + subscriptions === 0) {
    // The provider's price object described the old terms.
    await tx.offer.update({ where: { id: active.id }, data: { ...wanted, stripePriceId: null } });
  } else {
    await tx.offer.update({ where: { id: active.id }, data: { active: false } });
    await tx.offer.create({ data: { productId, ...wanted } });
  }
  return true;
}

/** Creates tags the course names first, renames those it names differently, links exactly the listed ones. */
async function writeTags(
  tx: Transaction,
  productId: number,
  tags: CourseDefinition["tags"],
  linked: number[],
): Promise<boolean> {
  let changed = false;
  const wantedIds: number[] = [];
  for (const tag of tags) {
    const found = await tx.tag.findUnique({ where: { slug: tag.slug } });
    if (!found) {
      const nameEn = tag.nameEn ?? tag.nameZh ?? tag.slug;
      const created = await tx.tag.create({ data: { slug: tag.slug, nameEn, nameZh: tag.nameZh ?? nameEn } });
      wantedIds.push(created.id);
      changed = true;
      continue;
    }
    wantedIds.push(found.id);
    const rename = {
      ...(tag.nameEn && tag.nameEn !== found.nameEn ? { nameEn: tag.nameEn } : {}),
      ...(tag.nameZh && tag.nameZh !== found.nameZh ? { nameZh: tag.nameZh } : {}),
    };
    if (Object.keys(rename).length) {
      await tx.tag.update({ where: { id: found.id }, data: rename });
      changed = true;
    }
  }
  const missing = wantedIds.filter((id) => !linked.includes(id));
  const extra = linked.filter((id) => !wantedIds.includes(id));
  if (missing.length) await tx.productTag.createMany({ data: missing.map((tagId) => ({ productId, tagId })) });
  if (extra.length) await tx.productTag.deleteMany({ where: { productId, tagId: { in: extra } } });
  return changed || missing.length > 0 || extra.length > 0;
}

/** A bundle holds exactly the listed products (importContent checked that every slug exists). */
async function writeBundle(tx: Transaction, bundleId: number, slugs: string[], linked: number[]): Promise<boolean> {
  const products = slugs.length
    ? await tx.product.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } })
    : [];
  const unknown = slugs.filter((slug) => !products.some((product) => product.slug === slug));
  if (unknown.length) throw new Error(`bundle items not found: ${unknown.join(", ")}`);
  const wanted = products.map((product) => product.id);
  const missing = wanted.filter((id) => !linked.includes(id));
  const extra = linked.filter((id) => !wanted.includes(id));
  if (missing.length) await tx.bundleItem.createMany({ data: missing.map((productId) => ({ bundleId, productId })) });
  if (extra.length) await tx.bundleItem.deleteMany({ where: { bundleId, productId: { in: extra } } });
  return missing.length > 0 || extra.length > 0;
}

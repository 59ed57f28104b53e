/**
 * Browsing: the published catalog, search by tag or text in either language, and one product's details.
 */
import type { Prisma, Tag } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";
import { truncateText } from "../text.js";

export type ProductWithOffers = Prisma.ProductGetPayload<{
  include: {
    offers: true;
    tags: { include: { tag: true } };
    lessons: { select: typeof lessonSelect };
  };
}>;

/** What a course page shows of each lesson; drafts are cached too (staff see them), `lessonsFor` hides them. */
const lessonSelect = {
  id: true,
  position: true,
  slug: true,
  titleEn: true,
  titleZh: true,
  published: true,
  freePreview: true,
} as const;

const include = {
  offers: { where: { active: true }, orderBy: { id: "asc" as const } },
  tags: { include: { tag: true } },
  lessons: { select: lessonSelect, orderBy: { position: "asc" as const } },
};

// --- The published catalog, cached

interface CachedCatalog {
  version: bigint;
  products: ProductWithOffers[];
  tags: Tag[];
}

/** Per database client (tests open several databases in one process). */
const caches = new WeakMap<object, CachedCatalog>();

/**
 * The published catalog from memory, reloaded only when the database says it changed: triggers raise
 * `CatalogVersion.version` on every write to the catalog tables, from this process or any other (a second worker, an
 * import, a creator's edit, SQL by hand), so one indexed read of one row replaces the products, offers, tags and
 * lessons queries of every /courses and /course — and for those, that row is read in the member lookup's statement
 * (Session.catalogVersion), so they need no statement of their own for the catalog.
 */
async function publishedCatalog(ctx: CoreContext, knownVersion?: bigint | null): Promise<CachedCatalog> {
  const cached = caches.get(ctx.prisma);
  // A version the caller read at the start of its request saves the query when it is the cached one; otherwise the
  // current version is read, so a reload is always labelled with the version of what it loaded.
  if (cached && knownVersion != null && knownVersion >= 0n && cached.version === knownVersion) return cached;
  // As text: pg and PGlite return 64-bit integers differently.
  const rows = await ctx.sql.query<{ version: string }>(
    `SELECT "version"::text AS "version" FROM "CatalogVersion" WHERE "id" = 1`,
  );
  const version = rows[0] ? BigInt(rows[0].version) : -1n;
  if (cached && version >= 0n && cached.version === version) return cached;
  const [products, tags] = await Promise.all([
    ctx.prisma.product.findMany({ where: { published: true }, include, orderBy: { id: "asc" } }),
    ctx.prisma.tag.findMany({ orderBy: { slug: "asc" } }),
  ]);
  const fresh = { version, products, tags };
  caches.set(ctx.prisma, fresh);
  return fresh;
}

function matches(product: ProductWithOffers, query: string): boolean {
  const needle = query.toLowerCase();
  const slug = needle.replace(/^#/, "");
  const texts = [product.titleEn, product.titleZh, product.summaryEn, product.summaryZh];
  return (
    product.tags.some(
      ({ tag }) =>
        tag.slug === slug || tag.nameEn.toLowerCase().includes(needle) || tag.nameZh.toLowerCase().includes(needle),
    ) || texts.some((text) => (text ?? "").toLowerCase().includes(needle))
  );
}

/**
 * Published products matching a query (a tag slug, or text in titles and summaries in either language) and the tags,
 * from one look at the catalog: /courses shows both, and two looks would check the catalog's version twice.
 *
 * @example const { products, tags } = await browseCatalog(ctx, { query: "python" })
 */
export async function browseCatalog(
  ctx: CoreContext,
  options: { query?: string; limit?: number; version?: bigint | null } = {},
): Promise<{ products: ProductWithOffers[]; tags: Tag[] }> {
  const query = options.query === undefined ? undefined : truncateText(options.query.trim(), 100);
  const { products, tags } = await publishedCatalog(ctx, options.version);
  const found = query ? products.filter((product) => matches(product, query)) : products;
  return { products: found.slice(0, options.limit ?? 20), tags };
}

/**
 * A published product, or null. `version`: the catalog's version the caller already knows (Session.catalogVersion, read
 * with the member at the start of a request that only reads the catalog), saving the version query.
 */
export async function getProduct(
  ctx: CoreContext,
  productId: number,
  options: { version?: bigint | null } = {},
): Promise<ProductWithOffers | null> {
  const { products } = await publishedCatalog(ctx, options.version);
  return products.find((product) => product.id === productId) ?? null;
}

/**
 * A product's lessons as a reader sees them, in order: members only the published ones, staff all. The reader's
 * lesson numbers are positions in this list (core/learning/decide-lesson-access.ts counts the same way).
 *
 * @example lessonsFor(product, { staff: isStaff(member.role) }).forEach((lesson, i) => line(i + 1, lesson))
 */
export function lessonsFor(
  product: Pick<ProductWithOffers, "lessons">,
  options: { staff: boolean },
): ProductWithOffers["lessons"] {
  return options.staff ? product.lessons : product.lessons.filter((lesson) => lesson.published);
}

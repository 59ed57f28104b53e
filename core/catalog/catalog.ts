/**
 * Browsing: the published catalog, search by tag or text in either language, and one product's details.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import type { CoreContext } from "../context.js";
import { truncateText } from "../text.js";

export type ProductWithOffers = Prisma.ProductGetPayload<{
  include: {
    offers: true;
    tags: { include: { tag: true } };
    lessons: { select: { id: true; position: true; titleEn: true; titleZh: true } };
  };
}>;

const include = {
  offers: { where: { active: true }, orderBy: { id: "asc" as const } },
  tags: { include: { tag: true } },
  lessons: {
    select: { id: true, position: true, titleEn: true, titleZh: true },
    orderBy: { position: "asc" as const },
  },
};

/**
 * @example await listProducts(ctx, { query: "python" })  // tag slug, or text in titles and summaries
 */
export async function listProducts(
  ctx: CoreContext,
  options: { query?: string; limit?: number } = {},
): Promise<ProductWithOffers[]> {
  const query = options.query === undefined ? undefined : truncateText(options.query.trim(), 100);
  let where: Prisma.ProductWhereInput = { published: true };
  if (query) {
    const text = { contains: query, mode: "insensitive" as const };
    where = {
      published: true,
      OR: [
        {
          tags: {
            some: {
              tag: { OR: [{ slug: query.toLowerCase().replace(/^#/, "") }, { nameEn: text }, { nameZh: text }] },
            },
          },
        },
        { titleEn: text },
        { titleZh: text },
        { summaryEn: text },
        { summaryZh: text },
      ],
    };
  }
  return ctx.prisma.product.findMany({ where, include, orderBy: { id: "asc" }, take: options.limit ?? 20 });
}

export async function getProduct(ctx: CoreContext, productId: number): Promise<ProductWithOffers | null> {
  return ctx.prisma.product.findFirst({ where: { id: productId, published: true }, include });
}

export async function listTags(ctx: CoreContext) {
  return ctx.prisma.tag.findMany({ orderBy: { slug: "asc" } });
}

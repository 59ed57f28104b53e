/**
 * A member's latest orders with their products' titles, in one statement through the lean reader (ctx.sql): what
 * `/orders` lists. The Prisma client read the products in a second statement and spent more time than the database.
 *
 * @example const orders = await memberOrders(ctx, { memberId, take: 20 }) // newest first
 */
import type { CoreContext } from "../context.js";

export interface MemberOrder {
  id: number;
  productId: number;
  status: string;
  amount: number;
  currency: string;
  createdAt: Date;
  product: { titleEn: string; titleZh: string };
}

interface Row {
  id: number;
  productId: number;
  status: string;
  amount: number;
  currency: string;
  createdAt: number;
  titleEn: string;
  titleZh: string;
}

const ORDERS = `
  SELECT o."id", o."productId", o."status"::text AS "status", o."amount", o."currency",
    (EXTRACT(EPOCH FROM o."createdAt") * 1000)::float8 AS "createdAt", p."titleEn", p."titleZh"
  FROM "Order" o JOIN "Product" p ON p."id" = o."productId"
  WHERE o."memberId" = $1
  ORDER BY o."id" DESC
  LIMIT $2`;

export async function memberOrders(
  ctx: CoreContext,
  options: { memberId: number; take: number },
): Promise<MemberOrder[]> {
  const rows = await ctx.sql.query<Row>(ORDERS, [options.memberId, options.take]);
  return rows.map((row) => ({
    id: Number(row.id),
    productId: Number(row.productId),
    status: row.status,
    amount: Number(row.amount),
    currency: row.currency,
    createdAt: new Date(row.createdAt),
    product: { titleEn: row.titleEn, titleZh: row.titleZh },
  }));
}

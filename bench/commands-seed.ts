/**
 * The commands benchmark's data: the demo catalog and N members, each with a Telegram account (user id 700000 + i),
 * 0–3 orders (the first paid, with its entitlement) so /mycourses and /orders have something to list.
 */
import type { PrismaClient } from "../prisma/generated/client.js";
import { seedDemoCatalog } from "../prisma/seed.js";

export const FIRST_USER_ID = 700_000;

/** Refuses a database that holds anything unless `reset`; with `reset`, empties every table (as the other benches). */
export async function prepareDatabase(prisma: PrismaClient, reset: boolean): Promise<void> {
  const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  if (!reset) {
    const members = await prisma.member.count();
    const products = await prisma.product.count();
    if (members || products) {
      process.stderr.write(
        `this database already holds ${members} members and ${products} products: run on a scratch database, or pass --reset to empty it\n`,
      );
      process.exit(2);
    }
  }
  await prisma.$executeRawUnsafe(
    `TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`,
  );
}

export async function seedMembers(prisma: PrismaClient, count: number): Promise<void> {
  await seedDemoCatalog(prisma);
  const products = await prisma.product.findMany({
    where: { published: true },
    include: { offers: { where: { active: true, currency: { not: "xtr" } }, orderBy: { id: "asc" } } },
    orderBy: { id: "asc" },
  });
  const sellable = products.filter((p) => p.offers.length);
  const CHUNK = 1000;
  for (let start = 0; start < count; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, count - start) }, (_, j) => start + j);
    await prisma.member.createMany({
      data: ids.map((i) => ({ displayName: `Member ${i}`, referralCode: `BC${i}` })),
    });
    const members = await prisma.member.findMany({
      where: { referralCode: { in: ids.map((i) => `BC${i}`) } },
      select: { id: true, referralCode: true },
    });
    const byIndex = new Map(members.map((m) => [Number(m.referralCode.slice(2)), m.id]));
    await prisma.platformAccount.createMany({
      data: ids.map((i) => ({
        platform: "TELEGRAM" as const,
        externalId: String(FIRST_USER_ID + i),
        chatId: String(FIRST_USER_ID + i),
        memberId: byIndex.get(i)!,
      })),
    });
    const orders = ids.flatMap((i) =>
      Array.from({ length: i % 4 }, (_, k) => {
        const product = sellable[(i + k) % sellable.length]!;
        const offer = product.offers[0]!;
        return {
          memberId: byIndex.get(i)!,
          productId: product.id,
          offerId: offer.id,
          status: k === 0 ? ("PAID" as const) : ("PENDING" as const),
          listAmount: offer.amount,
          amount: offer.amount,
          currency: offer.currency,
          paidAt: k === 0 ? new Date() : null,
        };
      }),
    );
    await prisma.order.createMany({ data: orders });
  }
  const paid = await prisma.order.findMany({
    where: { status: "PAID" },
    select: { id: true, memberId: true, productId: true },
  });
  await prisma.entitlement.createMany({
    data: paid.map((o) => ({
      memberId: o.memberId,
      productId: o.productId,
      orderId: o.id,
      source: "PURCHASE" as const,
    })),
  });
  await prisma.$executeRawUnsafe("ANALYZE");
}

/**
 * Leaves the database as a running one is between bursts: vacuumed, its statistics fresh and the seeding's writes
 * checkpointed, so neither bot measures the other's (or the seed's) background work — the first bot to run used to
 * share the machine with the checkpoint and autovacuum the seeding set off.
 */
export async function settleDatabase(prisma: PrismaClient): Promise<void> {
  await prisma.$executeRawUnsafe("VACUUM (ANALYZE)");
  await prisma.$executeRawUnsafe("CHECKPOINT");
}

/**
 * A bilingual demo catalog, so a newcomer has something to browse and buy on first start: the course folders in
 * `content/demo/` (imported like a creator's own, README "Course folders"), plus what is not content — the WELCOME10
 * coupon and the console's members' lounge. Runs only on an empty catalog; a creator's own products are never touched.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatProblem } from "../core/content/content-report.js";
import { importContent } from "../core/content/import-content.js";
import type { PrismaClient } from "./generated/client.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** `content/demo/` of the repository, from `prisma/` or, compiled, from `dist/prisma/` (never a copy in dist/). */
export const DEMO_CONTENT_DIR =
  path.basename(path.dirname(HERE)) === "dist"
    ? path.resolve(HERE, "../../content/demo")
    : path.resolve(HERE, "../content/demo");

/** The products the lounge opens for, by slug. */
const LOUNGE_PRODUCTS = ["python-data-analysis", "prompt-engineering", "inner-circle", "data-ai-bundle"];

/**
 * @param now the clock of the import (the live session starts a week after it)
 * @returns false when the catalog already had products (nothing was added)
 */
export async function seedDemoCatalog(prisma: PrismaClient, now = new Date()): Promise<boolean> {
  if ((await prisma.product.count()) > 0) return false;
  const report = await importContent({ prisma, clock: { now: () => now } }, DEMO_CONTENT_DIR);
  // The demo ships with the code: a problem in it is a bug, not a creator's typo.
  if (!report.ok) throw new Error(`content/demo does not import:\n${report.problems.map(formatProblem).join("\n")}`);
  const lounge = await prisma.product.findMany({ where: { slug: { in: LOUNGE_PRODUCTS } }, select: { id: true } });
  await prisma.$transaction(async (tx) => {
    await tx.coupon.create({ data: { code: "WELCOME10", percentOff: 10 } });
    await tx.gate.create({
      data: {
        platform: "CONSOLE",
        externalId: "#members-lounge",
        title: "#members-lounge",
        products: { create: lounge.map((product) => ({ productId: product.id })) },
      },
    });
  });
  return true;
}

/**
 * The creator binds a paid place (a Telegram chat, a Discord role, a console channel) to products: members with an
 * active entitlement to any of them are let in, the rest are kept out. Staff only. Rebinding replaces the products.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { type ReconcileReport, reconcileGate } from "./reconcile-gates.js";

export async function bindGate(
  ctx: CoreContext,
  options: {
    staffMemberId: number;
    platform: Platform;
    externalId: string;
    title?: string;
    guildId?: string | null;
    productIds: number[];
  },
): Promise<{ gateId: number; report: ReconcileReport }> {
  await requireStaff(ctx, options.staffMemberId);
  const products = await ctx.prisma.product.findMany({
    where: { id: { in: options.productIds } },
    select: { id: true },
  });
  const missing = options.productIds.find((id) => !products.some((p) => p.id === id));
  if (missing !== undefined || options.productIds.length === 0)
    throw new AppError("PRODUCT_NOT_FOUND", { id: missing ?? "" });
  const gate = await ctx.prisma.$transaction(async (tx) => {
    const saved = await tx.gate.upsert({
      where: { platform_externalId: { platform: options.platform, externalId: options.externalId } },
      create: {
        platform: options.platform,
        externalId: options.externalId,
        title: options.title ?? options.externalId,
        guildId: options.guildId ?? null,
      },
      update: options.title ? { title: options.title } : {},
    });
    await tx.gateProduct.deleteMany({ where: { gateId: saved.id } });
    await tx.gateProduct.createMany({ data: options.productIds.map((productId) => ({ gateId: saved.id, productId })) });
    return saved;
  });
  return { gateId: gate.id, report: await reconcileGate(ctx, gate.id) };
}

export async function listGates(ctx: CoreContext) {
  return ctx.prisma.gate.findMany({
    include: { products: { include: { product: true } }, members: { where: { state: "PRESENT" } } },
    orderBy: { id: "asc" },
  });
}

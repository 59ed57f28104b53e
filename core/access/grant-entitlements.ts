/**
 * Writes entitlements for a product (and, for a bundle, each product in it), and asks for the gates to follow.
 * Runs inside the caller's transaction so money and access are written together.
 */
import type { EntitlementSource } from "../../prisma/generated/enums.js";
import type { Transaction } from "../context.js";
import { addToOutbox } from "./outbox.js";

export interface GrantEntitlementsOptions {
  memberId: number;
  productId: number;
  source: EntitlementSource;
  startsAt: Date;
  endsAt: Date | null;
  orderId?: number;
  subscriptionId?: number;
  grantedById?: number;
}

/** @example await grantEntitlements(tx, { memberId, productId, source: "PURCHASE", startsAt: now, endsAt: null, orderId }) */
export async function grantEntitlements(tx: Transaction, options: GrantEntitlementsOptions): Promise<number[]> {
  const items = await tx.bundleItem.findMany({ where: { bundleId: options.productId }, select: { productId: true } });
  const productIds = [options.productId, ...items.map((i) => i.productId)];
  const ids: number[] = [];
  for (const productId of productIds) {
    const data = {
      memberId: options.memberId,
      productId,
      source: productId === options.productId ? options.source : ("BUNDLE" as const),
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      orderId: options.orderId ?? null,
      subscriptionId: options.subscriptionId ?? null,
      grantedById: options.grantedById ?? null,
    };
    const row = options.orderId
      ? await tx.entitlement.upsert({
          where: { orderId_productId: { orderId: options.orderId, productId } },
          create: data,
          update: { endsAt: data.endsAt, graceUntil: null, revokedAt: null, revokeReason: null },
        })
      : await tx.entitlement.create({ data });
    ids.push(row.id);
  }
  await addToOutbox(tx, { kind: "access.sync", memberId: options.memberId });
  return ids;
}

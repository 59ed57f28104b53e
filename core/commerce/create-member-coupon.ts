/**
 * A coupon meant for one member (a retention offer): an unguessable code, one redemption, a short life, and an
 * owner: createOrder refuses it to anyone else, so a forwarded code is worth nothing.
 *
 * @example const coupon = await createMemberCoupon(tx, { memberId: 42, percentOff: 20, productId: 3, expiresAt })
 */
import { randomBytes } from "node:crypto";
import type { Transaction } from "../context.js";

/** Letters and digits that cannot be mistaken for each other when typed from a screen. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function memberCouponCode(prefix = "KEEP"): string {
  const bytes = randomBytes(8);
  return `${prefix}-${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("")}`;
}

export async function createMemberCoupon(
  tx: Transaction,
  options: { memberId: number; percentOff: number; productId: number | null; expiresAt: Date; code?: string },
) {
  return tx.coupon.create({
    data: {
      code: options.code ?? memberCouponCode(),
      percentOff: options.percentOff,
      productId: options.productId,
      maxRedemptions: 1,
      memberId: options.memberId,
      expiresAt: options.expiresAt,
    },
  });
}

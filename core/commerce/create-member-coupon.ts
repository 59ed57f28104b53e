/**
 * A coupon meant for one member (a retention offer): an unguessable code, one redemption, a short life. The Coupon
 * table has no owner column, so "for one member" rests on the code reaching only them (a personal message) and on
 * its single use; a forwarded code would work once for someone else.
 *
 * @example const coupon = await createMemberCoupon(tx, { percentOff: 20, productId: 3, expiresAt: addDays(now, 7) })
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
  options: { percentOff: number; productId: number | null; expiresAt: Date; code?: string },
) {
  return tx.coupon.create({
    data: {
      code: options.code ?? memberCouponCode(),
      percentOff: options.percentOff,
      productId: options.productId,
      maxRedemptions: 1,
      expiresAt: options.expiresAt,
    },
  });
}

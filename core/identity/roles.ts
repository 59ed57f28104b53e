/**
 * Who may do what. Checked in the use case itself, not only in the command router, so no adapter can skip it.
 */
import type { Role } from "../../prisma/generated/enums.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";

export const STAFF_ROLES: readonly Role[] = ["OWNER", "CREATOR"];

export function isStaff(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}

/** Throws FORBIDDEN unless the member is an owner or creator. */
export async function requireStaff(ctx: CoreContext, memberId: number): Promise<void> {
  const member = await ctx.prisma.member.findUnique({ where: { id: memberId }, select: { role: true } });
  if (!member || !isStaff(member.role)) throw new AppError("FORBIDDEN");
}

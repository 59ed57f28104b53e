/**
 * The owner appoints creators (who may confirm payments, refund, grant and add courses) and moderators. Only the
 * owner may; nobody changes their own role, and the owner role itself is given only through OWNER_ACCOUNTS.
 */
import type { Role } from "../../prisma/generated/enums.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";

export const ASSIGNABLE_ROLES = ["CREATOR", "MODERATOR", "MEMBER"] as const satisfies readonly Role[];

export async function setRole(
  ctx: CoreContext,
  options: { ownerMemberId: number; memberId: number; role: (typeof ASSIGNABLE_ROLES)[number] },
): Promise<void> {
  const owner = await ctx.prisma.member.findUnique({ where: { id: options.ownerMemberId }, select: { role: true } });
  if (owner?.role !== "OWNER") throw new AppError("FORBIDDEN");
  if (options.memberId === options.ownerMemberId) throw new AppError("BAD_ARGUMENTS");
  const target = await ctx.prisma.member.findUnique({ where: { id: options.memberId } });
  if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: options.memberId });
  if (target.role === "OWNER") throw new AppError("FORBIDDEN");
  await ctx.prisma.member.update({ where: { id: target.id }, data: { role: options.role } });
}

/**
 * Who may moderate: the owner, creators and moderators (the MODERATOR role exists for exactly this). Checked in the
 * use cases themselves, not only by the router, so no adapter can skip it.
 */
import type { Role } from "../../prisma/generated/enums.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";

export const MODERATION_ROLES: readonly Role[] = ["OWNER", "CREATOR", "MODERATOR"];

export function mayModerate(role: Role): boolean {
  return MODERATION_ROLES.includes(role);
}

/** Throws FORBIDDEN unless the member is an owner, creator or moderator; returns their name for the record. */
export async function requireModerator(ctx: CoreContext, memberId: number): Promise<{ displayName: string }> {
  const member = await ctx.prisma.member.findUnique({
    where: { id: memberId },
    select: { role: true, displayName: true },
  });
  if (!member || !mayModerate(member.role)) throw new AppError("FORBIDDEN");
  return member;
}

/**
 * A notice to everyone who moderates (the owner, creators and moderators), each in their own language: how a newly
 * pending moderation case reaches the people who can decide it.
 */
import type { Notice } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { notifyMember } from "../messaging/notify.js";
import { MODERATION_ROLES } from "./moderation-roles.js";

/** @example await notifyTeam(ctx, { key: "staffModerationPending", params }) // from the `notify.team` outbox item */
export async function notifyTeam(ctx: CoreContext, notice: Notice): Promise<number> {
  const team = await ctx.prisma.member.findMany({
    where: { role: { in: [...MODERATION_ROLES] }, erasedAt: null },
    select: { id: true },
  });
  let sent = 0;
  for (const member of team) sent += await notifyMember(ctx, member.id, notice);
  return sent;
}

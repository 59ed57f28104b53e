/**
 * The one invite link a platform gives for a gate (a Telegram join-request link), kept on the gate so /mycourses can
 * hand it out and a restart does not mint a new one. The link alone lets nobody in: every join request is checked
 * against the requester's entitlement.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";

/** @example const link = await gateInviteLink(ctx, { platform: "TELEGRAM", gateExternalId: "-1001234" }) */
export async function gateInviteLink(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string },
): Promise<string | null> {
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.gateExternalId } },
    select: { inviteLink: true },
  });
  return gate?.inviteLink ?? null;
}

export async function rememberGateInviteLink(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string; inviteLink: string | null },
): Promise<void> {
  await ctx.prisma.gate.updateMany({
    where: { platform: options.platform, externalId: options.gateExternalId },
    data: { inviteLink: options.inviteLink },
  });
}

/**
 * What a platform tells us about a gated place, and what we answer: a join request is approved only for a member
 * with an active entitlement (the requester's claim is never trusted, only looked up); joins, leaves and kicks keep
 * our record true; a gate the bot can no longer manage is reported to the creator.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { offerPrice, productTitle } from "../conversation/format.js";
import { type Button, type Reply, textReply } from "../conversation/reply.js";
import { messages } from "../i18n/index.js";
import { type PlatformUser, resolveMember } from "../identity/resolve-member.js";
import { offerForMember } from "../insights/experiment-offer-for-member.js";
import { notifyStaff } from "../messaging/notify.js";
import { activeEntitlementWhere } from "./entitlement-window.js";
import { noteOccupant } from "./gate-intruders.js";

export interface JoinDecision {
  approve: boolean;
  gateId: number;
  /** What to tell the requester, in their language: welcome, or what to buy to get in. */
  reply: Reply;
}

/** @example const decision = await decideJoinRequest(ctx, { platform: "TELEGRAM", gateExternalId: "-100123", user }) */
export async function decideJoinRequest(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string; user: PlatformUser },
): Promise<JoinDecision | null> {
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.gateExternalId } },
    include: {
      products: { include: { product: { include: { offers: { where: { active: true }, orderBy: { id: "asc" } } } } } },
    },
  });
  if (!gate) return null;
  const { member } = await resolveMember(ctx, options.user);
  const m = messages(member.locale);
  const entitled = await ctx.prisma.entitlement.findFirst({
    where: {
      memberId: member.id,
      productId: { in: gate.products.map((p) => p.productId) },
      ...activeEntitlementWhere(ctx.clock.now()),
    },
  });
  if (entitled) return { approve: true, gateId: gate.id, reply: textReply(m.joinApproved({ gate: gate.title })) };
  const lines = [m.joinDeclined({ gate: gate.title })];
  const buttons: Button[][] = [];
  for (const { product } of gate.products.filter((p) => p.product.published).slice(0, 6)) {
    const price = offerPrice(member.locale, await offerForMember(ctx, product, member.id, { expose: false }));
    lines.push(
      m.catalogLine({
        id: product.id,
        title: productTitle(member.locale, product),
        kind: m.kind[product.kind] ?? product.kind,
        price,
      }),
    );
    buttons.push([{ label: m.buttonDetails({ id: product.id }), action: `course ${product.id}` }]);
  }
  return { approve: false, gateId: gate.id, reply: textReply(lines.join("\n"), buttons) };
}

/**
 * The platform saw someone join, leave or get removed, or the status of someone inside change (`joined: false`).
 * Unknown gates, and gates still awaiting the creator's choice about people already inside, are ignored. Someone
 * inside without access (an old or leaked link, an admin's mistake) is recorded as an intrusion and handed to the
 * reconciler, which removes them; a person the bot never met becomes a known account first, from `user`.
 */
export async function recordGatePresence(
  ctx: CoreContext,
  options: {
    platform: Platform;
    gateExternalId: string;
    userExternalId: string;
    present: boolean;
    /** Who it is (name, username), so that someone who never wrote to the bot can be recorded and removed. */
    user?: PlatformUser | null;
    /** False when someone already inside changed status (promoted, restricted): they did not just get in. */
    joined?: boolean;
  },
): Promise<boolean> {
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.gateExternalId } },
    include: { products: { select: { productId: true } } },
  });
  if (!gate || gate.awaitingChoice) return false;
  if (options.present) {
    const verdict = await noteOccupant(ctx, gate, {
      externalId: options.userExternalId,
      user: options.user,
      joined: options.joined ?? true,
      syncAfter: true,
    });
    return verdict !== null;
  }
  const account = await ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.userExternalId } },
  });
  if (!account) return false;
  // Out is out: whoever leaves is no longer among those the creator chose to keep.
  const absent = { state: "ABSENT" as const, kept: false, syncedAt: ctx.clock.now() };
  await ctx.prisma.gateMembership.upsert({
    where: { gateId_accountId: { gateId: gate.id, accountId: account.id } },
    create: { gateId: gate.id, accountId: account.id, ...absent },
    update: { ...absent, lastError: null },
  });
  return true;
}

/** The bot lost its rights in a gate (removed, demoted, role above it): the creator is told what to fix. */
export async function reportGateProblem(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string; detail: string },
): Promise<void> {
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.gateExternalId } },
  });
  ctx.log.warn({ platform: options.platform, gate: options.gateExternalId, detail: options.detail }, "gate problem");
  await notifyStaff(ctx, {
    key: "staffGateProblem",
    params: { gate: gate?.title ?? options.gateExternalId, detail: options.detail },
  });
}

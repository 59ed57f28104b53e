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
import { notifyStaff } from "../messaging/notify.js";
import { activeEntitlementWhere } from "./entitlement-window.js";
import { addToOutbox, kickOutbox } from "./outbox.js";

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
    const price = offerPrice(
      member.locale,
      product.offers.find((o) => o.currency !== "xtr"),
    );
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
 * The platform saw someone join, leave or get removed. Unknown gates and people are ignored. Someone inside without an
 * entitlement (an old link, an admin's mistake) is handed to the reconciler, which removes them.
 */
export async function recordGatePresence(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string; userExternalId: string; present: boolean },
): Promise<boolean> {
  const gate = await ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.gateExternalId } },
  });
  const account = await ctx.prisma.platformAccount.findUnique({
    where: { platform_externalId: { platform: options.platform, externalId: options.userExternalId } },
  });
  if (!gate || !account) return false;
  const state = options.present ? ("PRESENT" as const) : ("ABSENT" as const);
  await ctx.prisma.$transaction(async (tx) => {
    await tx.gateMembership.upsert({
      where: { gateId_accountId: { gateId: gate.id, accountId: account.id } },
      create: { gateId: gate.id, accountId: account.id, state, syncedAt: ctx.clock.now() },
      update: { state, syncedAt: ctx.clock.now(), lastError: null },
    });
    if (options.present) await addToOutbox(tx, { kind: "access.sync", memberId: account.memberId });
  });
  if (options.present) await kickOutbox(ctx);
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

/**
 * /grant, /revoke, /gate: the creator opens and closes access by hand and binds paid channels (asking first, the
 * first time, what to do with the people already inside).
 */
import { type BindGateOptions, bindGate, chooseForPeopleInside, listGates } from "../../access/bind-gate.js";
import { grantAccess, revokeAccess } from "../../access/manage-access.js";
import { AppError } from "../../app-error.js";
import type { CoreContext } from "../../context.js";
import type { LocaleCode, Messages } from "../../i18n/index.js";
import { findMemberByHandle } from "../../identity/resolve-member.js";
import { ASSIGNABLE_ROLES, setRole } from "../../identity/set-role.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";

async function memberAndProduct(session: Session, args: string[], usage: string) {
  const { ctx, m } = session;
  if (!args[0] || !args[1]) throw new AppError("BAD_ARGUMENTS", { usage: m.usage[usage] ?? "" });
  const target = await findMemberByHandle(ctx, args[0]);
  if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: truncateText(args[0], 40, "…") });
  const productId = idArgument(args[1], m, usage);
  const product = await ctx.prisma.product.findUnique({ where: { id: productId } });
  if (!product) throw new AppError("PRODUCT_NOT_FOUND", { id: productId });
  return { target, product };
}

export const grantCommand: Command = {
  name: "grant",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const { target, product } = await memberAndProduct(session, args, "grant");
    const days = args[2] === undefined ? undefined : idArgument(args[2], m, "grant");
    await grantAccess(ctx, { staffMemberId: member.id, memberId: target.id, productId: product.id, days });
    return textReply(m.granted({ member: target.displayName, title: productTitle(locale, product), days: days ?? "" }));
  },
};

export const revokeCommand: Command = {
  name: "revoke",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, locale, member } = session;
    const { target, product } = await memberAndProduct(session, args, "revoke");
    const count = await revokeAccess(ctx, { staffMemberId: member.id, memberId: target.id, productId: product.id });
    const params = { member: target.displayName, title: productTitle(locale, product), count };
    return textReply(count ? m.revoked(params) : m.nothingToRevoke(params));
  },
};

export const gateCommand: Command = {
  name: "gate",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, locale, member, account } = session;
    if (args.length === 0) return gateList(session);
    const [channel, ...rest] = args;
    const last = rest.at(-1)?.toLowerCase();
    const choice = last === "keep" || last === "remove" ? last : undefined;
    const ids = choice ? rest.slice(0, -1) : rest;
    if (!channel || (ids.length === 0 && !choice) || !/^[#@\w:.-]{1,100}$/.test(channel))
      throw new AppError("BAD_ARGUMENTS", { usage: m.usage.gate ?? "" });
    return bindGateReply(ctx, {
      locale,
      m,
      staffMemberId: member.id,
      platform: account.platform,
      externalId: channel,
      // A choice alone (the buttons below) keeps the title the gate was bound with (a Discord role's name).
      title: ids.length ? channel : undefined,
      productIds: ids.map((id) => idArgument(id, m, "gate")),
      choice,
    });
  },
};

async function gateList(session: Session): Promise<Reply> {
  const { ctx, m } = session;
  const gates = await listGates(ctx);
  if (gates.length === 0) return textReply(m.gatesEmpty);
  const lines = [m.gatesTitle];
  for (const g of gates) {
    lines.push(
      m.gateLineStaff({
        platform: g.platform.toLowerCase(),
        gate: g.title,
        products: g.products.map((p) => `#${p.productId}`).join(" "),
        members: g.members.length,
      }),
    );
    if (g.awaitingChoice) lines.push(m.gateLineAwaiting);
    const latest = g.intrusions[0];
    if (latest) {
      const name = latest.account.member.displayName;
      const handle = latest.account.username ? ` @${latest.account.username}` : "";
      lines.push(m.gateLineIntruders({ count: g._count.intrusions, member: `${name}${handle}` }));
    }
  }
  return textReply(lines.join("\n"));
}

/**
 * `/gate` on any platform, answered the same way: binds the place (Discord's adapter passes the role and server it
 * read from the interaction), or asks first — with two buttons — what to do with the people already inside, or
 * applies that choice (`choice`, with or without products). Staff only; AppErrors for bad products.
 *
 * @example const reply = await bindGateReply(ctx, { locale, m, staffMemberId, platform: "DISCORD", externalId: roleId, title: "@Club", guildId, productIds: [1] })
 */
export async function bindGateReply(
  ctx: CoreContext,
  options: BindGateOptions & { locale: LocaleCode; m: Messages },
): Promise<Reply> {
  const { m, locale } = options;
  const result =
    options.productIds.length === 0 && options.choice
      ? await chooseForPeopleInside(ctx, { ...options, choice: options.choice })
      : await bindGate(ctx, options);
  const gate = await ctx.prisma.gate.findUniqueOrThrow({
    where: { id: result.gateId },
    include: { products: { include: { product: true } } },
  });
  if (result.kind === "ask") {
    const keep = { label: m.gateKeepButton, action: `gate ${gate.externalId} keep` };
    if (result.inside.listed) {
      const remove = { label: m.gateRemoveButton, action: `gate ${gate.externalId} remove` };
      return textReply(m.gateAskListed({ gate: gate.title, count: result.inside.withoutAccess.length }), [
        [remove],
        [keep],
      ]);
    }
    const remove = { label: m.gateRemoveFromNowButton, action: `gate ${gate.externalId} remove` };
    return textReply(m.gateAskCounted({ gate: gate.title, count: result.inside.count ?? "" }), [[remove], [keep]]);
  }
  const lines = [
    m.gateBound({
      gate: gate.title,
      products: gate.products.map((p) => `#${p.productId} ${productTitle(locale, p.product)}`).join(", "),
      granted: result.report.granted,
      revoked: result.report.revoked,
      failed: result.report.failed,
    }),
  ];
  if (result.choice === "keep") {
    lines.push(result.kept === null ? m.gateKeptCounted : m.gateKeptListed({ count: result.kept }));
  }
  if (result.choice === "remove") lines.push(m.gateRemoveFromNow);
  return textReply(lines.join("\n"));
}

export const roleCommand: Command = {
  name: "role",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, member } = session;
    const role = args[1]?.toUpperCase();
    if (!args[0] || !ASSIGNABLE_ROLES.some((r) => r === role))
      throw new AppError("BAD_ARGUMENTS", { usage: m.usage.role ?? "" });
    const target = await findMemberByHandle(ctx, args[0]);
    if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: truncateText(args[0], 40, "…") });
    await setRole(ctx, {
      ownerMemberId: member.id,
      memberId: target.id,
      role: role as (typeof ASSIGNABLE_ROLES)[number],
    });
    return textReply(m.roleSet({ member: target.displayName, role: m.role[role as string] ?? "" }));
  },
};

/**
 * /grant, /revoke, /gate: the creator opens and closes access by hand and binds paid channels.
 */
import { bindGate, listGates } from "../../access/bind-gate.js";
import { grantAccess, revokeAccess } from "../../access/manage-access.js";
import { AppError } from "../../app-error.js";
import { getProduct } from "../../catalog/catalog.js";
import { findMemberByHandle } from "../../identity/resolve-member.js";
import { ASSIGNABLE_ROLES, setRole } from "../../identity/set-role.js";
import { type Command, idArgument, type Session } from "../command.js";
import { productTitle } from "../format.js";
import { textReply } from "../reply.js";

async function memberAndProduct(session: Session, args: string[], usage: string) {
  const { ctx, m } = session;
  if (!args[0] || !args[1]) throw new AppError("BAD_ARGUMENTS", { usage: m.usage[usage] ?? "" });
  const target = await findMemberByHandle(ctx, args[0]);
  if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: args[0].slice(0, 40) });
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
    if (args.length === 0) {
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
      }
      return textReply(lines.join("\n"));
    }
    const [channel, ...ids] = args;
    if (!channel || ids.length === 0 || !/^[#@\w:.-]{1,100}$/.test(channel))
      throw new AppError("BAD_ARGUMENTS", { usage: m.usage.gate ?? "" });
    const productIds = ids.map((id) => idArgument(id, m, "gate"));
    const { report } = await bindGate(ctx, {
      staffMemberId: member.id,
      platform: account.platform,
      externalId: channel,
      title: channel,
      productIds,
    });
    const titles = await Promise.all(
      productIds.map(async (id) => {
        const p = await getProduct(ctx, id);
        return p ? `#${id} ${productTitle(locale, p)}` : `#${id}`;
      }),
    );
    return textReply(
      m.gateBound({
        gate: channel,
        products: titles.join(", "),
        granted: report.granted,
        revoked: report.revoked,
        failed: report.failed,
      }),
    );
  },
};

export const roleCommand: Command = {
  name: "role",
  staffOnly: true,
  async run(session, args) {
    const { ctx, m, member } = session;
    const role = args[1]?.toUpperCase();
    if (!args[0] || !ASSIGNABLE_ROLES.some((r) => r === role))
      throw new AppError("BAD_ARGUMENTS", { usage: m.usage.role ?? "" });
    const target = await findMemberByHandle(ctx, args[0]);
    if (!target) throw new AppError("MEMBER_NOT_FOUND", { id: args[0].slice(0, 40) });
    await setRole(ctx, {
      ownerMemberId: member.id,
      memberId: target.id,
      role: role as (typeof ASSIGNABLE_ROLES)[number],
    });
    return textReply(m.roleSet({ member: target.displayName, role: m.role[role as string] ?? "" }));
  },
};

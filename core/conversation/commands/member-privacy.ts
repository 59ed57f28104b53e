/**
 * /mydata and /erase: a member's copy of what is kept about them, and its erasure. Both work only in a private chat
 * (a group would see the file or the confirmation), and both act on the member who sends them, never on anyone named.
 *
 * /erase is confirmed twice, with buttons so it works the same on every platform (a Discord bot reads no typed DMs):
 * `/erase` explains what goes and what stays → Continue (`erase confirm`) → a second button carrying a one-time
 * token kept in the account's conversation state for ERASE_CONFIRM_MINUTES (`erase now <token>`). A stale, forged
 * or another account's token erases nothing.
 */
import { randomBytes } from "node:crypto";
import { eraseMember } from "../../identity/erase-member.js";
import { exportMemberData } from "../../identity/export-member-data.js";
import type { Command, Session } from "../command.js";
import { type Reply, reply, textReply } from "../reply.js";

/** How long the second confirmation button stays valid. */
export const ERASE_CONFIRM_MINUTES = 10;
const ERASE_FLOW = "erase";

function privateOnly(session: Session): Reply | null {
  return session.request.chat.kind === "private" ? null : textReply(session.m.privacy.privateOnly);
}

export const myDataCommand: Command = {
  name: "mydata",
  async run(session) {
    const refused = privateOnly(session);
    if (refused) return refused;
    const { ctx, m, member } = session;
    const data = await exportMemberData(ctx, { memberId: member.id });
    const day = ctx.clock.now().toISOString().slice(0, 10);
    return reply({
      text: m.privacy.mydataSent,
      document: {
        fileName: `lyceum-data-${member.id}-${day}.json`,
        mimeType: "application/json",
        data: new TextEncoder().encode(`${JSON.stringify(data, null, 2)}\n`),
      },
    });
  },
};

export const eraseCommand: Command = {
  name: "erase",
  async run(session, args) {
    const refused = privateOnly(session);
    if (refused) return refused;
    const { ctx, m, account } = session;
    const [step, token] = args;
    if (step === undefined) {
      return textReply(m.privacy.eraseExplain, [[{ label: m.privacy.buttonContinue, action: "erase confirm" }]]);
    }
    if (step === "confirm" && args.length === 1) {
      const fresh = randomBytes(9).toString("base64url");
      const expiresAt = new Date(ctx.clock.now().getTime() + ERASE_CONFIRM_MINUTES * 60_000).toISOString();
      const data = { token: fresh, expiresAt };
      await ctx.prisma.conversationState.upsert({
        where: { accountId: account.id },
        create: { accountId: account.id, flow: ERASE_FLOW, step: "confirm", data },
        update: { flow: ERASE_FLOW, step: "confirm", data },
      });
      return textReply(m.privacy.eraseConfirm({ minutes: ERASE_CONFIRM_MINUTES }), [
        [{ label: m.privacy.buttonEraseNow, action: `erase now ${fresh}` }],
      ]);
    }
    if (step === "now" && token && args.length === 2) return eraseNow(session, token);
    // `/erase @someone`, `/erase 12`: nobody erases anyone but themself.
    return textReply(m.privacy.eraseOnlyYourself);
  },
  flow: {
    name: ERASE_FLOW,
    // Typed text while the button waits erases nothing; the state stays until it expires or /cancel.
    async continue(session) {
      return textReply(session.m.privacy.eraseWaiting);
    },
  },
};

async function eraseNow(session: Session, token: string): Promise<Reply> {
  const { ctx, m, account, member } = session;
  const state = await ctx.prisma.conversationState.findUnique({ where: { accountId: account.id } });
  const data = (state?.flow === ERASE_FLOW ? state.data : null) as { token?: string; expiresAt?: string } | null;
  const valid = data?.token === token && data.expiresAt !== undefined && new Date(data.expiresAt) > ctx.clock.now();
  // Taken in one statement, so two presses of the button cannot both go on.
  const taken = valid
    ? await ctx.prisma.conversationState.deleteMany({ where: { accountId: account.id, flow: ERASE_FLOW } })
    : { count: 0 };
  if (taken.count !== 1) return textReply(m.privacy.eraseExpired);
  const result = await eraseMember(ctx, { memberId: member.id });
  if (result.ok) return textReply(m.privacy.erased);
  switch (result.reason) {
    case "STAFF":
      return textReply(m.privacy.eraseStaff);
    case "PROVIDER_UNAVAILABLE":
      return textReply(m.privacy.eraseUnavailable);
    case "ALREADY_ERASED":
      return textReply(m.privacy.erased);
  }
}

/**
 * A sending broadcast with nothing left pending is DONE, and its creator gets the tally, once: the status change is
 * conditional, so two senders finishing together report once.
 */
import type { CoreContext } from "../context.js";
import { textReply } from "../conversation/reply.js";
import { messages } from "../i18n/index.js";
import { sendToMember } from "./notify.js";
import { type BroadcastTally, tallyBroadcast } from "./tally-broadcast.js";

export async function finishBroadcasts(ctx: CoreContext): Promise<number> {
  const finished = await ctx.prisma.broadcast.findMany({
    where: { status: "SENDING", deliveries: { none: { status: "PENDING" } } },
    select: { id: true, createdById: true },
  });
  let count = 0;
  for (const broadcast of finished) {
    const moved = await ctx.prisma.broadcast.updateMany({
      where: { id: broadcast.id, status: "SENDING", deliveries: { none: { status: "PENDING" } } },
      data: { status: "DONE", finishedAt: ctx.clock.now() },
    });
    if (!moved.count) continue;
    count += 1;
    const tally = await tallyBroadcast(ctx, broadcast.id);
    if (tally) await reportTally(ctx, broadcast.createdById, tally);
  }
  return count;
}

export async function reportTally(ctx: CoreContext, memberId: number, tally: BroadcastTally): Promise<void> {
  ctx.log.info({ ...tally }, "broadcast finished");
  await sendToMember(ctx, memberId, (locale) => {
    const m = messages(locale).messaging;
    return textReply(m.broadcastDone({ ...tally, status: m.status[tally.status] ?? tally.status }));
  });
}

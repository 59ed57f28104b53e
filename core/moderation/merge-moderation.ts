/**
 * When two accounts become one member (/link), their discussion and moderation history goes along: comments, reports
 * (one per member and case: where both reported the same item, one report stays), the cases about their posts and
 * those they decided, and the stricter standing (a ban on either stays; the later mute end wins), so linking an
 * account never lifts a ban or a mute.
 */
import type { Transaction } from "../context.js";

/** @example await mergeModeration(tx, { into, from }) // inside mergeMembers, before `from` is deleted */
export async function mergeModeration(tx: Transaction, ids: { into: number; from: number }): Promise<void> {
  const { into, from } = ids;
  await tx.lessonComment.updateMany({ where: { memberId: from }, data: { memberId: into } });
  const reported = (await tx.moderationReport.findMany({ where: { reporterId: into }, select: { caseId: true } })).map(
    (r) => r.caseId,
  );
  await tx.moderationReport.deleteMany({ where: { reporterId: from, caseId: { in: reported } } });
  await tx.moderationReport.updateMany({ where: { reporterId: from }, data: { reporterId: into } });
  await tx.moderationCase.updateMany({ where: { authorId: from }, data: { authorId: into } });
  await tx.moderationCase.updateMany({ where: { decidedById: from }, data: { decidedById: into } });
  const [target, source] = await Promise.all([
    tx.member.findUniqueOrThrow({ where: { id: into }, select: { bannedAt: true, mutedUntil: true } }),
    tx.member.findUniqueOrThrow({ where: { id: from }, select: { bannedAt: true, mutedUntil: true } }),
  ]);
  const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
  const earlier = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));
  await tx.member.update({
    where: { id: into },
    data: {
      bannedAt: earlier(target.bannedAt, source.bannedAt),
      mutedUntil: later(target.mutedUntil, source.mutedUntil),
    },
  });
}

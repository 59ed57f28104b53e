/**
 * A moderator's decision on a pending case: approve (the item is visible again, its reports cleared so it takes
 * REPORT_HIDE_THRESHOLD new ones to hide it again), remove (it stays hidden, its platform copies deleted), or remove
 * and mute the author for 24 hours or ban them (no more posting here; the platform restriction follows through the
 * outbox where the bot may). Decided once: the status changes only from PENDING, so a second press of the same or
 * another button says it was already decided.
 */
import type { ModerationStatus, ModerationTarget } from "../../prisma/generated/enums.js";
import { addToOutbox, kickOutbox } from "../access/outbox.js";
import type { CoreContext } from "../context.js";
import { hideModerationItem, showModerationItem } from "./moderation-items.js";
import { mayModerate, requireModerator } from "./moderation-roles.js";

export type ModerationDecision = "approve" | "remove" | "mute" | "ban";

export const MUTE_HOURS = 24;

export type DecideModerationCaseResult =
  | {
      ok: true;
      decision: ModerationDecision;
      target: ModerationTarget;
      /** The author muted or banned. */
      author: string | null;
      mutedUntil: Date | null;
    }
  | { ok: false; reason: "NOT_FOUND" }
  | { ok: false; reason: "ALREADY_DECIDED"; status: ModerationStatus }
  | { ok: false; reason: "TEAM_AUTHOR"; author: string }
  | { ok: false; reason: "NO_AUTHOR" };

/**
 * @example await decideModerationCase(ctx, { moderatorId: member.id, caseId: 4, decision: "ban" })
 */
export async function decideModerationCase(
  ctx: CoreContext,
  options: { moderatorId: number; caseId: number; decision: ModerationDecision },
): Promise<DecideModerationCaseResult> {
  await requireModerator(ctx, options.moderatorId);
  const { decision } = options;
  const now = ctx.clock.now();
  const result = await ctx.prisma.$transaction(async (tx): Promise<DecideModerationCaseResult> => {
    const found = await tx.moderationCase.findUnique({
      where: { id: options.caseId },
      include: { author: { select: { id: true, displayName: true, role: true } } },
    });
    if (!found) return { ok: false, reason: "NOT_FOUND" };
    if (found.status !== "PENDING") return { ok: false, reason: "ALREADY_DECIDED", status: found.status };
    const restricts = decision === "mute" || decision === "ban";
    if (restricts && !found.author) return { ok: false, reason: "NO_AUTHOR" };
    if (restricts && found.author && mayModerate(found.author.role)) {
      return { ok: false, reason: "TEAM_AUTHOR", author: found.author.displayName };
    }
    // The one place a case leaves PENDING: a concurrent decision finds it decided and changes nothing.
    const decided = await tx.moderationCase.updateMany({
      where: { id: found.id, status: "PENDING" },
      data: {
        status: decision === "approve" ? "APPROVED" : "REMOVED",
        decidedById: options.moderatorId,
        decidedAt: now,
      },
    });
    if (decided.count === 0) {
      const current = await tx.moderationCase.findUniqueOrThrow({ where: { id: found.id }, select: { status: true } });
      return { ok: false, reason: "ALREADY_DECIDED", status: current.status };
    }
    if (decision === "approve") {
      await showModerationItem(tx, found.target, found.targetId);
      await tx.moderationReport.deleteMany({ where: { caseId: found.id } });
      return { ok: true, decision, target: found.target, author: null, mutedUntil: null };
    }
    await hideModerationItem(tx, found.target, found.targetId, found.reason, now);
    if (!restricts || !found.author) {
      return { ok: true, decision, target: found.target, author: null, mutedUntil: null };
    }
    const mutedUntil = decision === "mute" ? new Date(now.getTime() + MUTE_HOURS * 3_600_000) : null;
    await tx.member.update({
      where: { id: found.author.id },
      data: decision === "mute" ? { mutedUntil } : { bannedAt: now },
    });
    await addToOutbox(
      tx,
      { kind: "moderation.restrict", memberId: found.author.id, mutedUntil: mutedUntil?.toISOString() ?? null },
      `moderation-restrict:${found.id}`,
    );
    return { ok: true, decision, target: found.target, author: found.author.displayName, mutedUntil };
  });
  if (result.ok) await kickOutbox(ctx);
  return result;
}

/**
 * The creator stops an experiment: no more exposures or conversions, results frozen. A price test keeps one variant's
 * offer on sale (the control unless told otherwise) and switches the other variants' offers off, so every member sees
 * one price again. Staff only.
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { controlVariant, parseVariants } from "./experiment-variants.js";

export type StopExperimentResult =
  | { ok: true; key: string; kept: string | null }
  | { ok: false; reason: "NOT_FOUND" | "NOT_RUNNING" | "NO_SUCH_VARIANT" };

/** @example await stopExperiment(ctx, { staffMemberId, key: "price:3", keep: "B" }) */
export async function stopExperiment(
  ctx: CoreContext,
  options: { staffMemberId: number; key: string; keep?: string },
): Promise<StopExperimentResult> {
  await requireStaff(ctx, options.staffMemberId);
  return ctx.prisma.$transaction(async (tx) => {
    const experiment = await tx.experiment.findUnique({ where: { key: options.key } });
    if (!experiment) return { ok: false, reason: "NOT_FOUND" } as const;
    if (!experiment.active) return { ok: false, reason: "NOT_RUNNING" } as const;
    const variants = parseVariants(experiment.variants);
    const kept = options.keep
      ? variants.find((v) => v.key.toLowerCase() === options.keep!.toLowerCase())
      : controlVariant(variants);
    if (!kept) return { ok: false, reason: "NO_SUCH_VARIANT" } as const;
    // Only stop it if it is still running: two stops at once stop it once.
    const stopped = await tx.experiment.updateMany({
      where: { id: experiment.id, active: true },
      data: { active: false },
    });
    if (stopped.count === 0) return { ok: false, reason: "NOT_RUNNING" } as const;
    const dropped = variants.flatMap((v) => (v.offerId && v.offerId !== kept.offerId ? [v.offerId] : []));
    if (kept.offerId && dropped.length) {
      await tx.offer.updateMany({ where: { id: { in: dropped } }, data: { active: false } });
    }
    return { ok: true, key: experiment.key, kept: kept.offerId ? kept.key : null } as const;
  });
}

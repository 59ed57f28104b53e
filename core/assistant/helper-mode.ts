/**
 * How the answer helper works in a Q&A place. Today every place is answered automatically; the approval workflow
 * (drafts the creator approves, edits or rejects) will add "draft" and a per-place setting, read here and nowhere
 * else, so adapters never decide it themselves.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";

export type HelperMode = "auto" | "off";

/**
 * @example if ((await helperModeFor(ctx, { platform: "DISCORD", threadRef })) === "auto") …
 */
export async function helperModeFor(
  _ctx: CoreContext,
  _place: { platform: Platform; threadRef: string | null },
): Promise<HelperMode> {
  return "auto";
}

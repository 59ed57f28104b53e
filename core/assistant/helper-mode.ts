/**
 * How the answer helper works in a Q&A place: "auto" posts its answer at once, "draft" sends it to the creator to
 * approve, edit or reject first, "off" leaves the place to people. Each place keeps its own mode (QaPlace, set with
 * `/helper`); a place nobody set follows the HELPER_MODE setting. Read here and nowhere else, so adapters never
 * decide it themselves.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { assistantSettings } from "./assistant-settings.js";

export type HelperMode = "auto" | "draft" | "off";

const FROM_STORED = { AUTO: "auto", DRAFT: "draft", OFF: "off" } as const;

/**
 * @example if ((await helperModeFor(ctx, { platform: "DISCORD", placeRef: "dc:123" })) === "draft") …
 */
export async function helperModeFor(
  ctx: CoreContext,
  place: { platform: Platform; placeRef: string | null },
): Promise<HelperMode> {
  const fallback = assistantSettings(ctx).defaultMode;
  if (!place.placeRef) return fallback;
  const stored = await ctx.prisma.qaPlace.findUnique({
    where: { platform_placeRef: { platform: place.platform, placeRef: place.placeRef } },
    select: { helperMode: true },
  });
  return stored?.helperMode ? FROM_STORED[stored.helperMode] : fallback;
}

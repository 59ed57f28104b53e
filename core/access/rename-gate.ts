/**
 * A gate is bound by its platform id (`/gate -1001234 1`); its human name arrives later, with the platform's updates
 * (a Telegram chat's title). Members then read "Welcome to Python Club", not a number.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { stripControlCharacters, truncateText } from "../text.js";

/** @example await renameGate(ctx, { platform: "TELEGRAM", gateExternalId: "-1001234", title: "Python Club" }) */
export async function renameGate(
  ctx: CoreContext,
  options: { platform: Platform; gateExternalId: string; title: string },
): Promise<void> {
  // The platform's title is whatever an admin typed: no control characters, cut between characters.
  const title = truncateText(stripControlCharacters(options.title).trim(), 100);
  if (!title) return;
  await ctx.prisma.gate.updateMany({
    where: { platform: options.platform, externalId: options.gateExternalId, NOT: { title } },
    data: { title },
  });
}

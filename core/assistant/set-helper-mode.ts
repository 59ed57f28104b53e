/**
 * A creator sets how the answer helper works in one Q&A place (`/helper auto|draft|off`, run in the place or with the
 * place's number from anywhere). The place is known once a question was asked there, or from the command itself.
 */
import type { Platform } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import type { HelperMode } from "./helper-mode.js";

const TO_STORED = { auto: "AUTO", draft: "DRAFT", off: "OFF" } as const;

export type SetHelperModeResult =
  | { ok: true; placeId: number; title: string | null; placeRef: string }
  | { ok: false; reason: "NO_SUCH_PLACE" };

/**
 * @example await setHelperMode(ctx, { place: { platform: "TELEGRAM", placeRef: "tg:-1002" }, mode: "draft" })
 */
export async function setHelperMode(
  ctx: CoreContext,
  options: {
    place: { platform: Platform; placeRef: string; title?: string | null } | { id: number };
    mode: HelperMode;
  },
): Promise<SetHelperModeResult> {
  const helperMode = TO_STORED[options.mode];
  const { place } = options;
  if ("id" in place) {
    const updated = await ctx.prisma.qaPlace.updateMany({ where: { id: place.id }, data: { helperMode } });
    if (updated.count === 0) return { ok: false, reason: "NO_SUCH_PLACE" };
    const row = await ctx.prisma.qaPlace.findUniqueOrThrow({ where: { id: place.id } });
    return { ok: true, placeId: row.id, title: row.title, placeRef: row.placeRef };
  }
  const key = { platform: place.platform, placeRef: place.placeRef };
  const row = await ctx.prisma.qaPlace.upsert({
    where: { platform_placeRef: key },
    create: { ...key, title: place.title ?? null, helperMode },
    update: { helperMode, ...(place.title ? { title: place.title } : {}) },
  });
  return { ok: true, placeId: row.id, title: row.title, placeRef: row.placeRef };
}

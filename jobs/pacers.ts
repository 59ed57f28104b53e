/**
 * One pacer per platform per worker process, shared by every sender job the process runs. Across machines only one
 * sender per platform runs at a time (the job's coalescing key), so this process-wide pacer is the platform's pacer.
 */
import { Pacer } from "../core/messaging/pacer.js";
import { PLATFORM_LIMITS } from "../core/messaging/platform-limits.js";
import type { Platform } from "../prisma/generated/enums.js";

const pacers = new Map<Platform, Pacer>();

export function pacerFor(platform: Platform): Pacer {
  let pacer = pacers.get(platform);
  if (!pacer) {
    pacer = new Pacer(PLATFORM_LIMITS[platform]);
    pacers.set(platform, pacer);
  }
  return pacer;
}

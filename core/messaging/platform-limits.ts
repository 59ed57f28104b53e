/**
 * How fast each platform lets a bot send (shared/FACTS.md). Pacing aims a little under the published cap so that
 * timer jitter never crosses it; a 429 with `retry_after` still pauses the whole platform when it happens.
 */
import type { Platform } from "../../prisma/generated/enums.js";

export interface PlatformLimits {
  /** Messages per second for the whole bot; Infinity: no limit. */
  perSecond: number;
  /** Least time between two messages to one private chat, ms. */
  perChatIntervalMs: number;
  /** Least time between two messages to one group chat, ms (Telegram: 20 per minute). */
  perGroupIntervalMs: number;
}

export const PLATFORM_LIMITS: Record<Platform, PlatformLimits> = {
  // About 30 messages/s overall, 1/s per chat, 20/min per group.
  TELEGRAM: { perSecond: 30, perChatIntervalMs: 1000, perGroupIntervalMs: 3000 },
  // 50 requests/s globally, and a first DM costs two (open the DM channel, then send): 25 messages/s is 50
  // requests/s, 49 after the headroom. A DM channel's route bucket allows about 5 per 5 s, so 1/s per chat fits.
  DISCORD: { perSecond: 25, perChatIntervalMs: 1000, perGroupIntervalMs: 1000 },
  CONSOLE: { perSecond: Number.POSITIVE_INFINITY, perChatIntervalMs: 0, perGroupIntervalMs: 0 },
};

/** The share of the cap pacing aims for. */
export const PACING_HEADROOM = 0.98;

/** Telegram group and channel ids are negative; private chats are the user's positive id. */
export function isGroupChat(platform: Platform, chatId: string): boolean {
  return platform === "TELEGRAM" && chatId.startsWith("-");
}

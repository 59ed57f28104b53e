/**
 * Process-wide counters of what the senders did, read by the metrics endpoint. Plain numbers: core knows no metrics
 * library.
 */
import type { Platform } from "../../prisma/generated/enums.js";

export type DeliveryOutcome = "sent" | "failed" | "unreachable" | "rate_limited" | "deferred";

export const deliveryStats = {
  counts: new Map<string, number>(),
  record(platform: Platform, outcome: DeliveryOutcome): void {
    const key = `${platform}:${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  },
  /** `[platform, outcome, count]` rows. */
  rows(): [Platform, DeliveryOutcome, number][] {
    return [...this.counts].map(([key, count]) => {
      const [platform, outcome] = key.split(":") as [Platform, DeliveryOutcome];
      return [platform, outcome, count];
    });
  },
};

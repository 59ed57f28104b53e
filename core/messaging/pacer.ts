/**
 * Spaces messages to one platform: a global slot every 1/rate seconds, a per-chat minimum interval, and a pause for
 * everyone when the platform answers 429 with `retry_after`. Slots are measured from the schedule, not from when a
 * send finished, so request latency does not lower the rate; after a stall the schedule restarts from now instead of
 * bursting to catch up. The slot is taken before the row is claimed, so a slow claim followed by fast ones could still
 * put more than the cap into one second (HTTP arrival jitter): right before each send (`waitChat`), at most
 * `perSecond` sends may start within 1/headroom seconds. Real time (not ctx.clock): rate limits are physical.
 *
 * @example const pacer = new Pacer(PLATFORM_LIMITS.TELEGRAM); await pacer.waitTurn(); await pacer.waitChat("42", false)
 */
import { PACING_HEADROOM, type PlatformLimits } from "./platform-limits.js";

export interface PacerTime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTime: PacerTime = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

const CHAT_MEMORY = 10_000;

export class Pacer {
  private readonly intervalMs: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly lastByChat = new Map<string, number>();
  /** Start times of the latest sends (at most `perSecond` of them), oldest first. */
  private readonly starts: number[] = [];
  private readonly windowCount: number;

  constructor(
    private readonly limits: PlatformLimits,
    private readonly time: PacerTime = realTime,
  ) {
    this.intervalMs = Number.isFinite(limits.perSecond) ? 1000 / (limits.perSecond * PACING_HEADROOM) : 0;
    this.windowCount = Number.isFinite(limits.perSecond) ? Math.max(1, Math.floor(limits.perSecond)) : 0;
  }

  /** Waits for the next global slot (and any 429 pause). */
  async waitTurn(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs === 0 && this.pausedUntil <= this.time.now()) return;
    const now = this.time.now();
    const slot = Math.max(this.nextSlot, now, this.pausedUntil);
    this.nextSlot = slot + this.intervalMs;
    await this.time.sleep(slot - now, signal);
  }

  /** Waits until this chat may receive again and the send fits the global window; call just before the send. */
  async waitChat(chatKey: string, group: boolean, signal?: AbortSignal): Promise<void> {
    const gap = group ? this.limits.perGroupIntervalMs : this.limits.perChatIntervalMs;
    if (gap > 0) await this.waitForChat(chatKey, gap, signal);
    if (this.windowCount > 0) await this.waitForWindow(signal);
  }

  /** At most `perSecond` sends start within 1/headroom seconds: waits for the oldest to leave that window. */
  private async waitForWindow(signal?: AbortSignal): Promise<void> {
    if (this.starts.length >= this.windowCount) {
      const wait = this.starts[0]! + 1000 / PACING_HEADROOM - this.time.now();
      if (wait > 0) await this.time.sleep(wait, signal);
      this.starts.shift();
    }
    this.starts.push(this.time.now());
  }

  private async waitForChat(chatKey: string, gap: number, signal?: AbortSignal): Promise<void> {
    const last = this.lastByChat.get(chatKey);
    const now = this.time.now();
    if (last !== undefined && now - last < gap) await this.time.sleep(gap - (now - last), signal);
    if (this.lastByChat.size >= CHAT_MEMORY) this.lastByChat.clear();
    this.lastByChat.set(chatKey, this.time.now());
  }

  /** The platform said 429: nobody sends on this platform for `retryAfterSeconds`. */
  backOff(retryAfterSeconds: number): void {
    const until = this.time.now() + Math.max(0, retryAfterSeconds) * 1000;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }
}

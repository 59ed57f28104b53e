/**
 * Spaces messages to one platform: a global slot every 1/rate seconds, a per-chat minimum interval, and a pause for
 * everyone when the platform answers 429 with `retry_after`. Slots are measured from the schedule, not from when a
 * send finished, so request latency does not lower the rate; a lag of up to CATCH_UP_MS is made up, and after a
 * longer stall the schedule restarts from now instead of bursting to catch up. Catching up, or work between the slot
 * and the send, could still put more than the cap into one second (HTTP arrival jitter): around each send
 * (`waitChat`, `started`, then `finished` after it), at most `perSecond` sends may fall within 1/headroom seconds.
 * Real time (not ctx.clock): rate limits are physical.
 *
 * @example const pacer = new Pacer(PLATFORM_LIMITS.TELEGRAM); await pacer.waitTurn(); await pacer.waitChat("42", false);
 * pacer.started("42"); await send(); pacer.finished()
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
/** How far behind its schedule the pacer may be and still catch up (instead of restarting the schedule from now). */
const CATCH_UP_MS = 250;

export class Pacer {
  private readonly intervalMs: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly lastByChat = new Map<string, number>();
  /** When the latest sends finished (at most `perSecond` of them), oldest first. */
  private readonly ends: number[] = [];
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
    // A slot missed by a little (a late timer, a slow write on a busy machine) is made up by going at once; after a
    // longer stall the schedule restarts from now. The window in waitChat still caps any second at `perSecond`.
    const slot = Math.max(this.nextSlot, now - CATCH_UP_MS, this.pausedUntil);
    this.nextSlot = slot + this.intervalMs;
    await this.time.sleep(slot - now, signal);
  }

  /**
   * Waits until this chat may receive again and a send now fits the global window. Call `started` right before the
   * send and `finished` when its answer came: the window counts from when sends finished, so neither work between the
   * wait and the send (the sender's database write) nor a send of several requests (a first Discord DM) squeezes more
   * than the cap into one second.
   */
  async waitChat(chatKey: string, group: boolean, signal?: AbortSignal): Promise<void> {
    const gap = group ? this.limits.perGroupIntervalMs : this.limits.perChatIntervalMs;
    const last = gap > 0 ? this.lastByChat.get(chatKey) : undefined;
    if (last !== undefined) await this.time.sleep(last + gap - this.time.now(), signal);
    if (this.windowCount > 0 && this.ends.length >= this.windowCount) {
      // At most `perSecond` sends within 1/headroom seconds: wait for the oldest to leave that window.
      await this.time.sleep(this.ends[0]! + 1000 / PACING_HEADROOM - this.time.now(), signal);
    }
  }

  /** A send to this chat starts now (after `waitChat`). */
  started(chatKey: string): void {
    if (this.lastByChat.size >= CHAT_MEMORY) this.lastByChat.clear();
    this.lastByChat.set(chatKey, this.time.now());
  }

  /** The send that `started` is over (answered, refused or failed). */
  finished(): void {
    if (this.windowCount === 0) return;
    this.ends.push(this.time.now());
    while (this.ends.length > this.windowCount) this.ends.shift();
  }

  /** The platform said 429: nobody sends on this platform for `retryAfterSeconds`. */
  backOff(retryAfterSeconds: number): void {
    const until = this.time.now() + Math.max(0, retryAfterSeconds) * 1000;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }
}

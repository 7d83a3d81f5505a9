import { LruMap } from "../core/lru.js";

/**
 * Counts events per key in fixed windows; used to slow down invite-token and API-key guessing per
 * client address.
 * It remembers at most `maxKeys` keys (least recently seen dropped), so a flood from many addresses
 * costs a bounded amount of memory; an address dropped that way simply starts a fresh window.
 */
export class RateLimiter {
  private readonly windows: LruMap<string, { start: number; count: number }>;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    maxKeys = 10_000,
  ) {
    this.windows = new LruMap(maxKeys);
  }

  /** Attempts whose outcome is not known yet, per key (`reserve`): bounded by the requests in flight. */
  private readonly pending = new Map<string, number>();

  /**
   * Seconds until `key` may try again, or 0 when it may now. The attempts still pending count too, so
   * that many at once cannot all slip under the limit before the first of them is known to fail.
   */
  retryAfter(key: string): number {
    const now = this.now();
    const w = this.windows.get(key);
    const live = w && now - w.start < this.windowMs ? w : null;
    if ((live?.count ?? 0) + (this.pending.get(key) ?? 0) < this.limit) return 0;
    // Only pending ones over the limit: they are known in a moment.
    return live ? Math.max(1, Math.ceil((live.start + this.windowMs - now) / 1000)) : 1;
  }

  /** An attempt under way for `key`: it counts toward the limit until `release`d. */
  reserve(key: string): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** The attempt `reserve`d is over (a failed one is then counted with `hit`). */
  release(key: string): void {
    const left = (this.pending.get(key) ?? 0) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  hit(key: string): void {
    const now = this.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) this.windows.set(key, { start: now, count: 1 });
    else w.count++;
  }

  /** How many keys it holds now (with attempts pending, or counted in a window). */
  get size(): number {
    return this.windows.size + this.pending.size;
  }
}

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

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    if (!w || this.now() - w.start >= this.windowMs || w.count < this.limit) return 0;
    return Math.ceil((w.start + this.windowMs - this.now()) / 1000);
  }

  hit(key: string): void {
    const now = this.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) this.windows.set(key, { start: now, count: 1 });
    else w.count++;
  }

  /** How many keys it holds now. */
  get size(): number {
    return this.windows.size;
  }
}

import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/core/lru.js";
import { RateLimiter } from "../../src/http/rate-limit.js";

describe("the invite rate limiter", () => {
  it("remembers a bounded number of addresses, however many guess within one window", () => {
    const limiter = new RateLimiter(3, 60 * 60_000, () => 0, 1_000);
    for (let i = 0; i < 50_000; i++) limiter.hit(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(1_000);
  });

  it("still limits the address that keeps guessing while others flood it", () => {
    const limiter = new RateLimiter(3, 60 * 60_000, () => 0, 100);
    for (let i = 0; i < 3; i++) limiter.hit("203.0.113.7");
    for (let i = 0; i < 500; i++) {
      limiter.hit(`10.0.${i >> 8}.${i & 255}`);
      expect(limiter.retryAfter("203.0.113.7")).toBeGreaterThan(0);
    }
  });
});

describe("LruMap", () => {
  it("never holds more than its maximum; what was used since the last turnover outlives what was not", () => {
    const lru = new LruMap<string, number>(10);
    lru.set("hot", 0).set("cold", 0);
    for (let i = 0; i < 1_000; i++) {
      lru.set(`k${i}`, i);
      expect(lru.get("hot")).toBe(0);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
    expect(lru.has("cold")).toBe(false);
    expect(lru.get("k999")).toBe(999);
  });

  it("attempts still pending count toward the limit until released; only those that failed stay counted", () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) limiter.reserve("203.0.113.7");
    expect(limiter.retryAfter("203.0.113.7")).toBe(1);
    expect(limiter.retryAfter("198.51.100.2")).toBe(0);
    // Two were valid keys, one a wrong one.
    for (let i = 0; i < 3; i++) limiter.release("203.0.113.7");
    limiter.hit("203.0.113.7");
    expect(limiter.retryAfter("203.0.113.7")).toBe(0);
    limiter.reserve("203.0.113.7");
    limiter.reserve("203.0.113.7");
    expect(limiter.retryAfter("203.0.113.7")).toBe(60);
    // The window over, what counts is what is pending: two, under the limit.
    now = 60_000;
    expect(limiter.retryAfter("203.0.113.7")).toBe(0);
    limiter.release("203.0.113.7");
    limiter.release("203.0.113.7");
    expect(limiter.size).toBe(1);
  });
});

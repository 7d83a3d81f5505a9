import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/core/lru.js";

/** Every cache keyed by request data is one of these: bounded, least recently used dropped first. */
describe("a bounded map (LruMap)", () => {
  it("holds at least two entries", () => {
    expect(() => new LruMap(1)).toThrow(RangeError);
    expect(() => new LruMap(2.5)).toThrow(RangeError);
    expect(new LruMap(2).max).toBe(2);
  });

  it("never holds more than its bound, and keeps what is read often", () => {
    const map = new LruMap<string, number>(10);
    map.set("hot", 0);
    for (let n = 0; n < 1_000; n++) {
      map.set(`k${n}`, n);
      expect(map.get("hot")).toBe(0);
      expect(map.size).toBeLessThanOrEqual(10);
    }
    expect(map.has("hot")).toBe(true);
    expect(map.has("k0")).toBe(false);
    expect(map.get("k0")).toBeUndefined();
    expect(map.has("k999")).toBe(true);
  });

  it("never holds more than its bound, even with nothing read", () => {
    for (const max of [2, 3, 4, 7, 10]) {
      const map = new LruMap<number, number>(max);
      for (let n = 0; n < 50; n++) {
        map.set(n, n);
        expect(map.size).toBeLessThanOrEqual(max);
      }
      expect(map.has(49)).toBe(true);
    }
  });

  it("looking up an absent key does not add it", () => {
    const map = new LruMap<string, number>(10);
    map.set("a", 1).set("b", 2).set("c", 3).set("d", 4).set("e", 5);
    expect(map.get("nothing")).toBeUndefined();
    expect(map.has("nothing")).toBe(false);
    expect(map.size).toBe(5);
  });

  it("keeps stored falsy values and tells them from absent keys", () => {
    const map = new LruMap<string, number | null | undefined>(10);
    map.set("zero", 0).set("null", null).set("undef", undefined);
    expect(map.get("zero")).toBe(0);
    expect(map.get("null")).toBeNull();
    expect(map.has("undef")).toBe(true);
    expect(map.has("nothing")).toBe(false);
  });

  it("an entry read while old is kept, and its value survives the move", () => {
    const map = new LruMap<string, string>(4); // two generations of two
    map.set("a", "A").set("b", "B"); // young fills: becomes old
    map.set("c", "C");
    expect(map.get("a")).toBe("A"); // old → young: young is full again, so {c, a} becomes old
    map.set("d", "D").set("e", "E"); // {d, e} becomes old, {c, a} dropped
    expect(map.has("b")).toBe(false);
    expect([map.get("d"), map.get("e")]).toEqual(["D", "E"]);
  });

  it("overwrites in place, deletes from either generation, and clears", () => {
    const map = new LruMap<string, number>(4);
    map.set("a", 1).set("b", 2).set("c", 3);
    map.set("a", 10).set("c", 30);
    expect([map.get("a"), map.get("c")]).toEqual([10, 30]);
    expect(map.size).toBeLessThanOrEqual(4);
    const sized = new LruMap<string, number>(6);
    sized.set("x", 1).set("y", 2).set("z", 3).set("w", 4);
    expect(sized.size).toBe(4);
    expect(sized.delete("x")).toBe(true);
    expect(sized.delete("w")).toBe(true);
    expect(sized.delete("x")).toBe(false);
    expect(sized.size).toBe(2);
    sized.clear();
    expect(sized.size).toBe(0);
    expect(sized.has("y")).toBe(false);
  });
});

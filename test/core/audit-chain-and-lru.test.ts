import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, GENESIS_HASH, verifyChain } from "../../src/core/audit.js";
import { LruMap } from "../../src/core/lru.js";
import type { AuditEntry } from "../../src/core/model.js";
import { openCore, seedTeam } from "../helpers/team.js";

/** PRODUCT §5: the audit log is hash-chained, and `rolecall audit --verify` says where it breaks. */
describe("§5 the audit chain", () => {
  const log = async () => {
    const { core, close } = await openCore();
    const seeded = await seedTeam(core, [{ email: "a@acme.test", role: "admin" }]);
    const entries = await core.fullAuditLog(seeded.accountId);
    await close();
    return entries;
  };

  it("an untouched log verifies and counts its entries", async () => {
    const entries = await log();
    expect(entries.length).toBeGreaterThan(3);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(entries)).toEqual({ ok: true, entries: entries.length });
    expect(verifyChain([])).toEqual({ ok: true, entries: 0 });
  });

  it("an entry whose content was changed is named, with why", async () => {
    const entries = await log();
    const edited = entries.map((e) => (e.seq === 3 ? { ...e, after: { role: "owner" } } : e));
    expect(verifyChain(edited)).toEqual({
      ok: false,
      entries: 3,
      brokenAt: 3,
      reason: "its content was changed after it was written",
    });
  });

  it("a missing entry is named by the number expected", async () => {
    const entries = (await log()).filter((e) => e.seq !== 2);
    expect(verifyChain(entries)).toEqual({
      ok: false,
      entries: 2,
      brokenAt: 3,
      reason: "entry 2 is missing",
    });
  });

  it("an entry re-hashed to hide an edit no longer follows the one before it", async () => {
    const entries = await log();
    const forged = entries.map((e): AuditEntry => {
      if (e.seq !== 2) return e;
      const prevHash = "f".repeat(64);
      return { ...e, prevHash, hash: auditHash(prevHash, e) };
    });
    expect(verifyChain(forged)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: "it does not follow the entry before it",
    });
  });

  it("every field of an entry is covered by its hash", async () => {
    const [first] = await log();
    if (!first) throw new Error("no entries");
    const changes: Partial<AuditEntry>[] = [
      { seq: 2 },
      { at: "2030-01-01T00:00:00.000Z" },
      { actor: "mallory@acme.test" },
      { source: "api" },
      { action: "member.removed" },
      { target: { type: "member", email: "someone@acme.test" } },
      { before: { x: 1 } },
      { after: null },
      { requestId: "RABCDEF" },
      { batch: 7 },
    ];
    for (const change of changes) {
      expect(auditHash(GENESIS_HASH, { ...first, ...change })).not.toBe(first.hash);
    }
    expect(auditHash(GENESIS_HASH, first)).toBe(first.hash);
    expect(auditHash("1".repeat(64), first)).not.toBe(first.hash);
  });

  it("hashes are stable across versions: canonical JSON sorts keys at every depth and keeps arrays in order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson({ Z: 1, a: 2, A: 3 })).toBe('{"A":3,"Z":1,"a":2}');
    const entry = {
      seq: 1,
      at: "2026-01-01T00:00:00.000Z",
      actor: "operator",
      source: "cli" as const,
      action: "account.created",
      target: "account:T0TEST",
      before: null,
      after: { name: "Acme" },
      requestId: null,
    };
    // The format a log already on disk was written in: SHA-256 of the previous hash, then the content
    // as JSON with sorted keys. Changing it would make every existing log fail to verify.
    const written =
      '{"action":"account.created","actor":"operator","after":{"name":"Acme"},"at":"2026-01-01T00:00:00.000Z",' +
      '"before":null,"requestId":null,"seq":1,"source":"cli","target":"account:T0TEST"}';
    expect(auditHash(GENESIS_HASH, entry)).toBe(
      createHash("sha256").update(GENESIS_HASH).update(written).digest("hex"),
    );
  });
});

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

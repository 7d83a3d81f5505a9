import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, GENESIS_HASH, verifyChain } from "../../src/core/audit.js";
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

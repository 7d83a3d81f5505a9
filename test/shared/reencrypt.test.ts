import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Installation, SealedTokens } from "../../src/core/model.js";
import { type ResealableStore, reencryptInstallations } from "../../src/shared/reencrypt.js";
import { openTokens, sealTokens, TokenCipher } from "../../src/shared/token-cipher.js";
import { install, installationOf, tokensOf } from "../helpers/installations.js";
import { openCore } from "../helpers/team.js";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const underA = new TokenCipher(keyA);
const rotating = new TokenCipher(keyB, keyA);
const underB = new TokenCipher(keyB);

/** Installed in workspace `key` with its tokens sealed by `cipher` (no account behind it here). */
const installation = (key: string, cipher: TokenCipher, refresh = true): Installation =>
  installationOf(key, `acct-${key}`, sealTokens(cipher, key, tokensOf(key, refresh)));

/** A store of installations in memory, with the real store's compare-and-set on resealing. */
class MemoryInstallations implements ResealableStore {
  readonly rows = new Map<string, Installation>();
  /** Runs before a reseal compares, as a token refresh on another instance would. */
  beforeReseal: (key: string) => void = () => {};

  constructor(installations: Installation[]) {
    for (const i of installations) this.rows.set(i.key, i);
  }

  installations = {
    listInstallations: async () => [...this.rows.values()].map((i) => structuredClone(i)),
    resealTokens: async (key: string, was: SealedTokens, now: SealedTokens) => {
      this.beforeReseal(key);
      const row = this.rows.get(key);
      if (!row || row.tokens.botToken !== was.botToken || row.tokens.refreshToken !== was.refreshToken)
        return false;
      this.rows.set(key, { ...row, tokens: now });
      return true;
    },
  };

  findInstallation = async (key: string) => structuredClone(this.rows.get(key) ?? null);

  /** Every installation's tokens, opened with `cipher` (which throws when one does not open). */
  opened(cipher: TokenCipher) {
    return [...this.rows.values()].map((i) => openTokens(cipher, i.key, i.tokens));
  }
}

describe("re-encrypting installations under the current key", () => {
  it("reseals those under the previous key, leaves the current ones, and afterwards the current key alone opens all", async () => {
    const store = new MemoryInstallations([
      installation("T0A", underA),
      installation("T0B", underA, false),
      installation("T0C", underB),
    ]);
    const untouched = store.rows.get("T0C")?.tokens;
    expect(await reencryptInstallations(store, rotating)).toEqual({
      reencrypted: 2,
      current: 1,
      failures: [],
    });
    expect(store.opened(underB)).toEqual([tokensOf("T0A"), tokensOf("T0B", false), tokensOf("T0C")]);
    expect(store.rows.get("T0C")?.tokens).toEqual(untouched);
    expect(await reencryptInstallations(store, rotating)).toEqual({
      reencrypted: 0,
      current: 3,
      failures: [],
    });
  });

  it("a token neither key opens is reported with its installation and the variable to set; the others are still resealed", async () => {
    const stranger = new TokenCipher(randomBytes(32));
    const store = new MemoryInstallations([installation("T0LOST", stranger), installation("T0A", underA)]);
    const report = await reencryptInstallations(store, rotating);
    expect(report).toMatchObject({ reencrypted: 1, current: 0, failures: [{ key: "T0LOST" }] });
    expect(report.failures[0]?.reason).toContain(stranger.keyId);
    expect(report.failures[0]?.reason).toContain("ROLECALL_ENCRYPTION_KEY_PREVIOUS");
    expect(report.failures[0]?.reason).not.toContain("xoxb-");
    const resealed = store.rows.get("T0A");
    expect(resealed && openTokens(underB, "T0A", resealed.tokens)).toEqual(tokensOf("T0A"));
  });

  it("a current-key token that does not open is reported, not counted as current", async () => {
    const moved = installation("T0A", underB);
    moved.tokens = installation("T0B", underB).tokens; // another installation's row, copied over
    const report = await reencryptInstallations(new MemoryInstallations([moved]), rotating);
    expect(report).toMatchObject({ reencrypted: 0, current: 0, failures: [{ key: "T0A" }] });
  });

  it("when a token refresh wins the race, reads the refreshed tokens and reseals those", async () => {
    const store = new MemoryInstallations([installation("T0A", underA)]);
    let refreshes = 0;
    store.beforeReseal = (key) => {
      if (refreshes++ > 0) return;
      // An instance still on the old key refreshed the token between our read and our write.
      const row = store.rows.get(key);
      const refreshed = { botToken: "xoxb-T0A-refreshed", refreshToken: "xoxe-1-T0A-refreshed" };
      if (row) store.rows.set(key, { ...row, tokens: sealTokens(underA, key, refreshed) });
    };
    expect(await reencryptInstallations(store, rotating)).toEqual({
      reencrypted: 1,
      current: 0,
      failures: [],
    });
    expect(store.opened(underB)).toEqual([
      { botToken: "xoxb-T0A-refreshed", refreshToken: "xoxe-1-T0A-refreshed" },
    ]);
  });

  it("an installation removed meanwhile is skipped; one whose tokens never stop changing is reported", async () => {
    const gone = new MemoryInstallations([installation("T0GONE", underA)]);
    gone.beforeReseal = (key) => gone.rows.delete(key);
    expect(await reencryptInstallations(gone, rotating)).toEqual({
      reencrypted: 0,
      current: 0,
      failures: [],
    });

    const churning = new MemoryInstallations([installation("T0A", underA)]);
    churning.beforeReseal = (key) => {
      const row = churning.rows.get(key);
      if (row) churning.rows.set(key, { ...row, tokens: installation(key, underA).tokens });
    };
    const report = await reencryptInstallations(churning, rotating);
    expect(report.failures).toEqual([
      { key: "T0A", reason: expect.stringContaining("run rolecall reencrypt again") },
    ]);
  });
});

describe("re-encrypting on the real store", () => {
  it("a token refresh between the read and the reseal wins (compare-and-set); the refreshed tokens are resealed next", async () => {
    const wired = await openCore();
    const expiresAt = "2026-11-01T12:00:00.000Z";
    await install(wired, "T0A", underA, { tokenExpiresAt: expiresAt });
    const refreshed = { botToken: "xoxb-T0A-refreshed", refreshToken: "xoxe-1-T0A-refreshed" };
    const { installations } = wired.store;
    let reseals = 0;
    const racing: ResealableStore = {
      findInstallation: (key) => wired.store.findInstallation(key),
      installations: {
        listInstallations: () => installations.listInstallations(),
        resealTokens: async (key, was, now) => {
          if (reseals++ === 0) {
            // Another instance, still sealing under the old key, refreshes the token just now.
            const until = new Date(Date.now() + 60_000);
            expect(await installations.claimTokenRefresh(key, expiresAt, new Date(), until)).toBe(true);
            const sealed = sealTokens(underA, key, refreshed);
            expect(
              await installations.saveRefreshedTokens(key, was, sealed, "2026-11-02T00:00:00.000Z"),
            ).toBe(true);
          }
          return installations.resealTokens(key, was, now);
        },
      },
    };
    try {
      expect(await reencryptInstallations(racing, rotating)).toEqual({
        reencrypted: 1,
        current: 0,
        failures: [],
      });
      expect(reseals).toBe(2);
      const stored = await wired.store.findInstallation("T0A");
      expect(stored && openTokens(underB, "T0A", stored.tokens)).toEqual(refreshed);
    } finally {
      await wired.close();
    }
  });
});

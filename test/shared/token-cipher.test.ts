import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  openTokens,
  parseEncryptionKey,
  sealTokens,
  TokenCipher,
  TokenCipherError,
} from "../../src/shared/token-cipher.js";

const BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
const REFRESH = "xoxe-1-My0xLTEyMzQ1Njc4OTAtOTg3NjU0MzIxMC1hYmNkZWY";
const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** The TokenCipherError `act` throws; fails the test when it throws nothing, or something else. */
const refusal = (act: () => unknown): TokenCipherError => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenCipherError);
    return error as TokenCipherError;
  }
  return expect.unreachable("expected a TokenCipherError");
};

/** Every window of `width` characters: what a leak of part of a token would show. */
const windows = (text: string, width: number) =>
  Array.from({ length: text.length - width + 1 }, (_, i) => text.slice(i, i + width));

describe("sealing Slack tokens (AES-256-GCM)", () => {
  const cipher = new TokenCipher(keyA);

  it("opens what it sealed, in the rc1.<key id>.<iv>.<tag>.<ciphertext> form", () => {
    const sealed = cipher.seal(BOT, "T0ACME:bot");
    expect(sealed).toMatch(/^rc1\.[\w-]{8}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed.split(".")[1]).toBe(cipher.keyId);
    expect(cipher.open(sealed, "T0ACME:bot")).toBe(BOT);
  });

  it("uses a fresh IV each time: the same token sealed twice differs", () => {
    const [one, two] = [cipher.seal(BOT, "T0ACME:bot"), cipher.seal(BOT, "T0ACME:bot")];
    expect(one).not.toBe(two);
    expect(one.split(".")[2]).not.toBe(two.split(".")[2]);
  });

  it("shows no part of the token, nor the key", () => {
    const sealed = cipher.seal(BOT, "T0ACME:bot");
    for (const part of windows(BOT, 6)) expect(sealed).not.toContain(part);
    for (const part of windows(Buffer.from(BOT).toString("base64url"), 8)) expect(sealed).not.toContain(part);
    for (const part of windows(keyA.toString("base64url"), 8)) expect(sealed).not.toContain(part);
  });

  it("refuses a ciphertext, tag or IV altered by one bit, without showing the token", () => {
    const sealed = cipher.seal(BOT, "T0ACME:bot");
    for (const at of [2, 3, 4]) {
      const parts = sealed.split(".");
      const bytes = Buffer.from(parts[at] ?? "", "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      parts[at] = bytes.toString("base64url");
      const error = refusal(() => cipher.open(parts.join("."), "T0ACME:bot"));
      expect(error.reason).toBe("not-authentic");
      expect(error.message).not.toContain(BOT.slice(5, 15));
    }
  });

  it("refuses a token moved to another installation or field (the context is authenticated)", () => {
    const sealed = cipher.seal(BOT, "T0ACME:bot");
    expect(refusal(() => cipher.open(sealed, "T0OTHER:bot")).reason).toBe("not-authentic");
    expect(refusal(() => cipher.open(sealed, "T0ACME:refresh")).reason).toBe("not-authentic");
  });

  it("refuses what is not a sealed token (a token stored in clear, say) without repeating it", () => {
    for (const value of [BOT, "", "rc1.abc", `rc2.${cipher.seal(BOT, "c").slice(4)}`]) {
      const error = refusal(() => cipher.open(value, "T0ACME:bot"));
      expect(error.reason).toBe("malformed");
      if (value) expect(error.message).not.toContain(value);
    }
    expect(cipher.isCurrent(BOT)).toBe(false);
  });

  it("accepts keys of exactly 32 bytes", () => {
    expect(refusal(() => new TokenCipher(randomBytes(16))).message).toContain("ROLECALL_ENCRYPTION_KEY ");
    expect(refusal(() => new TokenCipher(keyA, randomBytes(31))).message).toContain(
      "ROLECALL_ENCRYPTION_KEY_PREVIOUS",
    );
    expect(parseEncryptionKey(keyA.toString("base64"))).toEqual(keyA);
    expect(parseEncryptionKey(` ${keyA.toString("base64").replace(/=$/, "")}\n`)).toEqual(keyA);
    for (const bad of [randomBytes(16), randomBytes(33)].map((k) => k.toString("base64")))
      expect(parseEncryptionKey(bad)).toBeNull();
    expect(parseEncryptionKey("not base64 at all, though it has forty-four c")).toBeNull();
    expect(refusal(() => TokenCipher.fromBase64(randomBytes(16).toString("base64"))).reason).toBe("bad-key");
  });
});

describe("a key rotation", () => {
  const before = new TokenCipher(keyA);
  const during = TokenCipher.fromBase64(keyB.toString("base64"), keyA.toString("base64"));

  it("the previous key still opens old tokens; the current key seals new ones", () => {
    const old = before.seal(BOT, "T0ACME:bot");
    expect(during.open(old, "T0ACME:bot")).toBe(BOT);
    expect(during.isCurrent(old)).toBe(false);
    const fresh = during.seal(BOT, "T0ACME:bot");
    expect(during.isCurrent(fresh)).toBe(true);
    expect(new TokenCipher(keyB).open(fresh, "T0ACME:bot")).toBe(BOT);
    expect(refusal(() => before.open(fresh, "T0ACME:bot")).reason).toBe("unknown-key");
  });

  it("a token neither key sealed names its key id and the variable to set, not the token", () => {
    const stranger = new TokenCipher(randomBytes(32));
    const error = refusal(() => during.open(stranger.seal(BOT, "T0ACME:bot"), "T0ACME:bot"));
    expect(error.reason).toBe("unknown-key");
    expect(error.message).toContain(stranger.keyId);
    expect(error.message).toContain("T0ACME:bot");
    expect(error.message).toContain("ROLECALL_ENCRYPTION_KEY_PREVIOUS");
    expect(error.message).not.toContain(BOT.slice(5, 15));
  });
});

describe("an installation's tokens", () => {
  const cipher = new TokenCipher(keyA);

  it("round-trip, with or without a refresh token", () => {
    const sealed = sealTokens(cipher, "T0ACME", { botToken: BOT, refreshToken: REFRESH });
    expect(openTokens(cipher, "T0ACME", sealed)).toEqual({ botToken: BOT, refreshToken: REFRESH });
    expect(JSON.stringify(sealed)).not.toContain(REFRESH.slice(0, 10));
    const botOnly = sealTokens(cipher, "T0ACME", { botToken: BOT, refreshToken: null });
    expect(botOnly.refreshToken).toBeNull();
    expect(openTokens(cipher, "T0ACME", botOnly)).toEqual({ botToken: BOT, refreshToken: null });
  });

  it("do not open as another installation's, nor with the two fields swapped", () => {
    const sealed = sealTokens(cipher, "T0ACME", { botToken: BOT, refreshToken: REFRESH });
    expect(refusal(() => openTokens(cipher, "T0OTHER", sealed)).reason).toBe("not-authentic");
    const swapped = { botToken: sealed.refreshToken ?? "", refreshToken: sealed.botToken };
    expect(refusal(() => openTokens(cipher, "T0ACME", swapped)).reason).toBe("not-authentic");
  });
});

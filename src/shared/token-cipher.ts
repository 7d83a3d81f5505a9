import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
// A type only (erased at build): the sealed pair as the store keeps it.
import type { SealedTokens } from "../core/model.js";

/**
 * Slack tokens sealed at rest: AES-256-GCM under ROLECALL_ENCRYPTION_KEY, with
 * ROLECALL_ENCRYPTION_KEY_PREVIOUS still opening what the key before it sealed (a key rotation).
 *
 * Sealed form: `rc1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts. The key id is a short hash of
 * the key, so a sealed token says which key opens it without saying anything about the key. The
 * context (installation and field) is GCM's additional authenticated data: a sealed token copied to
 * another installation's row, or from the refresh field to the bot field, does not open.
 */

const VERSION = "rc1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_CHARS = 8;
/** version.keyId.iv.tag.ciphertext; the ciphertext of an empty string is empty. */
const SEALED = new RegExp(`^${VERSION}\\.([\\w-]{${KEY_ID_CHARS}})\\.([\\w-]+)\\.([\\w-]+)\\.([\\w-]*)$`);

/** A key as ROLECALL_ENCRYPTION_KEY holds it: 32 bytes in base64 (`openssl rand -base64 32`), else null. */
export const parseEncryptionKey = (base64: string): Buffer | null => {
  const text = base64.trim();
  // 43 characters carry 258 bits: exactly 32 bytes, with one optional "=" of padding.
  return /^[A-Za-z0-9+/]{43}=?$/.test(text) ? Buffer.from(text, "base64") : null;
};

/** Why a key was refused or a sealed token did not open. The message never holds token material, nor a key. */
export class TokenCipherError extends Error {
  override readonly name = "TokenCipherError";
  constructor(
    readonly reason: "malformed" | "unknown-key" | "not-authentic" | "bad-key",
    message: string,
  ) {
    super(message);
  }
}

const keyIdOf = (key: Buffer): string =>
  createHash("sha256")
    .update("rolecall token key id\0")
    .update(key)
    .digest("base64url")
    .slice(0, KEY_ID_CHARS);

const checkedKey = (key: Buffer, name: string): Buffer => {
  if (key.length !== KEY_BYTES)
    throw new TokenCipherError("bad-key", `${name} must be ${KEY_BYTES} bytes, not ${key.length}`);
  return key;
};

export class TokenCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly previous: { id: string; key: Buffer } | null;

  constructor(current: Buffer, previous?: Buffer | null) {
    const key = checkedKey(current, "ROLECALL_ENCRYPTION_KEY");
    this.current = { id: keyIdOf(key), key };
    const old = previous ? checkedKey(previous, "ROLECALL_ENCRYPTION_KEY_PREVIOUS") : null;
    this.previous = old ? { id: keyIdOf(old), key: old } : null;
  }

  /** From the two environment variables' values (already validated by the configuration). */
  static fromBase64(current: string, previous?: string): TokenCipher {
    const decode = (text: string, name: string) => {
      const key = parseEncryptionKey(text);
      if (!key) throw new TokenCipherError("bad-key", `${name} must be ${KEY_BYTES} bytes in base64`);
      return key;
    };
    return new TokenCipher(
      decode(current, "ROLECALL_ENCRYPTION_KEY"),
      previous ? decode(previous, "ROLECALL_ENCRYPTION_KEY_PREVIOUS") : null,
    );
  }

  /** The current key's id, as sealed tokens carry it. */
  get keyId(): string {
    return this.current.id;
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"));
    return [VERSION, this.current.id, ...parts].join(".");
  }

  open(sealed: string, context: string): string {
    const { keyId, iv, tag, ciphertext } = parse(sealed);
    const key = [this.current, this.previous].find((k) => k?.id === keyId)?.key;
    if (!key) {
      throw new TokenCipherError(
        "unknown-key",
        `The token for ${context} was sealed under key id ${keyId}, which is neither ROLECALL_ENCRYPTION_KEY ` +
          `(id ${this.current.id}) nor ROLECALL_ENCRYPTION_KEY_PREVIOUS (${this.previous ? `id ${this.previous.id}` : "unset"}): ` +
          "set ROLECALL_ENCRYPTION_KEY_PREVIOUS to the key that sealed it.",
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    } catch {
      // Node's own message says nothing useful here; the cause is one of these two.
      throw new TokenCipherError(
        "not-authentic",
        `The token for ${context} does not open under key id ${keyId}: it was altered, or it belongs to another installation or field.`,
      );
    }
  }

  /** Whether the current key sealed this (false for anything else, including a malformed value). */
  isCurrent(sealed: string): boolean {
    return SEALED.exec(sealed)?.[1] === this.current.id;
  }
}

const parse = (sealed: string) => {
  const [, keyId = "", iv = "", tag = "", ciphertext = ""] = SEALED.exec(sealed) ?? [];
  const decoded = {
    keyId,
    iv: Buffer.from(iv, "base64url"),
    tag: Buffer.from(tag, "base64url"),
    ciphertext: Buffer.from(ciphertext, "base64url"),
  };
  if (!keyId || decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
    // Whatever this is (perhaps a token stored in clear), it is not repeated in the message.
    throw new TokenCipherError(
      "malformed",
      `Not a sealed token: expected ${VERSION}.<key id>.<iv>.<tag>.<ciphertext>.`,
    );
  }
  return decoded;
};

export interface PlainTokens {
  botToken: string;
  refreshToken: string | null;
}

/** Each token bound to its installation and field, so neither opens anywhere else. */
const contexts = (installationKey: string) => ({
  bot: `${installationKey}:bot`,
  refresh: `${installationKey}:refresh`,
});

export const sealTokens = (
  cipher: TokenCipher,
  installationKey: string,
  tokens: PlainTokens,
): SealedTokens => {
  const context = contexts(installationKey);
  return {
    botToken: cipher.seal(tokens.botToken, context.bot),
    refreshToken: tokens.refreshToken === null ? null : cipher.seal(tokens.refreshToken, context.refresh),
  };
};

export const openTokens = (
  cipher: TokenCipher,
  installationKey: string,
  sealed: SealedTokens,
): PlainTokens => {
  const context = contexts(installationKey);
  return {
    botToken: cipher.open(sealed.botToken, context.bot),
    refreshToken: sealed.refreshToken === null ? null : cipher.open(sealed.refreshToken, context.refresh),
  };
};

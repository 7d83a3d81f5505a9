import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** 32 random bytes, base64url: invite tokens and API keys. */
export const randomToken = (): string => randomBytes(32).toString("base64url");

export const newId = (): string => randomUUID();

export const sameSecretHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
};

/** An organisation API key: shown once; stored as its SHA-256 and a short prefix for display. */
export const newApiKey = (): { key: string; hash: string; prefix: string } => {
  const key = `rc_${randomToken()}`;
  return { key, hash: sha256Hex(key), prefix: key.slice(0, 10) };
};

import { createHash } from "node:crypto";
import type { AuditEntry } from "./model.js";

export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted, so the same entry always hashes the same. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

export type AuditContent = Omit<AuditEntry, "hash" | "prevHash">;

/** The change request an entry is about: its target (`request:R…`), or the request an approval applied. */
export const auditRequestId = (e: Pick<AuditEntry, "target" | "requestId">): string | null =>
  /^request:(R[A-Z0-9]{6})$/.exec(e.target)?.[1] ?? e.requestId;

/**
 * Each entry's hash covers the previous entry's hash and its own content. The change marker
 * (`batch`) came later: it is covered when present, so entries written before it verify as they were.
 */
export const auditHash = (
  prevHash: string,
  content: Omit<AuditContent, "batch"> & { batch?: number | null },
): string =>
  createHash("sha256")
    .update(prevHash)
    .update(
      canonicalJson({
        seq: content.seq,
        at: content.at,
        actor: content.actor,
        source: content.source,
        action: content.action,
        target: content.target,
        before: content.before,
        after: content.after,
        requestId: content.requestId,
        ...(content.batch === null || content.batch === undefined ? {} : { batch: content.batch }),
      }),
    )
    .digest("hex");

export type ChainCheck =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenAt: number; reason: string };

export const verifyChain = (entries: Iterable<AuditEntry>): ChainCheck => {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const entry of entries) {
    count++;
    if (entry.seq !== expectedSeq) {
      return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${expectedSeq} is missing` };
    }
    if (entry.prevHash !== prev) {
      return {
        ok: false,
        entries: count,
        brokenAt: entry.seq,
        reason: "it does not follow the entry before it",
      };
    }
    if (auditHash(prev, entry) !== entry.hash) {
      return {
        ok: false,
        entries: count,
        brokenAt: entry.seq,
        reason: "its content was changed after it was written",
      };
    }
    prev = entry.hash;
    expectedSeq++;
  }
  return { ok: true, entries: count };
};

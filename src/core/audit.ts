import { createHash } from "node:crypto";
import type { AuditEntry, AuditTarget } from "./model.js";
import { isRole } from "./roles.js";

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

/** The change request an entry is about: its target, or the request an approval applied. */
export const auditRequestId = (e: Pick<AuditEntry, "target" | "requestId">): string | null =>
  e.target.type === "request" ? e.target.id : e.requestId;

/** The member an entry is about, by email (null when it is about something else). */
export const auditMemberEmail = (target: AuditTarget): string | null =>
  target.type === "member" ? target.email : null;

/**
 * A target as one string, as the log wrote targets before they were typed (`role:admin`, an email,
 * `request:R…`): for doors that show a target as text (the CLI's audit, its JSON and CSV).
 */
export const AUDIT_TARGET_TEXT: {
  [T in AuditTarget["type"]]: (target: Extract<AuditTarget, { type: T }>) => string;
} = {
  member: (t) => t.email,
  role: (t) => `role:${t.role}`,
  setting: (t) => `setting:${t.setting}`,
  request: (t) => `request:${t.id}`,
  api_key: () => "account:api_key",
  account: (t) => `account:${t.slackTeamId}`,
  installation: (t) => `installation:${t.key}`,
  unknown: (t) => t.text,
};

export const auditTargetText = (target: AuditTarget): string =>
  (AUDIT_TARGET_TEXT[target.type] as (t: AuditTarget) => string)(target);

/**
 * The target of an entry written before targets were typed, read from the string it stored — the
 * one place such a string is read; `auditTargetText` writes it back exactly.
 */
export const legacyAuditTarget = (text: string): AuditTarget => {
  const [, prefix, rest] = /^([a-z_]+):(.+)$/.exec(text) ?? [];
  if (prefix === undefined || rest === undefined)
    return text.includes("@") ? { type: "member", email: text } : { type: "unknown", text };
  if (prefix === "role" && isRole(rest)) return { type: "role", role: rest };
  if (prefix === "setting" && (rest === "four_eyes" || rest === "approvals_channel"))
    return { type: "setting", setting: rest };
  if (prefix === "request") return { type: "request", id: rest };
  if (prefix === "account")
    return rest === "api_key" ? { type: "api_key" } : { type: "account", slackTeamId: rest };
  if (prefix === "installation") return { type: "installation", key: rest };
  return text.includes("@") ? { type: "member", email: text } : { type: "unknown", text };
};

/** How the store keeps a target: JSON, typed. */
export const auditTargetToColumn = (target: AuditTarget): string => JSON.stringify(target);

/** A stored target: JSON, or (an entry written before targets were typed) the string it stored. */
export const auditTargetFromColumn = (column: string): Pick<AuditEntry, "target" | "legacyTarget"> => {
  if (column.startsWith("{")) {
    const parsed: unknown = JSON.parse(column);
    if (parsed && typeof parsed === "object" && typeof (parsed as { type?: unknown }).type === "string")
      return { target: parsed as AuditTarget };
  }
  return { target: legacyAuditTarget(column), legacyTarget: column };
};

/**
 * Each entry's hash covers the previous entry's hash and its own content. The change marker
 * (`batch`) came later: it is covered when present, so entries written before it verify as they were.
 */
export const auditHash = (
  prevHash: string,
  content: Omit<AuditContent, "batch" | "target"> & { batch?: number | null; target: AuditTarget | string },
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
        // An entry written before targets were typed is covered as it was stored.
        target: content.legacyTarget ?? content.target,
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

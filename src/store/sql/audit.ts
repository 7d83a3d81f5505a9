import {
  type AuditContent,
  auditHash,
  auditTargetFromColumn,
  auditTargetToColumn,
  GENESIS_HASH,
} from "../../core/audit.js";
import type { AuditDraft } from "../../core/decision.js";
import type { AuditEntry, AuditSource } from "../../core/model.js";
import type { ApplyContext, NewAccount } from "../../core/ports.js";

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  source: AuditSource;
  action: string;
  target: string;
  before_json: string;
  after_json: string;
  request_id: string | null;
  batch_seq: number | null;
  prev_hash: string;
  hash: string;
}

export const toAudit = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  source: r.source,
  action: r.action,
  ...auditTargetFromColumn(r.target),
  before: JSON.parse(r.before_json),
  after: JSON.parse(r.after_json),
  requestId: r.request_id,
  batch: r.batch_seq,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * The next entry of an account's chain, as both engines store it: its content (round-tripped through
 * JSON, so what is hashed is exactly what is stored and read back), its JSON columns and its hash.
 */
export const nextAuditEntry = (
  ctx: ApplyContext,
  draft: AuditDraft,
  seq: number,
  batch: number,
  prevHash: string,
) => {
  const before = JSON.stringify(draft.before ?? null);
  const after = JSON.stringify(draft.after ?? null);
  const content: AuditContent = {
    seq,
    at: ctx.now.toISOString(),
    actor: ctx.actor,
    source: ctx.source,
    action: draft.action,
    target: draft.target,
    before: JSON.parse(before),
    after: JSON.parse(after),
    requestId: ctx.requestId,
    batch,
  };
  return {
    content,
    before,
    after,
    target: auditTargetToColumn(draft.target),
    hash: auditHash(prevHash, content),
  };
};

/**
 * What creating an account writes to its log, one change: the account, its first Owner, and what the
 * creator asked to go with them (a Slack install's installation).
 */
export const newAccountAudit = ({ account, owner, with: also }: NewAccount): AuditDraft[] => [
  {
    action: "account.created",
    target: { type: "account", slackTeamId: account.slackTeamId },
    before: null,
    after: { name: account.name },
  },
  {
    action: "member.added",
    target: { type: "member", email: owner.email },
    before: null,
    after: { role: "owner", status: "active" },
  },
  ...(also?.audit ?? []),
];

export const AUDIT_SQL = {
  newest: "SELECT seq, hash FROM audit_log WHERE account_id = @accountId ORDER BY seq DESC LIMIT 1",
  all: "SELECT * FROM audit_log WHERE account_id = @accountId ORDER BY seq",
  last: `SELECT * FROM (SELECT * FROM audit_log WHERE account_id = @accountId ORDER BY seq DESC LIMIT @last) newest
    ORDER BY seq`,
  // The first entry of the Nth newest change before a cursor: a change starts where its marker
  // points at itself (unmarked entries are changes of their own). Walks the key backwards.
  changeStart: `SELECT seq FROM audit_log WHERE account_id = @accountId AND seq < @before
    AND (batch_seq IS NULL OR batch_seq = seq) ORDER BY seq DESC LIMIT 1 OFFSET @skip`,
  range:
    "SELECT * FROM audit_log WHERE account_id = @accountId AND seq >= @start AND seq < @end ORDER BY seq",
} as const;

const AUDIT_COLUMNS = `account_id, seq, at, actor, source, action, target, before_json, after_json,
  request_id, batch_seq, prev_hash, hash`;
const inserts: string[] = [];

/** Appends `entries` entries in one statement (one round trip): the `i`th entry's own values are `@…i`. */
export const auditInsertSql = (entries: number): string => {
  let sql = inserts[entries];
  if (sql === undefined) {
    const tuples = Array.from(
      { length: entries },
      (_, i) =>
        `(@accountId, @seq${i}, @at, @actor, @source, @action${i}, @target${i}, @before${i}, @after${i},
        @requestId, @batch, @prevHash${i}, @hash${i})`,
    );
    sql = `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ${tuples.join(", ")}`;
    inserts[entries] = sql;
  }
  return sql;
};

/**
 * The statement and parameters that append a change's entries after `last` (the chain's newest
 * entry, read under the account's write lock), each marked with the change's first seq.
 */
export const auditAppend = (
  ctx: ApplyContext,
  last: { seq: number; hash: string } | null,
  drafts: readonly AuditDraft[],
): { sql: string; params: Record<string, unknown> } => {
  let prevHash = last?.hash ?? GENESIS_HASH;
  let seq = last?.seq ?? 0;
  const batch = seq + 1;
  const params: Record<string, unknown> = {
    accountId: ctx.accountId,
    at: ctx.now.toISOString(),
    actor: ctx.actor,
    source: ctx.source,
    requestId: ctx.requestId,
    batch,
  };
  drafts.forEach((draft, i) => {
    seq++;
    const { content, before, after, target, hash } = nextAuditEntry(ctx, draft, seq, batch, prevHash);
    Object.assign(params, {
      [`seq${i}`]: seq,
      [`action${i}`]: content.action,
      [`target${i}`]: target,
      [`before${i}`]: before,
      [`after${i}`]: after,
      [`prevHash${i}`]: prevHash,
      [`hash${i}`]: hash,
    });
    prevHash = hash;
  });
  return { sql: auditInsertSql(drafts.length), params };
};

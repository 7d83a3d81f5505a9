import type { ApiKeyInfo, InviteWithMail, MailStatus, MemberRef } from "../core/model.js";
import type { PermissionKey } from "../core/permissions.js";
import type { BasisQuery, DecisionBasis, OutboxRow } from "../core/ports.js";
import type { ChangeableRole } from "../core/roles.js";
import * as read from "./reads.js";
import { rows, run, type Script } from "./script.js";
import { type AccountRow, accountSql, toAccount } from "./sql/accounts.js";
import { AUDIT_SQL } from "./sql/audit.js";
import type { Fragments } from "./sql/dialect.js";
import { GRANT_SELECT, type GrantRow, toGrant } from "./sql/grants.js";
import { type InviteRow, toInvite } from "./sql/invites.js";
import { type MemberRow, memberListSql, toMember } from "./sql/members.js";
import { type OutboxDbRow, outboxSql, toOutbox } from "./sql/outbox.js";
import { requestSql } from "./sql/requests.js";

/** The chain's newest entry, as the version guard found it. */
export type ChainHead = { seq: number; hash: string } | null;

/**
 * Where SQLite and PostgreSQL truly differ, both side by side: a few fragments inside statements
 * written once (sql/*.ts), and the few steps each engine does its own way — PostgreSQL in one
 * statement (one round trip, one snapshot) where SQLite, in process, runs a few.
 */
export interface Dialect extends Fragments {
  /** The statements written once with this dialect's fragments. */
  sql: Statements;
  /** The schema version the database is at. */
  schemaVersion(): Script<number>;
  /**
   * The version guard: moves the account's version where it is still `expected` (false when
   * another writer got there first), with the chain's newest entry as of then.
   */
  bumpVersion(accountId: string, expected: number): Script<{ bumped: boolean; last: ChainHead }>;
  /** All a decision needs about an account, from one state (run by `Executor.consistent`). */
  decisionBasis(accountId: string, query: BasisQuery): Script<DecisionBasis | null>;
  /** The newest invite of each of these members, with its mail's status. */
  latestInvites(memberIds: readonly string[]): Script<Map<string, InviteWithMail>>;
  /** Leases up to `limit` due mails until `until` (run in a transaction): no two callers get the same. */
  claimDueMail(now: string, until: string, limit: number): Script<OutboxRow[]>;
}

/** The statements that take a fragment, built once per dialect. */
const statements = (f: Fragments) => ({
  accounts: accountSql(f),
  members: memberListSql(f),
  outbox: outboxSql(f),
  requests: requestSql(f),
});
export type Statements = ReturnType<typeof statements>;

type InviteWithMailRow = InviteRow & { mail_status: MailStatus | null };

const withMail = (row: InviteWithMailRow): InviteWithMail => ({
  invite: toInvite(row),
  mail: row.mail_status,
});

const SQLITE_FRAGMENTS: Fragments = {
  insertionOrder: "rowid",
  emailBytewise: "email",
  payloadWithoutToken: "json_remove(payload_json, '$.token')",
};

const SQLITE_SQL = {
  latestInvite: `SELECT i.*, o.status AS mail_status FROM invites i LEFT JOIN outbox o ON o.invite_id = i.id
    WHERE i.member_id = @memberId ORDER BY i.created_at DESC, i.rowid DESC LIMIT 1`,
  dueMail: `SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= @now
    ORDER BY next_attempt_at, created_at LIMIT @limit`,
  leaseMail: `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @until
    WHERE id = @id AND status = 'queued' AND next_attempt_at <= @now`,
} as const;

const sqliteSql = statements(SQLITE_FRAGMENTS);

/** SQLite: in process, so a step is several statements at no cost, inside one transaction. */
export const SQLITE: Dialect = {
  ...SQLITE_FRAGMENTS,
  sql: sqliteSql,
  *schemaVersion() {
    const [row] = yield* rows<{ user_version: number }>("PRAGMA user_version");
    return row?.user_version ?? 0;
  },
  *bumpVersion(accountId, expected) {
    if ((yield* run(sqliteSql.accounts.bumpVersion, { accountId, expected })) === 0)
      return { bumped: false, last: null };
    const [last] = yield* rows<{ seq: number; hash: string }>(AUDIT_SQL.newest, { accountId });
    return { bumped: true, last: last ?? null };
  },
  *decisionBasis(accountId, query) {
    const [row] = yield* rows<AccountRow>(sqliteSql.accounts.byId, { accountId });
    const account = yield* read.account(row);
    if (!account) return null;
    return {
      account,
      actor: query.actor ? yield* read.member(accountId, query.actor) : null,
      target: query.target ? yield* read.member(accountId, query.target) : null,
      activeOwnerCount: yield* read.activeOwnerCount(accountId),
      matrix: yield* read.matrix(accountId),
      grants: yield* read.openGrants(accountId),
      ...(query.inviteTokenHash ? { invite: yield* read.inviteByTokenHash(query.inviteTokenHash) } : {}),
    };
  },
  *latestInvites(memberIds) {
    const latest = new Map<string, InviteWithMail>();
    for (const memberId of memberIds) {
      const [row] = yield* rows<InviteWithMailRow>(SQLITE_SQL.latestInvite, { memberId });
      if (row) latest.set(memberId, withMail(row));
    }
    return latest;
  },
  *claimDueMail(now, until, limit) {
    const due = yield* rows<OutboxDbRow>(SQLITE_SQL.dueMail, { now, limit });
    const leased: OutboxRow[] = [];
    for (const row of due)
      if ((yield* run(SQLITE_SQL.leaseMail, { id: row.id, now, until })) === 1)
        leased.push(toOutbox({ ...row, attempts: row.attempts + 1, next_attempt_at: until }));
    return leased;
  },
};

const POSTGRES_FRAGMENTS: Fragments = {
  insertionOrder: "n",
  emailBytewise: 'email COLLATE "C"',
  payloadWithoutToken: "(payload_json::jsonb - 'token')::text",
};

/** The member a reference names (current before removed, newest first), as JSON, by email or Slack id. */
const memberJson = (ref: MemberRef | null, param: string) =>
  ref === null
    ? `SELECT NULL::json WHERE ${param}::text IS NULL` // the parameter still needs a type
    : `SELECT row_to_json(m) FROM members m
      WHERE m.account_id = a.id AND m.${"email" in ref ? "email" : "slack_user_id"} = ${param}::text
      ORDER BY m.status <> 'removed' DESC, m.created_at DESC LIMIT 1`;
const refValue = (ref: MemberRef | null): string | null =>
  ref === null ? null : "email" in ref ? ref.email : ref.slackUserId;

const POSTGRES_SQL = {
  /**
   * The version guard and the chain's newest entry in one statement. The UPDATE takes the account's
   * row lock; a writer that got there first and committed has moved the version, so this one bumps
   * nothing (the statement re-checks the row it waited for). When it does bump, no other writer of
   * the account committed after this statement's snapshot, so the newest entry it read is the newest
   * there is (and the (account_id, seq) key refuses anything else). Every commit of an account row
   * notifies rolecall_changes (migration 011).
   */
  bumpVersion: `WITH bumped AS (
      UPDATE accounts SET version = version + 1 WHERE id = @accountId AND version = @expected RETURNING id)
    SELECT (SELECT count(*)::int FROM bumped) AS bumped, last.seq, last.hash
    FROM (SELECT 1) one LEFT JOIN LATERAL (
      SELECT seq, hash FROM audit_log WHERE account_id = @accountId ORDER BY seq DESC LIMIT 1) last ON true`,
  decisionBasis: (query: BasisQuery) => `SELECT row_to_json(a) AS account,
      (SELECT COALESCE(json_agg(json_build_object('prefix', g.prefix, 'expiresAt', g.expires_at)
        ORDER BY g.expires_at), '[]') FROM api_keys_in_grace g WHERE g.account_id = a.id) AS in_grace,
      (${memberJson(query.actor, "@actor")}) AS actor,
      (${memberJson(query.target, "@target")}) AS target,
      (SELECT count(*)::int FROM members o WHERE o.account_id = a.id AND o.role = 'owner'
        AND o.status = 'active') AS owners,
      (SELECT COALESCE(json_agg(json_build_object('role', p.role, 'permission', p.permission)), '[]')
        FROM role_permissions p WHERE p.account_id = a.id) AS matrix,
      (SELECT row_to_json(i) FROM invites i WHERE i.token_hash = @inviteTokenHash) AS invite,
      (SELECT COALESCE(json_agg(row_to_json(o) ORDER BY o.starts_at, o.member_email, o.permission), '[]')
        FROM (${GRANT_SELECT} WHERE g.account_id = a.id AND g.ended_at IS NULL) o) AS grants
    FROM accounts a WHERE a.id = @accountId`,
  latestInvites: `SELECT DISTINCT ON (i.member_id) i.*, o.status AS mail_status
    FROM invites i LEFT JOIN outbox o ON o.invite_id = i.id
    WHERE i.member_id = ANY(@memberIds) ORDER BY i.member_id, i.created_at DESC, i.n DESC`,
  /** Due rows no other instance holds, leased in one statement: two instances never take the same row. */
  claimDueMail: `UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = @until
    FROM (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= @now
      ORDER BY next_attempt_at, created_at, n LIMIT @limit FOR UPDATE SKIP LOCKED) due
    WHERE o.id = due.id RETURNING o.*`,
};

/** PostgreSQL: each statement is a round trip, so a step is one statement where it can be. */
export const POSTGRES: Dialect = {
  ...POSTGRES_FRAGMENTS,
  sql: statements(POSTGRES_FRAGMENTS),
  *schemaVersion() {
    const [row] = yield* rows<{ version: number }>("SELECT version FROM rolecall_schema");
    return row?.version ?? 0;
  },
  *bumpVersion(accountId, expected) {
    const [guard] = yield* rows<{ bumped: number; seq: number | null; hash: string | null }>(
      POSTGRES_SQL.bumpVersion,
      { accountId, expected },
    );
    if (!guard?.bumped) return { bumped: false, last: null };
    return {
      bumped: true,
      last: guard.seq === null || guard.hash === null ? null : { seq: guard.seq, hash: guard.hash },
    };
  },
  *decisionBasis(accountId, query) {
    const [row] = yield* rows<{
      account: AccountRow;
      in_grace: ApiKeyInfo["previous"];
      actor: MemberRow | null;
      target: MemberRow | null;
      owners: number;
      matrix: { role: ChangeableRole; permission: PermissionKey }[];
      invite: InviteRow | null;
      grants: GrantRow[];
    }>(POSTGRES_SQL.decisionBasis(query), {
      accountId,
      actor: refValue(query.actor),
      target: refValue(query.target),
      inviteTokenHash: query.inviteTokenHash ?? null,
    });
    if (!row) return null;
    const matrix: Record<ChangeableRole, Set<PermissionKey>> = { admin: new Set(), teammate: new Set() };
    for (const cell of row.matrix) matrix[cell.role]?.add(cell.permission);
    return {
      account: toAccount(row.account, row.in_grace),
      actor: row.actor ? toMember(row.actor) : null,
      target: row.target ? toMember(row.target) : null,
      activeOwnerCount: row.owners,
      matrix,
      grants: row.grants.map(toGrant),
      ...(query.inviteTokenHash ? { invite: row.invite ? toInvite(row.invite) : null } : {}),
    };
  },
  *latestInvites(memberIds) {
    const latest = new Map<string, InviteWithMail>();
    if (memberIds.length === 0) return latest;
    for (const row of yield* rows<InviteWithMailRow>(POSTGRES_SQL.latestInvites, { memberIds }))
      latest.set(row.member_id, withMail(row));
    return latest;
  },
  *claimDueMail(now, until, limit) {
    const leased = yield* rows<OutboxDbRow & { n: string }>(POSTGRES_SQL.claimDueMail, { now, until, limit });
    return leased.sort((a, b) => Number(a.n) - Number(b.n)).map(toOutbox);
  },
};

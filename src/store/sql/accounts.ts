import type { Account, AccountDigest, ApiKeyInfo } from "../../core/model.js";
import type { Fragments } from "./dialect.js";

/** An account's row as both engines return it. */
export interface AccountRow {
  id: string;
  slack_team_id: string;
  name: string;
  approvals_channel: string | null;
  four_eyes: number | boolean;
  version: number;
  created_at: string;
  api_key_hash: string;
  api_key_prefix: string;
  api_key_created_at: string;
}

export const toAccount = (r: AccountRow, inGrace: ApiKeyInfo["previous"]): Account => ({
  id: r.id,
  slackTeamId: r.slack_team_id,
  name: r.name,
  approvalsChannel: r.approvals_channel,
  fourEyes: Boolean(r.four_eyes),
  version: r.version,
  createdAt: r.created_at,
  apiKey: {
    prefix: r.api_key_prefix,
    createdAt: r.api_key_created_at,
    previous: inGrace,
  },
});

/** The SQL of accounts and their API keys, with `@name` parameters. */
export const accountSql = (f: Fragments) =>
  ({
    all: `SELECT * FROM accounts ORDER BY created_at, ${f.insertionOrder}`,
    byId: "SELECT * FROM accounts WHERE id = @accountId",
    bySlackTeam: "SELECT * FROM accounts WHERE slack_team_id = @slackTeamId",
    insert: `INSERT INTO accounts (id, slack_team_id, name, approvals_channel, version, api_key_hash,
      api_key_prefix, api_key_created_at, created_at) VALUES (@id, @slackTeamId, @name, NULL, 1, @apiKeyHash,
      @apiKeyPrefix, @createdAt, @createdAt)`,
    /** The version guard: moves the version only where it is still the one the decision was made on. */
    bumpVersion: "UPDATE accounts SET version = version + 1 WHERE id = @accountId AND version = @expected",
    setApprovalsChannel: "UPDATE accounts SET approvals_channel = @channel WHERE id = @accountId",
    setFourEyes: "UPDATE accounts SET four_eyes = @on WHERE id = @accountId",
    ...API_KEY_SQL,
  }) as const;

/** The SQL of API keys: the account's own, and those rotated out that still work for a while. */
export const API_KEY_SQL = {
  inGrace: `SELECT prefix, expires_at AS "expiresAt" FROM api_keys_in_grace WHERE account_id = @accountId
    ORDER BY expires_at`,
  dropEnded: "DELETE FROM api_keys_in_grace WHERE account_id = @accountId AND expires_at <= @at",
  keepInGrace: `INSERT INTO api_keys_in_grace (account_id, hash, prefix, expires_at)
    SELECT id, api_key_hash, api_key_prefix, @graceUntil FROM accounts WHERE id = @accountId`,
  rotate: `UPDATE accounts SET api_key_hash = @hash, api_key_prefix = @prefix, api_key_created_at = @at
    WHERE id = @accountId`,
  candidates: `SELECT id AS "accountId", api_key_hash AS hash, NULL AS "expiresAt" FROM accounts
    WHERE api_key_prefix = @prefix
    UNION ALL SELECT account_id, hash, expires_at FROM api_keys_in_grace WHERE prefix = @prefix`,
  /** The prefix of every key that may open an account (each account's, and those rotated out). */
  prefixes: "SELECT api_key_prefix AS prefix FROM accounts UNION SELECT prefix FROM api_keys_in_grace",
} as const;

export interface DeletedAccountRow {
  account_id: string;
  slack_team_id: string;
  name: string;
  deleted_at: string;
  audit_entries: number;
  audit_head: string | null;
}

export const toDigest = (r: DeletedAccountRow): AccountDigest => ({
  accountId: r.account_id,
  slackTeamId: r.slack_team_id,
  name: r.name,
  deletedAt: r.deleted_at,
  auditEntries: r.audit_entries,
  auditHead: r.audit_head,
});

/**
 * Deleting an account (`@accountId`, at `@at`), run in this order in one transaction. `take` locks
 * the account's row first and moves its version: a decision made before fails its guard, one waiting
 * behind finds no account, and on PostgreSQL the update notifies the other instances (migration 011)
 * to drop what they hold. 0 rows taken means no such account. The digest is kept before the log
 * goes: the log's trigger lets an account's entries go only then (migration 012). Every table
 * holding the account's rows is in `deletes`, each before what it refers to.
 */
export const DELETE_ACCOUNT_SQL = {
  take: "UPDATE accounts SET version = version + 1 WHERE id = @accountId",
  keepDigest: `INSERT INTO deleted_accounts (account_id, slack_team_id, name, deleted_at, audit_entries, audit_head)
    SELECT a.id, a.slack_team_id, a.name, @at,
      (SELECT count(*) FROM audit_log l WHERE l.account_id = a.id),
      (SELECT l.hash FROM audit_log l WHERE l.account_id = a.id ORDER BY l.seq DESC LIMIT 1)
    FROM accounts a WHERE a.id = @accountId`,
  deletes: [
    "DELETE FROM outbox WHERE account_id = @accountId",
    "DELETE FROM invites WHERE member_id IN (SELECT id FROM members WHERE account_id = @accountId)",
    "DELETE FROM change_requests WHERE account_id = @accountId",
    "DELETE FROM grants WHERE account_id = @accountId",
    "DELETE FROM api_keys_in_grace WHERE account_id = @accountId",
    "DELETE FROM role_permissions WHERE account_id = @accountId",
    "DELETE FROM installations WHERE account_id = @accountId",
    "DELETE FROM audit_log WHERE account_id = @accountId",
    "DELETE FROM members WHERE account_id = @accountId",
    "DELETE FROM accounts WHERE id = @accountId",
  ],
  digest: "SELECT * FROM deleted_accounts WHERE account_id = @accountId",
  digests: "SELECT * FROM deleted_accounts ORDER BY deleted_at DESC, account_id",
} as const;

import { type AuditContent, auditHash, auditTargetFromColumn, auditTargetToColumn } from "../core/audit.js";
import type { AuditDraft, Change, MailDraft } from "../core/decision.js";
import { intentFromJson } from "../core/intents.js";
import type {
  Account,
  AccountDigest,
  ApiKeyInfo,
  AuditEntry,
  AuditSource,
  ChangeRequest,
  Grant,
  GrantEndReason,
  Installation,
  Invite,
  MailStatus,
  Member,
  RequestPost,
  RequestStatus,
} from "../core/model.js";
import type { RequestOutcome } from "../core/outcomes.js";
import type { PermissionKey } from "../core/permissions.js";
import type { ApplyContext, NewAccount } from "../core/ports.js";
import { ROLES } from "../core/roles.js";
import type { OutboxRow } from "../mail/outbox.js";
import { LATEST_SCHEMA_VERSION } from "./migrations/index.js";

/**
 * Members in display order: highest rank first (from the role table), then email. `email` is how the engine compares emails bytewise. It must stay the
 * expression of migration 005's `members_list_order` index, so lists are walked, not sorted: a new
 * role needs a migration that rebuilds that index.
 */
export const memberListOrder = (email: string): string =>
  `CASE role ${ROLES.slice(0, -1)
    .map((role, i) => `WHEN '${role}' THEN ${i}`)
    .join(" ")} ELSE ${ROLES.length - 1} END, ${email}`;

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

/** Throws unless the database's schema is the one this code knows (see StorePort.ping). */
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

export const requireCurrentSchema = (found: number): void => {
  if (found !== LATEST_SCHEMA_VERSION)
    throw new Error(
      `The database is at schema version ${found}; this Rolecall runs on ${LATEST_SCHEMA_VERSION}.`,
    );
};

/** The tables' rows as both engines return them, and how they become the core's objects. */
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
export interface MemberRow {
  id: string;
  account_id: string;
  email: string;
  name: string | null;
  phone: string | null;
  role: Member["role"];
  status: Member["status"];
  slack_user_id: string | null;
  invited_by: string | null;
  created_at: string;
  updated_at: string;
}
export interface InviteRow {
  id: string;
  member_id: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
  used_at: string | null;
  revoked_at: string | null;
}
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
export const toMember = (r: MemberRow): Member => ({
  id: r.id,
  accountId: r.account_id,
  email: r.email,
  name: r.name,
  phone: r.phone,
  role: r.role,
  status: r.status,
  slackUserId: r.slack_user_id,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
export const toInvite = (r: InviteRow): Invite => ({
  id: r.id,
  memberId: r.member_id,
  tokenHash: r.token_hash,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
});
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

export const MEMBER_COLUMNS = {
  name: "name",
  phone: "phone",
  role: "role",
  status: "status",
  slackUserId: "slack_user_id",
} as const;

export interface OutboxDbRow {
  id: string;
  account_id: string;
  recipient: string;
  payload_json: string;
  status: MailStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}
export const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  accountId: r.account_id,
  recipient: r.recipient,
  mail: JSON.parse(r.payload_json) as MailDraft,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export interface RequestRow {
  id: string;
  account_id: string;
  requester_id: string;
  requester_email: string;
  requester_slack: string | null;
  words_json: string;
  intent_json: string | null;
  summary: string;
  effect: string;
  status: RequestStatus;
  decided_by: string | null;
  decider_slack: string | null;
  decided_at: string | null;
  reason: string | null;
  outcome: string | null;
  created_at: string;
  expires_at: string;
  posts_json: string;
  posted: number;
  announced: number;
}

/** A request's outcome as the `outcome` column keeps it: JSON. */
export const outcomeToColumn = (outcome: RequestOutcome | null): string | null =>
  outcome === null ? null : JSON.stringify(outcome);

/**
 * A request's outcome from its column: JSON, or — written before outcomes were data — a sentence:
 * "applied", "applied until <ISO>" (a grant), or the words of why it failed or closed early.
 */
export const outcomeFromColumn = (column: string | null, status: RequestStatus): RequestOutcome | null => {
  if (column === null) return null;
  if (column.startsWith("{")) return JSON.parse(column) as RequestOutcome;
  const LEGACY_APPLIED_UNTIL = "applied until ";
  if (status === "approved")
    return column.startsWith(LEGACY_APPLIED_UNTIL)
      ? { applied: true, until: column.slice(LEGACY_APPLIED_UNTIL.length) }
      : { applied: true };
  if (status === "failed") return { applied: false, why: column };
  return { closed: column };
};

export const toRequest = (r: RequestRow): ChangeRequest => ({
  id: r.id,
  accountId: r.account_id,
  requesterId: r.requester_id,
  requesterEmail: r.requester_email,
  requesterSlackUserId: r.requester_slack,
  // Null for a request filed before intents were stored, until it is converted (legacy-requests.ts).
  intent: r.intent_json === null ? null : intentFromJson(r.intent_json),
  summary: r.summary,
  effect: r.effect,
  status: r.status,
  decidedBy: r.decided_by,
  deciderSlackUserId: r.decider_slack,
  decidedAt: r.decided_at,
  reason: r.reason,
  outcome: outcomeFromColumn(r.outcome, r.status),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  posts: JSON.parse(r.posts_json) as RequestPost[],
  posted: r.posted === 1,
  announced: r.announced === 1,
});

// The decider is stored by email (as the audit names them); their Slack user is the member's with
// that email, current before removed, as findMember picks them.
export const REQUEST_SELECT = `SELECT r.*, m.email AS requester_email, m.slack_user_id AS requester_slack,
    (SELECT d.slack_user_id FROM members d WHERE d.account_id = r.account_id AND d.email = r.decided_by
      ORDER BY d.status <> 'removed' DESC, d.created_at DESC LIMIT 1) AS decider_slack
  FROM change_requests r JOIN members m ON m.id = r.requester_id`;

/**
 * The one rule of a request's Slack lease (migration 010), for both engines: an instance takes it
 * when nobody holds it or the holder's time has run out (an instance that died), until `until`.
 * Placeholders are the engine's: the account, the request, the lease's end and now (ISO text, which
 * orders as time does).
 */
export const claimSlackSql = (p: { accountId: string; id: string; until: string; now: string }): string =>
  `UPDATE change_requests SET slack_lease_until = ${p.until}
    WHERE account_id = ${p.accountId} AND id = ${p.id}
      AND (slack_lease_until IS NULL OR slack_lease_until <= ${p.now})`;

export const releaseSlackSql = (p: { accountId: string; id: string; until: string }): string =>
  `UPDATE change_requests SET slack_lease_until = NULL
    WHERE account_id = ${p.accountId} AND id = ${p.id} AND slack_lease_until = ${p.until}`;

export interface InstallationRow {
  key: string;
  account_id: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: number;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string;
  scopes_json: string;
  installer_user_id: string;
  installed_at: string;
  token_expires_at: string | null;
  bot_token: string;
  refresh_token: string | null;
}

export const toInstallation = (r: InstallationRow): Installation => ({
  key: r.key,
  accountId: r.account_id,
  teamId: r.team_id,
  enterpriseId: r.enterprise_id,
  isEnterpriseInstall: r.is_enterprise_install === 1,
  appId: r.app_id,
  botId: r.bot_id,
  botUserId: r.bot_user_id,
  scopes: JSON.parse(r.scopes_json) as string[],
  installerUserId: r.installer_user_id,
  installedAt: r.installed_at,
  tokenExpiresAt: r.token_expires_at,
  tokens: { botToken: r.bot_token, refreshToken: r.refresh_token },
});

/** An installation as its row, saved under the guard of `accountId`, the account it must belong to. */
export const installationRow = (accountId: string, i: Installation): InstallationRow => {
  if (i.accountId !== accountId)
    throw new Error(`installation ${i.key} belongs to another account than the change saving it`);
  return {
    key: i.key,
    account_id: i.accountId,
    team_id: i.teamId,
    enterprise_id: i.enterpriseId,
    is_enterprise_install: i.isEnterpriseInstall ? 1 : 0,
    app_id: i.appId,
    bot_id: i.botId,
    bot_user_id: i.botUserId,
    scopes_json: JSON.stringify(i.scopes),
    installer_user_id: i.installerUserId,
    installed_at: i.installedAt,
    token_expires_at: i.tokenExpiresAt,
    bot_token: i.tokens.botToken,
    refresh_token: i.tokens.refreshToken,
  };
};

// Every column of the row, checked by the compiler (a column left out would not be saved).
const INSTALLATION_COLUMNS = Object.keys({
  key: 1,
  account_id: 1,
  team_id: 1,
  enterprise_id: 1,
  is_enterprise_install: 1,
  app_id: 1,
  bot_id: 1,
  bot_user_id: 1,
  scopes_json: 1,
  installer_user_id: 1,
  installed_at: 1,
  token_expires_at: 1,
  bot_token: 1,
  refresh_token: 1,
} satisfies Record<keyof InstallationRow, 1>);

/**
 * The SQL of installations (migration 012), for both engines, with `@name` parameters (SQLite's own;
 * the PostgreSQL store numbers them). Times are ISO text, which orders as time does.
 */
export const INSTALLATION_SQL = {
  all: "SELECT * FROM installations ORDER BY installed_at, key",
  find: "SELECT * FROM installations WHERE key = @key",
  // A reinstall replaces the row whole; its new tokens end any refresh of the old ones, so the lease
  // goes too (the old refresh's tokens must not overwrite the new install's).
  save: `INSERT INTO installations (${INSTALLATION_COLUMNS.join(", ")})
    VALUES (${INSTALLATION_COLUMNS.map((c) => `@${c}`).join(", ")})
    ON CONFLICT (key) DO UPDATE SET ${INSTALLATION_COLUMNS.filter((c) => c !== "key")
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}, refresh_lease_until = NULL`,
  delete: "DELETE FROM installations WHERE key = @key AND account_id = @accountId",
  // The one rule of the refresh lease: taken while the token is still the one the claimer saw expire
  // (nobody refreshed it meanwhile) and nobody holds the lease, or its holder's time ran out.
  claimRefresh: `UPDATE installations SET refresh_lease_until = @until
    WHERE key = @key AND token_expires_at = @seenExpiresAt
      AND (refresh_lease_until IS NULL OR refresh_lease_until <= @now)`,
  saveRefreshed: `UPDATE installations SET bot_token = @botToken, refresh_token = @refreshToken,
    token_expires_at = @tokenExpiresAt, refresh_lease_until = NULL
    WHERE key = @key AND bot_token = @wasBotToken`,
  releaseRefresh:
    "UPDATE installations SET refresh_lease_until = NULL WHERE key = @key AND refresh_lease_until = @until",
  reseal: `UPDATE installations SET bot_token = @botToken, refresh_token = @refreshToken
    WHERE key = @key AND bot_token = @wasBotToken AND refresh_token IS NOT DISTINCT FROM @wasRefreshToken`,
  forgetStates: "DELETE FROM oauth_states WHERE expires_at <= @now",
  useState:
    "INSERT INTO oauth_states (nonce, expires_at) VALUES (@nonce, @expiresAt) ON CONFLICT (nonce) DO NOTHING",
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
 * Deleting an account (`@accountId`, at `@at`), for both engines, run in this order in one
 * transaction. `take` locks the account's row first and moves its version: a decision made before
 * fails its guard, one waiting behind finds no account, and on PostgreSQL the update notifies the
 * other instances (migration 011) to drop what they hold. 0 rows taken means no such account.
 * The digest is kept before the log goes: the log's trigger lets an account's entries go only then
 * (migration 012). Every table holding the account's rows is in `deletes`, each before what it refers to.
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

/** The prefix of every key that may open an account (each account's, and those rotated out), for both engines. */
export const API_KEY_PREFIXES_SQL =
  "SELECT api_key_prefix AS prefix FROM accounts UNION SELECT prefix FROM api_keys_in_grace";

export interface GrantRow {
  id: string;
  account_id: string;
  member_id: string;
  member_email: string;
  member_slack_user_id: string | null;
  permission: PermissionKey;
  reason: string | null;
  granted_by: string;
  request_id: string | null;
  starts_at: string;
  ends_at: string;
  remind_at: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: GrantEndReason | null;
  reminded_at: string | null;
  end_notice_at: string | null;
}

export const toGrant = (r: GrantRow): Grant => ({
  id: r.id,
  accountId: r.account_id,
  memberId: r.member_id,
  memberEmail: r.member_email,
  memberSlackUserId: r.member_slack_user_id,
  permission: r.permission,
  reason: r.reason,
  grantedBy: r.granted_by,
  requestId: r.request_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  remindAt: r.remind_at,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
  endReason: r.end_reason,
  remindedAt: r.reminded_at,
  endNoticeAt: r.end_notice_at,
});

export const GRANT_SELECT = `SELECT g.*, m.email AS member_email, m.slack_user_id AS member_slack_user_id
  FROM grants g JOIN members m ON m.id = g.member_id`;

/** The SQL of grants, with `@name` parameters, the same for both engines. */
export const GRANT_SQL = {
  open: `${GRANT_SELECT} WHERE g.account_id = @accountId AND g.ended_at IS NULL
    ORDER BY g.starts_at, m.email, g.permission`,
  pastEnd: `${GRANT_SELECT} WHERE g.ended_at IS NULL AND g.ends_at <= @now ORDER BY g.ends_at, g.id`,
  toRemind: `${GRANT_SELECT} WHERE g.ended_at IS NULL AND g.reminded_at IS NULL
    AND g.remind_at <= @now AND g.ends_at > @now ORDER BY g.remind_at, g.id`,
  toTell: `${GRANT_SELECT} WHERE g.ended_at IS NOT NULL AND g.end_notice_at IS NULL
    AND g.end_reason IN ('ended', 'expired') ORDER BY g.ended_at, g.id`,
  claimReminder: `UPDATE grants SET reminded_at = @now WHERE id = @id AND reminded_at IS NULL
    AND ended_at IS NULL AND remind_at <= @now AND ends_at > @now`,
  claimEnd: `UPDATE grants SET end_notice_at = @now WHERE id = @id AND end_notice_at IS NULL
    AND ended_at IS NOT NULL`,
  releaseReminder: "UPDATE grants SET reminded_at = NULL WHERE id = @id",
  releaseEnd: "UPDATE grants SET end_notice_at = NULL WHERE id = @id",
} as const;

/** A grant change of `apply` as one statement with `@name` parameters, for both engines. */
export const grantChangeSql = (
  accountId: string,
  change: Extract<Change, { kind: "insertGrant" | "extendGrant" | "endGrant" | "setFourEyes" }>,
): { sql: string; params: Record<string, unknown> } => {
  switch (change.kind) {
    case "setFourEyes":
      return {
        sql: "UPDATE accounts SET four_eyes = @on WHERE id = @accountId",
        params: { accountId, on: change.on ? 1 : 0 },
      };
    case "insertGrant": {
      const g = change.grant;
      return {
        sql: `INSERT INTO grants (id, account_id, member_id, permission, reason, granted_by, request_id, starts_at,
          ends_at, remind_at) VALUES (@id, @accountId, @memberId, @permission, @reason, @grantedBy, @requestId,
          @startsAt, @endsAt, @remindAt)`,
        params: {
          id: g.id,
          accountId,
          memberId: g.memberId,
          permission: g.permission,
          reason: g.reason,
          grantedBy: g.grantedBy,
          requestId: g.requestId,
          startsAt: g.startsAt,
          endsAt: g.endsAt,
          remindAt: g.remindAt,
        },
      };
    }
    case "extendGrant":
      // A longer grant earns a new reminder before its new end.
      return {
        sql: `UPDATE grants SET ends_at = @endsAt, remind_at = @remindAt, reminded_at = NULL
          WHERE id = @id AND account_id = @accountId AND ended_at IS NULL`,
        params: { id: change.grantId, accountId, endsAt: change.endsAt, remindAt: change.remindAt },
      };
    case "endGrant":
      return {
        sql: `UPDATE grants SET ended_at = @at, ended_by = @by, end_reason = @reason
          WHERE id = @id AND account_id = @accountId AND ended_at IS NULL`,
        params: { id: change.grantId, accountId, at: change.at, by: change.by, reason: change.reason },
      };
  }
};

import { type AuditContent, auditHash } from "../core/audit.js";
import type { AuditDraft, MailDraft } from "../core/decision.js";
import { intentFromJson } from "../core/intents.js";
import type {
  Account,
  ApiKeyInfo,
  AuditEntry,
  AuditSource,
  ChangeRequest,
  Invite,
  MailStatus,
  Member,
  RequestPost,
  RequestStatus,
} from "../core/model.js";
import type { ApplyContext } from "../core/ports.js";
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
  return { content, before, after, hash: auditHash(prevHash, content) };
};

/** Throws unless the database's schema is the one this code knows (see StorePort.ping). */
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
  target: r.target,
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
  outcome: r.outcome,
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

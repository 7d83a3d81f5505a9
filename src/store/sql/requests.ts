import { intentFromJson, intentToJson } from "../../core/intents.js";
import type { ChangeRequest, RequestOutcome, RequestPost, RequestStatus } from "../../core/model.js";
import type { NewRequest, RequestClosing } from "../../core/ports.js";
import type { Fragments } from "./dialect.js";

export interface RequestRow {
  id: string;
  account_id: string;
  requester_id: string;
  requester_email: string;
  requester_slack: string | null;
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
  // Null for a request filed as words that migration 014 could not read (it closed them).
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

/** A closing as the parameters of `close`. */
export const closingParams = (c: RequestClosing) => ({ ...c, outcome: outcomeToColumn(c.outcome) });

/** A new request as the parameters of `insert`. */
export const requestParams = (r: NewRequest) => ({ ...r, intent: intentToJson(r.intent) });

// The decider is stored by email (as the audit names them); their Slack user is the member's with
// that email, current before removed, as findMember picks them.
const SELECT = `SELECT r.*, m.email AS requester_email, m.slack_user_id AS requester_slack,
    (SELECT d.slack_user_id FROM members d WHERE d.account_id = r.account_id AND d.email = r.decided_by
      ORDER BY d.status <> 'removed' DESC, d.created_at DESC LIMIT 1) AS decider_slack
  FROM change_requests r JOIN members m ON m.id = r.requester_id`;

/** The SQL of change requests, with `@name` parameters. */
export const requestSql = (f: Fragments) =>
  ({
    insert: `INSERT INTO change_requests (id, account_id, requester_id, intent_json, summary, effect, status,
      created_at, expires_at) VALUES (@id, @accountId, @requesterId, @intent, @summary, @effect, 'pending',
      @createdAt, @expiresAt)`,
    close: `UPDATE change_requests SET status = @status, decided_by = @decidedBy, decided_at = @at,
      reason = @reason, outcome = @outcome WHERE account_id = @accountId AND id = @id AND status = 'pending'`,
    get: `${SELECT} WHERE r.account_id = @accountId AND r.id = @id`,
    pending: `${SELECT} WHERE r.account_id = @accountId AND r.status = 'pending'
      ORDER BY r.created_at, r.${f.insertionOrder}`,
    // A request decided before it was ever posted (from the CLI) is still posted, in its final state.
    toPost: `${SELECT} WHERE r.posted = 0 ORDER BY r.created_at, r.${f.insertionOrder}`,
    toAnnounce: `${SELECT} WHERE r.announced = 0 AND r.posted = 1 AND r.status <> 'pending'
      ORDER BY r.decided_at, r.${f.insertionOrder}`,
    expired: `${SELECT} WHERE r.status = 'pending' AND r.expires_at <= @now`,
    posted:
      "UPDATE change_requests SET posted = @done, posts_json = @posts WHERE account_id = @accountId AND id = @id",
    announced:
      "UPDATE change_requests SET announced = 1, posted = 1 WHERE account_id = @accountId AND id = @id",
    /**
     * The one rule of a request's Slack lease (migration 010): an instance takes it when nobody holds
     * it or the holder's time has run out (an instance that died), until `@until`. Times are ISO
     * text, which orders as time does.
     */
    claimSlack: `UPDATE change_requests SET slack_lease_until = @until
      WHERE account_id = @accountId AND id = @id AND (slack_lease_until IS NULL OR slack_lease_until <= @now)`,
    releaseSlack: `UPDATE change_requests SET slack_lease_until = NULL
      WHERE account_id = @accountId AND id = @id AND slack_lease_until = @until`,
  }) as const;

import type { Grant, GrantEndReason } from "../../core/model.js";
import type { PermissionKey } from "../../core/permissions.js";

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

/** The SQL of grants as the background job reads and claims them, with `@name` parameters. */
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

/** A grant change of `apply`, with `@name` parameters. */
export const GRANT_CHANGE_SQL = {
  insert: `INSERT INTO grants (id, account_id, member_id, permission, reason, granted_by, request_id, starts_at,
    ends_at, remind_at) VALUES (@id, @accountId, @memberId, @permission, @reason, @grantedBy, @requestId,
    @startsAt, @endsAt, @remindAt)`,
  // A longer grant earns a new reminder before its new end.
  extend: `UPDATE grants SET ends_at = @endsAt, remind_at = @remindAt, reminded_at = NULL
    WHERE id = @id AND account_id = @accountId AND ended_at IS NULL`,
  end: `UPDATE grants SET ended_at = @at, ended_by = @by, end_reason = @reason
    WHERE id = @id AND account_id = @accountId AND ended_at IS NULL`,
} as const;

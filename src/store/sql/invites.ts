import type { Invite } from "../../core/model.js";

export interface InviteRow {
  id: string;
  member_id: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export const toInvite = (r: InviteRow): Invite => ({
  id: r.id,
  memberId: r.member_id,
  tokenHash: r.token_hash,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
});

/** The SQL of invites (the newest of several members' is a dialect's: `../dialects.ts`). */
export const INVITE_SQL = {
  insert: `INSERT INTO invites (id, member_id, token_hash, expires_at, created_at, used_at, revoked_at)
    VALUES (@id, @memberId, @tokenHash, @expiresAt, @createdAt, NULL, NULL)`,
  use: "UPDATE invites SET used_at = @at WHERE member_id = @memberId AND used_at IS NULL AND revoked_at IS NULL",
  revoke:
    "UPDATE invites SET revoked_at = @at WHERE member_id = @memberId AND used_at IS NULL AND revoked_at IS NULL",
  byTokenHash: "SELECT * FROM invites WHERE token_hash = @tokenHash",
  pending: `SELECT 1 AS pending FROM invites WHERE id = @id AND used_at IS NULL AND revoked_at IS NULL
    AND expires_at > @now`,
} as const;

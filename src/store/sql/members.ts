import type { Member, MemberRef } from "../../core/model.js";
import type { MemberFilter, Page } from "../../core/ports.js";
import { ROLES } from "../../core/roles.js";
import type { Fragments } from "./dialect.js";

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

/** The columns a member's patch may set. */
export const MEMBER_COLUMNS = {
  name: "name",
  phone: "phone",
  role: "role",
  status: "status",
  slackUserId: "slack_user_id",
} as const;

/**
 * Members in display order: highest rank first (from the role table), then email. `email` is how the
 * engine compares emails bytewise. It must stay the expression of migration 005's
 * `members_list_order` index, so lists are walked, not sorted: a new role needs a migration that
 * rebuilds that index.
 */
export const memberListOrder = (email: string): string =>
  `CASE role ${ROLES.slice(0, -1)
    .map((role, i) => `WHEN '${role}' THEN ${i}`)
    .join(" ")} ELSE ${ROLES.length - 1} END, ${email}`;

/** The member a reference names: current before removed, newest first. */
const byRef = (column: string) => `SELECT * FROM members WHERE account_id = @accountId AND ${column} = @value
  ORDER BY status <> 'removed' DESC, created_at DESC LIMIT 1`;

export const MEMBER_SQL = {
  byEmail: byRef("email"),
  bySlackUser: byRef("slack_user_id"),
  byId: "SELECT * FROM members WHERE id = @id",
  ownerCount: `SELECT CAST(count(*) AS INTEGER) AS n FROM members
    WHERE account_id = @accountId AND role = 'owner' AND status = 'active'`,
  insert: `INSERT INTO members (id, account_id, email, name, phone, role, status, slack_user_id, invited_by,
    created_at, updated_at) VALUES (@id, @accountId, @email, @name, @phone, @role, @status, @slackUserId,
    @invitedBy, @createdAt, @updatedAt)`,
} as const;

/** A member reference as the statement that finds it and its parameters. */
export const memberByRef = (accountId: string, ref: MemberRef) =>
  "email" in ref
    ? { sql: MEMBER_SQL.byEmail, params: { accountId, value: ref.email } }
    : { sql: MEMBER_SQL.bySlackUser, params: { accountId, value: ref.slackUserId } };

/** Sets the patched columns (each `@` its patch key) and `updated_at = @at` of member `@id`. */
export const updateMemberSql = (keys: readonly (keyof typeof MEMBER_COLUMNS)[]): string =>
  `UPDATE members SET ${keys.map((key) => `${MEMBER_COLUMNS[key]} = @${key}`).join(", ")}, updated_at = @at
    WHERE id = @id`;

/** Listing and counting members: a few fixed shapes, by which filters are set. */
export const memberListSql = (f: Fragments) => {
  const order = memberListOrder(f.emailBytewise);
  const where = (filter: MemberFilter): string => {
    const where = ["account_id = @accountId"];
    if (filter.role) where.push("role = @role");
    if (filter.status) where.push("status = @status");
    // Stated even beside a status filter, so the partial list-order index applies.
    if (!filter.includeRemoved) where.push("status <> 'removed'");
    return where.join(" AND ");
  };
  return {
    order,
    list: (filter: MemberFilter, page?: Page) =>
      `SELECT * FROM members WHERE ${where(filter)} ORDER BY ${order}${page ? " LIMIT @limit OFFSET @offset" : ""}`,
    count: (filter: MemberFilter) =>
      `SELECT CAST(count(*) AS INTEGER) AS n FROM members WHERE ${where(filter)}`,
  };
};

import type { Account, ApiKeyInfo, Grant, Invite, Member, MemberRef } from "../core/model.js";
import type { Matrix, PermissionKey } from "../core/permissions.js";
import type { ChangeableRole } from "../core/roles.js";
import { rows, type Script } from "./script.js";
import { type AccountRow, API_KEY_SQL, toAccount } from "./sql/accounts.js";
import { GRANT_SQL, type GrantRow, toGrant } from "./sql/grants.js";
import { INVITE_SQL, type InviteRow, toInvite } from "./sql/invites.js";
import { MEMBER_SQL, type MemberRow, memberByRef, toMember } from "./sql/members.js";
import { PERMISSION_SQL } from "./sql/permissions.js";

/** Reads written once for both engines, as scripts (see `script.ts`). */

/** An account from its row, with the keys rotated out that still work. */
export function* account(row: AccountRow | undefined): Script<Account | null> {
  if (!row) return null;
  const inGrace = yield* rows<ApiKeyInfo["previous"][number]>(API_KEY_SQL.inGrace, { accountId: row.id });
  return toAccount(row, inGrace);
}

export function* member(accountId: string, ref: MemberRef): Script<Member | null> {
  const { sql, params } = memberByRef(accountId, ref);
  const [row] = yield* rows<MemberRow>(sql, params);
  return row ? toMember(row) : null;
}

export function* memberById(id: string): Script<Member | null> {
  const [row] = yield* rows<MemberRow>(MEMBER_SQL.byId, { id });
  return row ? toMember(row) : null;
}

export function* activeOwnerCount(accountId: string): Script<number> {
  const [row] = yield* rows<{ n: number }>(MEMBER_SQL.ownerCount, { accountId });
  return row?.n ?? 0;
}

export function* matrix(accountId: string): Script<Matrix> {
  const columns: Record<ChangeableRole, Set<PermissionKey>> = { admin: new Set(), teammate: new Set() };
  const cells = yield* rows<{ role: ChangeableRole; permission: PermissionKey }>(PERMISSION_SQL.matrix, {
    accountId,
  });
  for (const cell of cells) columns[cell.role]?.add(cell.permission);
  return columns;
}

export function* openGrants(accountId: string): Script<Grant[]> {
  return (yield* rows<GrantRow>(GRANT_SQL.open, { accountId })).map(toGrant);
}

export function* inviteByTokenHash(tokenHash: string): Script<Invite | null> {
  const [row] = yield* rows<InviteRow>(INVITE_SQL.byTokenHash, { tokenHash });
  return row ? toInvite(row) : null;
}

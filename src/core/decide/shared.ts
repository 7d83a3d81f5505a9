import { type Action, authorize, type Subject } from "../authz.js";
import type { Decision, MailDraft } from "../decision.js";
import { grantedNow } from "../grant-rules.js";
import type {
  Acting,
  ChangeRequest,
  DecisionState,
  Invite,
  Member,
  MemberStatus,
  Principal,
} from "../model.js";
import { type PermissionKey, permissionsOf } from "../permissions.js";
import { requireActiveActor } from "../policy.js";
import type { ChangeableRole, Role } from "../roles.js";

/**
 * Pure decisions: state + actor + input in, the changes, audit entries and mails out — or a CoreError.
 * They never touch a database, so every rule is tested without one. Who may do what is asked of the
 * one authorization table (authz.ts); what must stay true of the account (an active Owner left) here.
 */

/** One field of a member, before and after a change. */
export interface FieldChange<T> {
  before: T;
  after: T;
}

/** The fields an edit changed, each before → after; a field left as it was is absent. */
export interface MemberFieldChanges {
  name?: FieldChange<string | null>;
  phone?: FieldChange<string | null>;
  role?: FieldChange<Role>;
}

/** One cell of the permission matrix as a change leaves it. */
export interface PermissionCell {
  role: ChangeableRole;
  permission: PermissionKey;
  allowed: boolean;
}

export interface ChangeResult {
  ok: true;
  changed: boolean;
  action: string;
  email?: string;
  /** The member's full name (after the change), so a sentence can name them. */
  name?: string | null;
  /** The member's linked Slack user, so Slack can mention them. */
  slackUserId?: string | null;
  /** The member's status when the change was decided: removing an `invited` one cancels an invite. */
  status?: MemberStatus;
  role?: Role;
  detail?: string;
  /** For a permission of a role: whether the role may use it after the change. */
  allowed?: boolean;
  /** What an edit changed, field by field. */
  fields?: MemberFieldChanges;
  /** The cells of the permission matrix a change turned on or off, in the order they were decided. */
  cells?: PermissionCell[];
  /** For a grant: the permission it is about (`detail` holds its end time). */
  permission?: PermissionKey;
  /** With four-eyes on, the change was not made: it waits for a second Owner as this request. */
  request?: ChangeRequest;
  /** A rotation: the new organisation API key, in full, this once (never stored, never audited). */
  apiKey?: string;
}

/** Who a member change is about, as its result names them. */
export const aboutMember = (
  m: Member,
): Required<Pick<ChangeResult, "email" | "name" | "slackUserId" | "status" | "role">> => ({
  email: m.email,
  name: m.name,
  slackUserId: m.slackUserId,
  status: m.status,
  role: m.role,
});

export interface FreshInvite {
  inviteId: string;
  token: string;
  tokenHash: string;
  expiresAt: string;
}

export const at = (state: DecisionState) => state.now.toISOString();

export const memberSnapshot = (m: Member) => ({
  email: m.email,
  name: m.name,
  phone: m.phone,
  role: m.role,
  status: m.status,
});

export const newInvite = (memberId: string, fresh: FreshInvite, now: string): Invite => ({
  id: fresh.inviteId,
  memberId,
  tokenHash: fresh.tokenHash,
  expiresAt: fresh.expiresAt,
  createdAt: now,
  usedAt: null,
  revokedAt: null,
});

export const inviteMail = (
  state: DecisionState,
  member: Member,
  fresh: FreshInvite,
  inviter: Member,
  resent: boolean,
): MailDraft => ({
  kind: "invite",
  to: member.email,
  memberId: member.id,
  inviteId: fresh.inviteId,
  token: fresh.token,
  accountName: state.account.name,
  inviter: { name: inviter.name, email: inviter.email },
  role: member.role,
  permissions: permissionsOf(state.matrix, member.role),
  expiresAt: fresh.expiresAt,
  resent,
});

/** Rule 6, and the permissions the actor holds by grant at this moment (rule 8). */
export const acting = (state: DecisionState): Acting => {
  const actor = requireActiveActor(state);
  return { ...actor, granted: grantedNow(state.grants, actor.id, state.now) };
};

/** Who acts, as the rules see them: the caller that is not a member, else the acting member (rule 6). */
export const principal = (state: DecisionState): Principal => state.caller ?? acting(state);

/** Rule 6, then the action's rule from the table: the acting member, allowed. */
export const allowed = (state: DecisionState, action: Action, subject: Subject = {}): Acting => {
  const actor = acting(state);
  authorize(action, actor, subject, state.matrix);
  return actor;
};

export type { Decision, Role };

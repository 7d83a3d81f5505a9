import { type Action, authorize, type Subject } from "../authz.js";
import type { Decision, MailDraft } from "../decision.js";
import { grantedNow } from "../grant-rules.js";
import type { Acting, DecisionState, Invite, Member } from "../model.js";
import { permissionsOf } from "../permissions.js";
import { requireActiveActor } from "../policy.js";
import type { Role } from "../roles.js";

/**
 * Pure decisions: state + actor + input in, the changes, audit entries and mails out — or a CoreError.
 * They never touch a database, so every rule is tested without one. Who may do what is asked of the
 * one authorization table (authz.ts); what must stay true of the account (an active Owner left) here.
 */

export {
  type AlreadySo,
  aboutMember,
  type ChangeResult,
  type FieldChange,
  type MemberAbout,
  type MemberFieldChanges,
  made,
  type PermissionCell,
  type ResultOf,
  unchanged,
} from "../outcomes.js";

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

/** Rule 6, then the action's rule from the table: the acting member, allowed. */
export const allowed = (state: DecisionState, action: Action, subject: Subject = {}): Acting => {
  const actor = acting(state);
  authorize(action, actor, subject, state.matrix);
  return actor;
};

export type { Decision, Role };

import type { AuditDraft, Change, Decision, MailDraft, MemberPatch } from "./decision.js";
import { nothingToDo } from "./decision.js";
import { CoreError } from "./errors.js";
import { type DecisionState, type Invite, inviteTokenState, type Member } from "./model.js";
import { diffMatrix, PERMISSIONS, type PermissionKey, permissionsOf } from "./permissions.js";
import {
  mayStopApiKeyAtOnce,
  requireActiveActor,
  requireMayActOn,
  requireMayAssign,
  requireMayChangeColumn,
  requireMayStopApiKeyAtOnce,
  requireNotSelf,
  requireOwner,
  requireOwnerLeft,
  requirePermission,
  requireTarget,
} from "./policy.js";
import type { ChangeableRole, Role } from "./roles.js";

/**
 * Pure decisions: state + actor + input in, the changes, audit entries and mails out — or a CoreError.
 * They never touch a database, so every rule is tested here without one.
 */

export interface ChangeResult {
  ok: true;
  changed: boolean;
  action: string;
  email?: string;
  /** The member's full name, where a confirmation shows it (an invite). */
  name?: string | null;
  role?: Role;
  detail?: string;
  /** For a permission of a role: whether the role may use it after the change. */
  allowed?: boolean;
}

export interface FreshInvite {
  inviteId: string;
  token: string;
  tokenHash: string;
  expiresAt: string;
}

const at = (state: DecisionState) => state.now.toISOString();

const memberSnapshot = (m: Member) => ({
  email: m.email,
  name: m.name,
  phone: m.phone,
  role: m.role,
  status: m.status,
});

const newInvite = (memberId: string, fresh: FreshInvite, now: string): Invite => ({
  id: fresh.inviteId,
  memberId,
  tokenHash: fresh.tokenHash,
  expiresAt: fresh.expiresAt,
  createdAt: now,
  usedAt: null,
  revokedAt: null,
});

const inviteMail = (
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

export interface AddMemberInput {
  email: string;
  role: Role;
  name: string | null;
  phone: string | null;
}

export const decideAddMember = (
  state: DecisionState,
  input: AddMemberInput,
  fresh: FreshInvite & { memberId: string },
): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "team_settings", "invite members");
  requireMayAssign(actor, input.role);
  if (state.target && state.target.status !== "removed") {
    const how =
      state.target.status === "invited"
        ? "already invited (use resend to send a new link)"
        : "already a member";
    throw new CoreError("ALREADY_MEMBER", `${state.target.email} is ${how}.`);
  }
  const now = at(state);
  const member: Member = {
    id: fresh.memberId,
    accountId: state.account.id,
    email: input.email,
    name: input.name,
    phone: input.phone,
    role: input.role,
    status: "invited",
    slackUserId: null,
    invitedBy: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  return {
    changes: [
      { kind: "insertMember", member },
      { kind: "insertInvite", invite: newInvite(member.id, fresh, now) },
    ],
    audit: [
      { action: "member.added", target: member.email, before: null, after: memberSnapshot(member) },
      { action: "invite.sent", target: member.email, before: null, after: { expiresAt: fresh.expiresAt } },
    ],
    mails: [inviteMail(state, member, fresh, actor, false)],
    result: {
      ok: true,
      changed: true,
      action: "member.added",
      email: member.email,
      name: member.name,
      role: member.role,
    },
  };
};

export interface EditMemberInput {
  name?: string | null;
  phone?: string | null;
  role?: Role;
}

/** Edits name, phone and role; `/team role` is an edit of the role alone. */
export const decideEditMember = (
  state: DecisionState,
  named: string,
  input: EditMemberInput,
): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "team_settings", "change members");
  const target = requireTarget(state, named);
  const patch: MemberPatch = {};
  if (input.name !== undefined && input.name !== target.name) patch.name = input.name;
  if (input.phone !== undefined && input.phone !== target.phone) patch.phone = input.phone;
  const roleChanges = input.role !== undefined && input.role !== target.role;
  if (roleChanges && input.role) {
    requireNotSelf(actor, target, "Nobody can change their own role. Ask another Owner.");
    requireMayActOn(actor, target, "change the role of");
    requireMayAssign(actor, input.role);
    if (input.role !== "owner") requireOwnerLeft(state, target);
    patch.role = input.role;
  } else if (actor.id !== target.id) {
    // Editing your own name or phone is always fine; anybody else's follows the hierarchy.
    requireMayActOn(actor, target, "edit");
  }
  if (Object.keys(patch).length === 0) {
    return nothingToDo({
      ok: true,
      changed: false,
      action: "member.unchanged",
      email: target.email,
      role: target.role,
      // The fields asked about, which already hold what was asked.
      detail: Object.keys(input).join(","),
    });
  }
  const audit: AuditDraft[] = [];
  const { role, ...details } = patch;
  if (Object.keys(details).length > 0) {
    const before = Object.fromEntries(
      Object.keys(details).map((k) => [k, target[k as keyof typeof details]]),
    );
    audit.push({ action: "member.edited", target: target.email, before, after: details });
  }
  if (role)
    audit.push({
      action: "member.role_changed",
      target: target.email,
      before: { role: target.role },
      after: { role },
    });
  return {
    changes: [{ kind: "updateMember", memberId: target.id, patch }],
    audit,
    // Active members hear about a new role by mail; the invited learn it from their invite page.
    mails:
      role && target.status === "active"
        ? [
            {
              kind: "role_changed",
              to: target.email,
              accountName: state.account.name,
              role,
              permissions: permissionsOf(state.matrix, role),
            },
          ]
        : [],
    result: {
      ok: true,
      changed: true,
      action: role ? "member.role_changed" : "member.edited",
      email: target.email,
      role: role ?? target.role,
    },
  };
};

export const decideRemoveMember = (state: DecisionState, named: string): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "team_settings", "remove members");
  const target = requireTarget(state, named);
  requireNotSelf(actor, target, "Nobody can remove themselves. Ask another Owner.");
  requireMayActOn(actor, target, "remove");
  requireOwnerLeft(state, target);
  return {
    changes: [
      { kind: "updateMember", memberId: target.id, patch: { status: "removed" } },
      { kind: "closeInvites", memberId: target.id, how: "revoked" },
    ],
    audit: [
      {
        action: "member.removed",
        target: target.email,
        before: memberSnapshot(target),
        after: { status: "removed" },
      },
    ],
    mails:
      target.status === "active"
        ? [{ kind: "removed", to: target.email, accountName: state.account.name }]
        : [],
    result: { ok: true, changed: true, action: "member.removed", email: target.email, role: target.role },
  };
};

const requirePendingInvite = (
  state: DecisionState,
  named: string,
  doing: string,
): { actor: Member; target: Member } => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "team_settings", doing);
  const target = requireTarget(state, named);
  if (target.status !== "invited") {
    throw new CoreError("INVALID_INPUT", `${target.email} has already joined; there is no pending invite.`);
  }
  requireMayActOn(actor, target, doing.split(" ")[0] ?? doing);
  return { actor, target };
};

export const decideResendInvite = (
  state: DecisionState,
  named: string,
  fresh: FreshInvite,
): Decision<ChangeResult> => {
  const { actor, target } = requirePendingInvite(state, named, "resend invites");
  const changes: Change[] = [
    { kind: "closeInvites", memberId: target.id, how: "revoked" },
    { kind: "insertInvite", invite: newInvite(target.id, fresh, at(state)) },
  ];
  return {
    changes,
    audit: [
      { action: "invite.resent", target: target.email, before: null, after: { expiresAt: fresh.expiresAt } },
    ],
    mails: [inviteMail(state, target, fresh, actor, true)],
    result: { ok: true, changed: true, action: "invite.resent", email: target.email, role: target.role },
  };
};

export const decideRevokeInvite = (state: DecisionState, named: string): Decision<ChangeResult> => {
  const { target } = requirePendingInvite(state, named, "revoke invites");
  return {
    changes: [
      { kind: "closeInvites", memberId: target.id, how: "revoked" },
      { kind: "updateMember", memberId: target.id, patch: { status: "removed" } },
    ],
    audit: [
      {
        action: "invite.revoked",
        target: target.email,
        before: memberSnapshot(target),
        after: { status: "removed" },
      },
    ],
    mails: [],
    result: { ok: true, changed: true, action: "invite.revoked", email: target.email, role: target.role },
  };
};

export interface SetPermissionInput {
  role: Role;
  permission: PermissionKey;
  allowed: boolean;
}

interface Toggle {
  role: ChangeableRole;
  permission: PermissionKey;
  allowed: boolean;
}

const toggleChanges = (toggles: Toggle[]): Pick<Decision<unknown>, "changes" | "audit"> => ({
  changes: toggles.map((t) => ({ kind: "setPermission" as const, ...t })),
  audit: toggles.map(({ role, permission, allowed }) => ({
    action: allowed ? "permission.granted" : "permission.revoked",
    target: `role:${role}`,
    before: { [permission]: !allowed },
    after: { [permission]: allowed },
  })),
});

export const decideSetPermission = (
  state: DecisionState,
  input: SetPermissionInput,
): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "access_permissions", "change what roles may do");
  const role = requireMayChangeColumn(actor, input.role);
  const { permission, allowed } = input;
  if (state.matrix[role].has(permission) === allowed) {
    return nothingToDo({
      ok: true,
      changed: false,
      action: "permission.unchanged",
      role,
      detail: PERMISSIONS[permission].label,
      allowed,
    });
  }
  const action = allowed ? "permission.granted" : "permission.revoked";
  return {
    ...toggleChanges([{ role, permission, allowed }]),
    mails: [],
    result: { ok: true, changed: true, action, role, detail: PERMISSIONS[permission].label },
  };
};

/** Saving the Permissions form: the wanted columns become a diff, applied as one change. */
export const decideSetMatrix = (
  state: DecisionState,
  wanted: Partial<Record<Role, readonly PermissionKey[]>>,
): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requirePermission(state, actor, "access_permissions", "change what roles may do");
  const columns: Partial<Record<ChangeableRole, readonly PermissionKey[]>> = {};
  for (const [role, keys] of Object.entries(wanted) as [Role, readonly PermissionKey[]][]) {
    columns[requireMayChangeColumn(actor, role)] = keys;
  }
  const diff = diffMatrix(state.matrix, columns);
  const toggles: Toggle[] = [
    ...diff.toAdd.map((t) => ({ ...t, allowed: true })),
    ...diff.toRemove.map((t) => ({ ...t, allowed: false })),
  ];
  if (toggles.length === 0) return nothingToDo({ ok: true, changed: false, action: "permission.unchanged" });
  return {
    ...toggleChanges(toggles),
    mails: [],
    result: { ok: true, changed: true, action: "permissions.changed", detail: String(toggles.length) },
  };
};

export const decideSetApprovalsChannel = (
  state: DecisionState,
  channel: string | null,
): Decision<ChangeResult> => {
  const actor = requireActiveActor(state);
  requireOwner(actor, "change settings");
  const before = state.account.approvalsChannel;
  if (before === channel) {
    return nothingToDo({ ok: true, changed: false, action: "setting.unchanged", detail: channel ?? "none" });
  }
  return {
    changes: [{ kind: "setApprovalsChannel", channel }],
    audit: [
      {
        action: "setting.changed",
        target: "setting:approvals_channel",
        before: { channel: before },
        after: { channel },
      },
    ],
    mails: [],
    result: { ok: true, changed: true, action: "setting.changed", detail: channel ?? "none" },
  };
};

/** An invited member becomes active and their invite is used up: by accepting, or by the operator. */
const activation = (
  member: Member,
  action: "member.activated" | "invite.accepted",
): Decision<ChangeResult> => ({
  changes: [
    { kind: "updateMember", memberId: member.id, patch: { status: "active" } },
    { kind: "closeInvites", memberId: member.id, how: "used" },
  ],
  audit: [{ action, target: member.email, before: { status: "invited" }, after: { status: "active" } }],
  mails: [],
  result: { ok: true, changed: true, action, email: member.email, role: member.role },
});

/** Operator verb: make an invited member active without the mail round trip. */
export const decideActivate = (state: DecisionState, named: string): Decision<ChangeResult> => {
  const target = requireTarget(state, named);
  if (target.status !== "invited") {
    throw new CoreError("INVALID_INPUT", `${target.email} is already active.`);
  }
  return activation(target, "member.activated");
};

/**
 * PRODUCT §6: a Slack user not yet linked is matched by the email Slack reports for them.
 * A member already linked to another Slack user is not taken over.
 */
export const decideLinkSlackUser = (
  state: DecisionState,
  email: string,
  slackUserId: string,
): Decision<ChangeResult> => {
  const target = state.target;
  if (!target || target.status === "removed") {
    throw new CoreError("NOT_A_MEMBER", `${email} is not a member of this team. Ask an Owner to invite you.`);
  }
  const result: ChangeResult = {
    ok: true,
    changed: false,
    action: "member.slack_linked",
    email,
    role: target.role,
  };
  if (target.slackUserId === slackUserId) return nothingToDo(result);
  if (target.slackUserId) {
    throw new CoreError(
      "NOT_A_MEMBER",
      `${email} is linked to another Slack user. Ask an Owner to check the team list.`,
    );
  }
  return {
    changes: [{ kind: "updateMember", memberId: target.id, patch: { slackUserId } }],
    audit: [
      { action: "member.slack_linked", target: email, before: { slackUserId: null }, after: { slackUserId } },
    ],
    mails: [],
    result: { ...result, changed: true },
  };
};

/** PRODUCT §4: accepting an invite makes the member active; the token works once, until it expires. */
export const decideAcceptInvite = (state: DecisionState, invite: Invite | null): Decision<ChangeResult> => {
  if (!invite) throw new CoreError("INVITE_INVALID", "This invite link is not valid.");
  const member = state.target;
  switch (inviteTokenState(invite, member, state.now)) {
    case "revoked":
      throw new CoreError("INVITE_INVALID", "This invite was revoked or replaced by a newer one.");
    case "accepted":
      throw new CoreError("INVITE_USED", "This invite has already been accepted.");
    case "expired":
      throw new CoreError(
        "INVITE_EXPIRED",
        "This invite has expired. Ask whoever invited you to send a new one.",
      );
  }
  if (!member) throw new CoreError("INVITE_INVALID", "This invite link is not valid.");
  return activation(member, "invite.accepted");
};

/** The old key's grace period when a member other than an Owner does not choose one (§8). */
export const DEFAULT_GRACE_HOURS = 24;

export interface RotateApiKeyInput {
  fresh: { hash: string; prefix: string };
  /** Hours the old key keeps working; left out: none for Owners and the operator, 24 for the rest. */
  graceHours?: number;
  /** The key (prefix) this rotation means to replace; when another is in use, it was already done. */
  from?: string;
  operator?: boolean;
}

/**
 * §8: members holding `api_key` (or the operator) rotate the key; the old one dies now (Owners
 * only) or after a grace period. Keys already in their grace period are left as they are.
 */
export const decideRotateApiKey = (
  state: DecisionState,
  { fresh, graceHours, from, operator = false }: RotateApiKeyInput,
): Decision<ChangeResult> => {
  let grace = graceHours ?? 0;
  if (!operator) {
    const actor = requireActiveActor(state);
    requirePermission(state, actor, "api_key", "rotate the API key");
    grace = graceHours ?? (mayStopApiKeyAtOnce(actor) ? 0 : DEFAULT_GRACE_HOURS);
    if (grace === 0) requireMayStopApiKeyAtOnce(actor);
  }
  // One click, one rotation: a second click (or a redelivery) of the same button finds its key gone.
  if (from !== undefined && from !== state.account.apiKey.prefix) {
    return nothingToDo({
      ok: true,
      changed: false,
      action: "apikey.rotated",
      detail: state.account.apiKey.prefix,
    });
  }
  const graceUntil = grace > 0 ? new Date(state.now.getTime() + grace * 3_600_000).toISOString() : null;
  return {
    changes: [{ kind: "rotateApiKey", hash: fresh.hash, prefix: fresh.prefix, graceUntil }],
    audit: [
      {
        action: "apikey.rotated",
        target: "account:api_key",
        before: { prefix: state.account.apiKey.prefix },
        after: { prefix: fresh.prefix, oldKeyWorksUntil: graceUntil ?? state.now.toISOString() },
      },
    ],
    mails: [],
    result: { ok: true, changed: true, action: "apikey.rotated", detail: graceUntil ?? "now" },
  };
};

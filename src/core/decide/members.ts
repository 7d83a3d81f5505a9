import type { AuditDraft, Decision, MemberPatch } from "../decision.js";
import { nothingToDo } from "../decision.js";
import { CoreError } from "../errors.js";
import type { DecisionState, Member } from "../model.js";
import type { MemberField } from "../outcomes.js";
import { permissionsOf } from "../permissions.js";
import { requireOwnerLeft, requireTarget } from "../policy.js";
import { isOwnerRank, type Role } from "../roles.js";
import { endGrants, grantsEndedBy } from "./grants.js";
import {
  aboutMember,
  allowed,
  at,
  type ChangeResult,
  type FreshInvite,
  inviteMail,
  type MemberFieldChanges,
  made,
  memberSnapshot,
  newInvite,
  type ResultOf,
  unchanged,
} from "./shared.js";

/** The fields an edit asked about, in the order the sentence names them. */
const askedFields = (input: EditMemberInput): MemberField[] =>
  (Object.keys(input) as MemberField[]).filter((k) => input[k] !== undefined);

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
  const actor = allowed(state, "member.add", { role: input.role });
  if (state.target && state.target.status !== "removed") {
    const { email } = state.target;
    throw new CoreError({
      reason: state.target.status === "invited" ? "already_invited" : "already_member",
      email,
    });
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
      {
        action: "member.added",
        target: { type: "member", email: member.email },
        before: null,
        after: memberSnapshot(member),
      },
      {
        action: "invite.sent",
        target: { type: "member", email: member.email },
        before: null,
        after: { expiresAt: fresh.expiresAt },
      },
    ],
    mails: [inviteMail(state, member, fresh, actor, false)],
    result: made("member.added", { member: aboutMember(member) }),
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
  // The feature gate first: who lacks Team Settings learns nothing about who is on the team.
  allowed(state, "member.edit");
  const target = requireTarget(state, named);
  const patch: MemberPatch = {};
  if (input.name !== undefined && input.name !== target.name) patch.name = input.name;
  if (input.phone !== undefined && input.phone !== target.phone) patch.phone = input.phone;
  const roleChanges = input.role !== undefined && input.role !== target.role;
  let ended: ReturnType<typeof endGrants> = { changes: [], audit: [] };
  if (roleChanges && input.role) {
    const actor = allowed(state, "member.change_role", { target, role: input.role });
    // Rule 8: a grant of what the new role holds by itself has nothing left to give.
    ended = endGrants(state, grantsEndedBy(state, target, input.role), "standing", actor.email);
    if (!isOwnerRank(input.role)) requireOwnerLeft(state, target);
    patch.role = input.role;
  } else {
    allowed(state, "member.edit", { target });
  }
  if (Object.keys(patch).length === 0) {
    return nothingToDo<ChangeResult>(
      // The fields asked about, which already hold what was asked.
      unchanged({ of: "member", member: aboutMember(target), asked: askedFields(input) }),
    );
  }
  const audit: AuditDraft[] = [];
  const { role, ...details } = patch;
  if (Object.keys(details).length > 0) {
    const before = Object.fromEntries(
      Object.keys(details).map((k) => [k, target[k as keyof typeof details]]),
    );
    audit.push({
      action: "member.edited",
      target: { type: "member", email: target.email },
      before,
      after: details,
    });
  }
  if (role)
    audit.push({
      action: "member.role_changed",
      target: { type: "member", email: target.email },
      before: { role: target.role },
      after: { role },
    });
  const fields: MemberFieldChanges = {};
  if (patch.name !== undefined) fields.name = { before: target.name, after: patch.name };
  if (patch.phone !== undefined) fields.phone = { before: target.phone, after: patch.phone };
  if (role) fields.role = { before: target.role, after: role };
  return {
    changes: [{ kind: "updateMember", memberId: target.id, patch }, ...ended.changes],
    audit: [...audit, ...ended.audit],
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
    result: made("member.edited", { member: aboutMember({ ...target, ...patch }), fields }),
  };
};

export const decideRemoveMember = (state: DecisionState, named: string): Decision<ChangeResult> => {
  allowed(state, "member.remove");
  const target = requireTarget(state, named);
  const actor = allowed(state, "member.remove", { target });
  requireOwnerLeft(state, target);
  // Rule 8: a member's grants end with their membership.
  const ended = endGrants(state, grantsEndedBy(state, target), "removed", actor.email);
  return {
    changes: [
      { kind: "updateMember", memberId: target.id, patch: { status: "removed" } },
      { kind: "closeInvites", memberId: target.id, how: "revoked" },
      ...ended.changes,
    ],
    audit: [
      {
        action: "member.removed",
        target: { type: "member", email: target.email },
        before: memberSnapshot(target),
        after: { status: "removed" },
      },
      ...ended.audit,
    ],
    mails:
      target.status === "active"
        ? [{ kind: "removed", to: target.email, accountName: state.account.name }]
        : [],
    // The status before: removing someone still invited cancels their invite, and says so.
    result: made("member.removed", { member: aboutMember(target) }),
  };
};

/** An invited member becomes active and their invite is used up: by accepting, or by the operator. */
export const activation = <K extends "member.activated" | "invite.accepted">(
  member: Member,
  action: K,
): Decision<ResultOf<K>> => ({
  changes: [
    { kind: "updateMember", memberId: member.id, patch: { status: "active" } },
    { kind: "closeInvites", memberId: member.id, how: "used" },
  ],
  audit: [
    {
      action,
      target: { type: "member", email: member.email },
      before: { status: "invited" },
      after: { status: "active" },
    },
  ],
  mails: [],
  // Both kinds say the same: who became active.
  result: { ok: true, changed: true, kind: action, member: aboutMember(member) } as ResultOf<K>,
});

/** Operator verb: make an invited member active without the mail round trip. */
export const decideActivate = (
  state: DecisionState,
  named: string,
): Decision<ResultOf<"member.activated">> => {
  const target = requireTarget(state, named);
  if (target.status !== "invited") {
    throw new CoreError({ reason: "already_active", email: target.email });
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
    throw new CoreError({ reason: "slack_user_not_a_member", email });
  }
  if (target.slackUserId === slackUserId)
    return nothingToDo<ChangeResult>(unchanged({ of: "slack_link", member: aboutMember(target) }));
  if (target.slackUserId) {
    throw new CoreError({ reason: "slack_user_linked_elsewhere", email });
  }
  return {
    changes: [{ kind: "updateMember", memberId: target.id, patch: { slackUserId } }],
    audit: [
      {
        action: "member.slack_linked",
        target: { type: "member", email: email },
        before: { slackUserId: null },
        after: { slackUserId },
      },
    ],
    mails: [],
    result: made("member.slack_linked", { member: aboutMember({ ...target, slackUserId }) }),
  };
};

import type { Change, Decision } from "../decision.js";
import { CoreError } from "../errors.js";
import { type DecisionState, type Invite, inviteTokenState, type Member } from "../model.js";
import { requireTarget } from "../policy.js";
import { activation } from "./members.js";
import {
  aboutMember,
  allowed,
  at,
  type ChangeResult,
  type FreshInvite,
  inviteMail,
  made,
  memberSnapshot,
  newInvite,
  type ResultOf,
} from "./shared.js";

const requirePendingInvite = (
  state: DecisionState,
  named: string,
  action: "invite.resend" | "invite.revoke",
): { actor: Member; target: Member } => {
  allowed(state, action);
  const target = requireTarget(state, named);
  if (target.status !== "invited") {
    throw new CoreError({ reason: "already_joined", email: target.email, action });
  }
  return { actor: allowed(state, action, { target }), target };
};

export const decideResendInvite = (
  state: DecisionState,
  named: string,
  fresh: FreshInvite,
): Decision<ChangeResult> => {
  const { actor, target } = requirePendingInvite(state, named, "invite.resend");
  const changes: Change[] = [
    { kind: "closeInvites", memberId: target.id, how: "revoked" },
    { kind: "insertInvite", invite: newInvite(target.id, fresh, at(state)) },
  ];
  return {
    changes,
    audit: [
      {
        action: "invite.resent",
        target: { type: "member", email: target.email },
        before: null,
        after: { expiresAt: fresh.expiresAt },
      },
    ],
    mails: [inviteMail(state, target, fresh, actor, true)],
    result: made("invite.resent", { member: aboutMember(target) }),
  };
};

export const decideRevokeInvite = (state: DecisionState, named: string): Decision<ChangeResult> => {
  const { target } = requirePendingInvite(state, named, "invite.revoke");
  return {
    changes: [
      { kind: "closeInvites", memberId: target.id, how: "revoked" },
      { kind: "updateMember", memberId: target.id, patch: { status: "removed" } },
    ],
    audit: [
      {
        action: "invite.revoked",
        target: { type: "member", email: target.email },
        before: memberSnapshot(target),
        after: { status: "removed" },
      },
    ],
    mails: [],
    result: made("invite.revoked", { member: aboutMember(target) }),
  };
};

/** PRODUCT §4: accepting an invite makes the member active; the token works once, until it expires. */
export const decideAcceptInvite = (
  state: DecisionState,
  invite: Invite | null,
): Decision<ResultOf<"invite.accepted">> => {
  if (!invite) throw new CoreError({ reason: "invite_invalid" });
  const member = state.target;
  switch (inviteTokenState(invite, member, state.now)) {
    case "revoked":
      throw new CoreError({ reason: "invite_revoked" });
    case "accepted":
      throw new CoreError({ reason: "invite_used" });
    case "expired":
      throw new CoreError({ reason: "invite_expired" });
  }
  if (!member) throw new CoreError({ reason: "invite_invalid" });
  return activation(member, "invite.accepted");
};

import type { AuditDraft, Change, Decision } from "../decision.js";
import { nothingToDo } from "../decision.js";
import { CoreError } from "../errors.js";
import { activeGrantOf, extensionRoom, remindAt } from "../grant-rules.js";
import type { DecisionState, Grant, GrantEndReason, Member } from "../model.js";
import { holds, PERMISSIONS, type PermissionKey } from "../permissions.js";
import { requireTarget } from "../policy.js";
import { holdsEverything } from "../roles.js";
import { aboutMember, acting, allowed, type ChangeResult, made, unchanged } from "./shared.js";

/**
 * PRODUCT rule 8 as pure decisions: a grant gives one member one permission until its end time. It
 * opens the feature gate only (authz reads `granted` in `needs`; rank rules read the role), so it can
 * never let anyone act above their rank. Ends are exact: checks compare the clock with `endsAt`.
 */

const MINUTE = 60_000;

export interface GrantLimits {
  /** GRANT_MAX_HOURS: the longest a grant may run, counted from now. */
  maxHours: number;
}

const _label = (permission: PermissionKey) => PERMISSIONS[permission].label;

/** GRANT_TOO_LONG: a grant would run past GRANT_MAX_HOURS from now. */
export const grantTooLong = (maxHours: number): CoreError =>
  new CoreError({ reason: "grant_too_long", maxHours });

/** No grant of `permission` is running for `email` (null: the one asking). */
export const noSuchGrant = (email: string | null, permission: PermissionKey): CoreError =>
  new CoreError({ reason: "no_such_grant", email, permission });

/** The member a grant is about: active, and not holding the permission by role already. */
const grantee = (state: DecisionState, named: string): Member => {
  const target = requireTarget(state, named);
  if (target.status !== "active") throw new CoreError({ reason: "grantee_not_active", email: target.email });
  return target;
};

const grantResult = (
  target: Member,
  grant: Pick<Grant, "permission" | "endsAt">,
  kind: "grant.started" | "grant.extended" | "grant.ended",
): ChangeResult =>
  made(kind, { member: aboutMember(target), permission: grant.permission, until: grant.endsAt });

const grantAfter = (g: Pick<Grant, "permission" | "endsAt" | "reason" | "requestId">) => ({
  permission: g.permission,
  until: g.endsAt,
  ...(g.reason ? { reason: g.reason } : {}),
  ...(g.requestId ? { request: g.requestId } : {}),
});

export interface StartGrantInput {
  member: string;
  permission: PermissionKey;
  minutes: number;
  reason: string | null;
}

/**
 * An Owner gives a member a permission for `minutes` from now (directly, or by approving a request:
 * then `state.request` is that request, and the grant remembers it). A member who already has a
 * longer-running grant of it keeps theirs; a shorter one is stretched to the new end.
 */
export const decideStartGrant = (
  state: DecisionState,
  input: StartGrantInput,
  fresh: { grantId: string },
  limits: GrantLimits,
): Decision<ChangeResult> => {
  const actor = allowed(state, "grant.start");
  const target = grantee(state, input.member);
  if (holdsEverything(target.role)) throw new CoreError({ reason: "grant_to_owner", email: target.email });
  const about = { member: aboutMember(target), permission: input.permission };
  if (holds(state.matrix, target.role, input.permission))
    return nothingToDo<ChangeResult>(unchanged({ of: "grant.by_role", ...about }));
  if (input.minutes > limits.maxHours * 60) throw grantTooLong(limits.maxHours);
  const endsAt = new Date(state.now.getTime() + input.minutes * MINUTE);
  const current = activeGrantOf(state.grants, target.id, input.permission, state.now);
  if (current) {
    if (new Date(current.endsAt) >= endsAt)
      return nothingToDo<ChangeResult>(
        unchanged({ of: "grant.running", ...about, until: current.endsAt, asOf: state.now.toISOString() }),
      );
    return extendTo(state, target, current, endsAt);
  }
  const grant: Grant = {
    id: fresh.grantId,
    accountId: state.account.id,
    memberId: target.id,
    memberEmail: target.email,
    memberSlackUserId: target.slackUserId,
    permission: input.permission,
    reason: input.reason,
    grantedBy: actor.email,
    requestId: state.request?.id ?? null,
    startsAt: state.now.toISOString(),
    endsAt: endsAt.toISOString(),
    remindAt: remindAt(state.now, endsAt).toISOString(),
    endedAt: null,
    endedBy: null,
    endReason: null,
    remindedAt: null,
    endNoticeAt: null,
  };
  return {
    changes: [{ kind: "insertGrant", grant }],
    audit: [
      {
        action: "grant.started",
        target: { type: "member", email: target.email },
        before: null,
        after: grantAfter(grant),
      },
    ],
    mails: [],
    result: grantResult(target, grant, "grant.started"),
  };
};

const extendTo = (
  state: DecisionState,
  target: Member,
  grant: Grant,
  endsAt: Date,
): Decision<ChangeResult> => ({
  changes: [
    {
      kind: "extendGrant",
      grantId: grant.id,
      endsAt: endsAt.toISOString(),
      remindAt: remindAt(state.now, endsAt).toISOString(),
    },
  ],
  audit: [
    {
      action: "grant.extended",
      target: { type: "member", email: target.email },
      before: { permission: grant.permission, until: grant.endsAt },
      after: { permission: grant.permission, until: endsAt.toISOString() },
    },
  ],
  mails: [],
  result: grantResult(
    target,
    { permission: grant.permission, endsAt: endsAt.toISOString() },
    "grant.extended",
  ),
});

/** The holder's active grant runs `minutes` longer (an Owner approves the holder's request, or extends it). */
export const decideExtendGrant = (
  state: DecisionState,
  input: { member: string; permission: PermissionKey; minutes: number },
  limits: GrantLimits,
): Decision<ChangeResult> => {
  allowed(state, "grant.start");
  const target = grantee(state, input.member);
  const grant = activeGrantOf(state.grants, target.id, input.permission, state.now);
  if (!grant) throw noSuchGrant(target.email, input.permission);
  if (input.minutes > extensionRoom(grant.endsAt, state.now, limits.maxHours))
    throw grantTooLong(limits.maxHours);
  return extendTo(state, target, grant, new Date(new Date(grant.endsAt).getTime() + input.minutes * MINUTE));
};

/** Ends a grant early: an Owner, or the holder giving it back. */
export const decideEndGrant = (
  state: DecisionState,
  input: { member: string; permission: PermissionKey },
): Decision<ChangeResult> => {
  const actor = acting(state);
  const target = requireTarget(state, input.member);
  allowed(state, "grant.end", { target });
  const grant = activeGrantOf(state.grants, target.id, input.permission, state.now);
  if (!grant) throw noSuchGrant(target.email, input.permission);
  const ended = endGrants(state, [grant], "ended", actor.email);
  return { ...ended, mails: [], result: grantResult(target, grant, "grant.ended") };
};

/**
 * Ends `grants` now, with an audit entry each: early by someone (`ended`), with their holder
 * (`removed`), or made needless by a new role that holds the permission (`standing`).
 */
export const endGrants = (
  state: DecisionState,
  grants: readonly Grant[],
  reason: Exclude<GrantEndReason, "expired">,
  by: string,
): { changes: Change[]; audit: AuditDraft[] } => ({
  changes: grants.map((g) => ({ kind: "endGrant", grantId: g.id, at: state.now.toISOString(), by, reason })),
  audit: grants.map((g) => ({
    action: "grant.ended",
    target: { type: "member", email: g.memberEmail },
    before: { permission: g.permission, until: g.endsAt },
    after: { permission: g.permission, endedBy: by, ...(reason === "ended" ? {} : { why: reason }) },
  })),
});

/**
 * The grants a member's change ends: all of them when they leave the team; on a new role, those
 * the role now holds by itself (Owners hold everything). Past-end grants the job has not reached stay
 * for it: they expire at their own time.
 */
export const grantsEndedBy = (state: DecisionState, member: Member, newRole?: Member["role"]): Grant[] =>
  state.grants.filter(
    (g) =>
      g.memberId === member.id &&
      g.endedAt === null &&
      new Date(g.endsAt) > state.now &&
      (newRole === undefined || holds(state.matrix, newRole, g.permission)),
  );

/** The system ends a grant at its end time (the expiry job); a grant still running, or ended, is left. */
export const decideExpireGrant = (state: DecisionState, grantId: string): Decision<Grant | null> => {
  const grant = state.grants.find((g) => g.id === grantId);
  if (!grant || grant.endedAt !== null || new Date(grant.endsAt) > state.now) return nothingToDo(null);
  return {
    changes: [{ kind: "endGrant", grantId: grant.id, at: grant.endsAt, by: null, reason: "expired" }],
    audit: [
      {
        action: "grant.expired",
        target: { type: "member", email: grant.memberEmail },
        before: { permission: grant.permission, until: grant.endsAt },
        after: null,
      },
    ],
    mails: [],
    result: grant,
  };
};

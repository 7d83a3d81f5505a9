import { can } from "./can.js";
import { CoreError } from "./errors.js";
import type { Acting, Member, NonMember, Principal } from "./model.js";
import type { Matrix, PermissionKey } from "./permissions.js";
import { requireActiveActor } from "./policy.js";
import type { GatedAction, RankedAction, Refusal } from "./refusals.js";
import { holdsEverything, isOwnerRank, isWithinHierarchy, type Role } from "./roles.js";

/**
 * Every question of authority Rolecall asks, by name. Reads, changes, request decisions and the
 * "why can't I?" of a refusal all go through `RULES`, so adding an action without a rule fails to
 * compile, and the rule tests walk the whole table.
 */
export const ACTIONS = [
  "team.view",
  "member.form",
  "audit.view",
  "member.add",
  "member.edit",
  "member.change_role",
  "member.remove",
  "invite.resend",
  "invite.revoke",
  "permission.change",
  "matrix.view_all",
  "settings.change",
  "apikey.view",
  "apikey.rotate",
  "request.decide",
  "request.cancel",
  "grant.start",
  "grant.end",
  "grants.view_all",
] as const;
export type Action = (typeof ACTIONS)[number];

/** What an action is about: the member acted on, the role handed out or changed, the request decided. */
export interface Subject {
  target?: Pick<Member, "id" | "role">;
  role?: Role;
  requesterId?: string;
  /** Rotations: how long the old key keeps working (0 stops it at once). */
  graceHours?: number;
}

/** A rule answers with the refusal, or null when the actor may. */
export type Rule = (actor: Acting, subject: Subject, matrix: Matrix) => CoreError | null;

const all =
  (...rules: Rule[]): Rule =>
  (actor, subject, matrix) => {
    for (const rule of rules) {
      const refusal = rule(actor, subject, matrix);
      if (refusal) return refusal;
    }
    return null;
  };

/**
 * Rules 1–3: the feature gate. The refusal names the permission, the role that lacks it, and what
 * the actor tried (`action`), so the words can say what to ask an Owner for.
 */
const needs =
  (permission: PermissionKey, action: GatedAction): Rule =>
  (actor, _subject, matrix) =>
    can(matrix, actor, permission)
      ? null
      : new CoreError({ reason: "needs_permission", action, permission, role: actor.role });

const ownersOnly =
  (refusal: Refusal): Rule =>
  (actor) =>
    isOwnerRank(actor.role) ? null : new CoreError(refusal);

/** Rule 2: a non-owner acts only on members ranked below them. */
const onLowerRank =
  (action: RankedAction): Rule =>
  (actor, { target }) => {
    if (!target || isWithinHierarchy(actor.role, target.role)) return null;
    if (isOwnerRank(target.role)) return new CoreError({ reason: "owner_acts_on_owner", action });
    return new CoreError({
      reason: "acts_below_rank_only",
      action,
      actorRole: actor.role,
      targetRole: target.role,
    });
  };

/** Editing your own name or phone is always fine; anybody else's follows the hierarchy. */
const selfOrLowerRank =
  (action: RankedAction): Rule =>
  (actor, subject, matrix) =>
    subject.target?.id === actor.id ? null : onLowerRank(action)(actor, subject, matrix);

/** Rule 2: a non-owner hands out only roles ranked below their own. */
const assignsLowerRank: Rule = (actor, { role }) => {
  if (!role || isWithinHierarchy(actor.role, role)) return null;
  if (isOwnerRank(role)) return new CoreError({ reason: "owner_makes_owner" });
  return new CoreError({ reason: "assigns_below_rank_only", actorRole: actor.role, role });
};

/** Rule 4: nobody acts on themselves that way; another Owner can. */
const notSelf =
  (reason: "own_role" | "own_removal"): Rule =>
  (actor, { target }) =>
    target?.id === actor.id ? new CoreError({ reason, actorRole: actor.role }) : null;

/** Rule 3: nobody changes the owner column; a non-owner changes only roles ranked below their own. */
const changeableColumn: Rule = (actor, { role }) => {
  if (!role) return null;
  if (holdsEverything(role)) return new CoreError({ reason: "owner_column_fixed" });
  if (isWithinHierarchy(actor.role, role)) return null;
  return new CoreError({ reason: "changes_below_rank_only", actorRole: actor.role, role });
};

/** §8: only an Owner may stop the key in use at once; everyone else leaves it a grace period. */
const graceUnlessOwner: Rule = (actor, { graceHours }) =>
  graceHours === 0 && !isOwnerRank(actor.role) ? new CoreError({ reason: "owners_only_stop_key" }) : null;

/** §3: another Owner than the requester decides. */
const notRequester: Rule = (actor, { requesterId }) =>
  requesterId === actor.id ? new CoreError({ reason: "self_approval" }) : null;

const requesterOnly: Rule = (actor, { requesterId }) =>
  requesterId === actor.id ? null : new CoreError({ reason: "requester_only_cancels" });

/** Rule 8: a grant ends early by an Owner, or by its holder giving it back. */
const holderOrOwner: Rule = (actor, { target }) =>
  isOwnerRank(actor.role) || target?.id === actor.id
    ? null
    : new CoreError({ reason: "owners_only_end_grant" });

export const RULES = {
  "team.view": needs("team_settings", "team.view"),
  "member.form": all(needs("team_settings", "member.form"), selfOrLowerRank("member.form")),
  "audit.view": needs("team_settings", "audit.view"),
  "member.add": all(needs("team_settings", "member.add"), assignsLowerRank),
  "member.edit": all(needs("team_settings", "member.edit"), selfOrLowerRank("member.edit")),
  "member.change_role": all(
    needs("team_settings", "member.change_role"),
    notSelf("own_role"),
    onLowerRank("member.change_role"),
    assignsLowerRank,
  ),
  "member.remove": all(
    needs("team_settings", "member.remove"),
    notSelf("own_removal"),
    onLowerRank("member.remove"),
  ),
  "invite.resend": all(needs("team_settings", "invite.resend"), onLowerRank("invite.resend")),
  "invite.revoke": all(needs("team_settings", "invite.revoke"), onLowerRank("invite.revoke")),
  "permission.change": all(needs("access_permissions", "permission.change"), changeableColumn),
  "matrix.view_all": needs("access_permissions", "matrix.view_all"),
  "settings.change": ownersOnly({ reason: "owners_only_settings" }),
  "apikey.view": needs("api_key", "apikey.view"),
  "apikey.rotate": all(needs("api_key", "apikey.rotate"), graceUnlessOwner),
  "request.decide": all(ownersOnly({ reason: "owners_only_decide" }), notRequester),
  "request.cancel": requesterOnly,
  "grant.start": ownersOnly({ reason: "owners_only_grant" }),
  "grant.end": holderOrOwner,
  "grants.view_all": needs("team_settings", "grants.view_all"),
} as const satisfies Record<Action, Rule>;

/**
 * What callers that are not members may do, by action: the operator rotates the organisation key
 * (recovery; at once, as the rules of rank do not apply to it); the system takes none of these actions
 * (its own verbs — linking Slack users, accepting invites, expiry — are not members' actions).
 */
export const NON_MEMBER_MAY = {
  operator: ["apikey.rotate"],
  system: [],
} as const satisfies Record<NonMember["kind"], readonly Action[]>;

const isNonMember = (actor: Principal): actor is NonMember => "kind" in actor;

/**
 * Why `actor` may not take `action` (null when they may). A caller that is not a member may what
 * `NON_MEMBER_MAY` says; for members, rule 6 — only active members act — comes first.
 */
export const refusalOf = (
  action: Action,
  actor: Principal,
  subject: Subject,
  matrix: Matrix,
): CoreError | null => {
  if (isNonMember(actor))
    return (NON_MEMBER_MAY[actor.kind] as readonly Action[]).includes(action)
      ? null
      : new CoreError({ reason: "not_a_member" });
  try {
    requireActiveActor({ actor });
  } catch (refusal) {
    if (refusal instanceof CoreError) return refusal;
    throw refusal;
  }
  return RULES[action](actor, subject, matrix);
};

/** Throws the refusal when the actor may not. */
export const authorize = (action: Action, actor: Principal, subject: Subject, matrix: Matrix): void => {
  const refusal = refusalOf(action, actor, subject, matrix);
  if (refusal) throw refusal;
};

/** Whether the actor may, for views that show more or less (the matrix, the forms' role lists). */
export const permits = (action: Action, actor: Principal, subject: Subject, matrix: Matrix): boolean =>
  refusalOf(action, actor, subject, matrix) === null;

/*
 * What the rules treat specially about who holds a permission. Two questions, two tables, and they
 * differ on `api_key` on purpose; each is keyed by every permission, so a new one is classified.
 */

/**
 * PRODUCT rule 9: with four-eyes on, does giving or taking this permission (a role's column, or a
 * grant) wait for a second active Owner? Only Team Settings and Access Permissions: who holds them
 * runs the team and its rules. The API key is rule 9's only as a rotation without grace, never as who
 * holds it.
 */
export const NEEDS_SECOND_OWNER = {
  team_settings: true,
  access_permissions: true,
  export_users: false,
  add_users: false,
  bulk_tag_users: false,
  billing: false,
  api_key: false,
  whatsapp_setup: false,
} as const satisfies Record<PermissionKey, boolean>;

/**
 * Is a change of who holds this permission shown as sensitive — does the Owner approving it confirm
 * first? Rule 9's two, and the organisation API key: whoever holds it can see and rotate the key.
 */
export const SHOWN_AS_SENSITIVE = {
  team_settings: true,
  access_permissions: true,
  api_key: true,
  export_users: false,
  add_users: false,
  bulk_tag_users: false,
  billing: false,
  whatsapp_setup: false,
} as const satisfies Record<PermissionKey, boolean>;

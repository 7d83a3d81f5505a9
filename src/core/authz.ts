import { can } from "./can.js";
import { CoreError } from "./errors.js";
import type { Acting, Member, NonMember, Principal } from "./model.js";
import { type Matrix, PERMISSIONS, type PermissionKey } from "./permissions.js";
import { requireActiveActor } from "./policy.js";
import { holdsEverything, isOwnerRank, isWithinHierarchy, ROLE_LABEL, ROLES, type Role } from "./roles.js";
import { aRole, listWords, roles, rolesBelow } from "./words.js";

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
 * Rules 1–3: the feature gate. The refusal names the permission and the role that lacks it, and what
 * to do: ask an Owner to make the change (`ask: "change"`), or for the permission (`ask: "see"`).
 */
const needs =
  (permission: PermissionKey, doing: string, ask: "change" | "see" = "change"): Rule =>
  (actor, _subject, matrix) =>
    can(matrix, actor, permission)
      ? null
      : new CoreError(
          "FORBIDDEN",
          `You need the ${PERMISSIONS[permission].label} permission to ${doing}, and ${roles(actor.role)} don't have it. ${
            ask === "change" ? "Ask an Owner to do it for you." : "Ask an Owner if you need it."
          }`,
        );

const ownersOnly =
  (refusal: string): Rule =>
  (actor) =>
    isOwnerRank(actor.role) ? null : new CoreError("FORBIDDEN", refusal);

/**
 * What a rule-2 refusal says the actor tried to do to whom: `who` is "Teammates", "an Owner" or
 * "another Admin"; `one` says whether it names one member or a whole role.
 */
type Doing = (who: string, one: boolean) => string;

const doing =
  (verb: string): Doing =>
  (who) =>
    `${verb} ${who}`;

/** For invites, one member has "the" invite and a role has "invites". */
const doingInvite =
  (verb: string): Doing =>
  (who, one) =>
    `${verb} ${one ? "the invite" : "invites"} for ${who}`;

/** Rule 2: a non-owner acts only on members ranked below them. */
const onLowerRank =
  (what: Doing): Rule =>
  (actor, { target }) => {
    if (!target || isWithinHierarchy(actor.role, target.role)) return null;
    if (isOwnerRank(target.role))
      return new CoreError(
        "RANK_TOO_LOW",
        `Only Owners can ${what("an Owner", true)}. Ask an Owner to do it.`,
      );
    const lower = rolesBelow(actor.role).map(roles);
    const may =
      lower.length > 0
        ? `you can ${what(listWords(lower), false)} only`
        : `you can't ${what("other members", false)}`;
    const them = target.role === actor.role ? `another ${ROLE_LABEL[target.role]}` : aRole(target.role);
    return new CoreError(
      "RANK_TOO_LOW",
      `As ${aRole(actor.role)} ${may}; ask an Owner to ${what(them, true)}.`,
    );
  };

/** Editing your own name or phone is always fine; anybody else's follows the hierarchy. */
const selfOrLowerRank =
  (what: Doing): Rule =>
  (actor, subject, matrix) =>
    subject.target?.id === actor.id ? null : onLowerRank(what)(actor, subject, matrix);

/** Rule 2: a non-owner hands out only roles ranked below their own. */
const assignsLowerRank: Rule = (actor, { role }) => {
  if (!role || isWithinHierarchy(actor.role, role)) return null;
  if (isOwnerRank(role))
    return new CoreError("RANK_TOO_LOW", "Only Owners can make someone an Owner. Ask an Owner to do it.");
  const lower = rolesBelow(actor.role).map(roles);
  const may =
    lower.length > 0 ? `you can make people ${listWords(lower, "or")} only` : "you can't give anyone a role";
  const who = ROLES.filter((r) => isWithinHierarchy(r, role)).map(aRole);
  return new CoreError(
    "RANK_TOO_LOW",
    `As ${aRole(actor.role)} ${may}; only ${listWords(who, "or")} can make someone ${aRole(role)}.`,
  );
};

/** Rule 4: nobody acts on themselves that way; another Owner can. */
const notSelf =
  (refusal: string, ask: string): Rule =>
  (actor, { target }) =>
    target?.id === actor.id
      ? new CoreError(
          "OWN_ROLE",
          `${refusal} Ask ${isOwnerRank(actor.role) ? "another" : "an"} Owner to ${ask}.`,
        )
      : null;

/** Rule 3: nobody changes the owner column; a non-owner changes only roles ranked below their own. */
const changeableColumn: Rule = (actor, { role }) => {
  if (!role) return null;
  if (holdsEverything(role))
    return new CoreError(
      "FORBIDDEN",
      "Owners always have every permission; nobody can change what Owners may do.",
    );
  if (isWithinHierarchy(actor.role, role)) return null;
  const lower = rolesBelow(actor.role).map(roles);
  const may =
    lower.length > 0
      ? `you can change only what ${listWords(lower)} may do`
      : "you can't change what any role may do";
  return new CoreError(
    "RANK_TOO_LOW",
    `As ${aRole(actor.role)} ${may}; ask an Owner to change what ${roles(role)} may do.`,
  );
};

/** §8: only an Owner may stop the key in use at once; everyone else leaves it a grace period. */
const graceUnlessOwner: Rule = (actor, { graceHours }) =>
  graceHours === 0 && !isOwnerRank(actor.role)
    ? new CoreError(
        "FORBIDDEN",
        "Only Owners can stop the key in use at once; rotate with a grace period (24 hours unless you choose) so services using it have time to switch.",
      )
    : null;

/** §3: another Owner than the requester decides. */
const notRequester: Rule = (actor, { requesterId }) =>
  requesterId === actor.id
    ? new CoreError("SELF_APPROVAL", "You cannot decide your own request; another Owner must.")
    : null;

const requesterOnly: Rule = (actor, { requesterId }) =>
  requesterId === actor.id
    ? null
    : new CoreError(
        "FORBIDDEN",
        "Only the person who filed a request can cancel it; an Owner can reject it instead.",
      );

/** Rule 8: a grant ends early by an Owner, or by its holder giving it back. */
const holderOrOwner: Rule = (actor, { target }) =>
  isOwnerRank(actor.role) || target?.id === actor.id
    ? null
    : new CoreError(
        "FORBIDDEN",
        "Only Owners can end someone else's temporary access. Ask an Owner to do it.",
      );

export const RULES = {
  "team.view": needs("team_settings", "see the team", "see"),
  "member.form": all(needs("team_settings", "manage members"), selfOrLowerRank(doing("change"))),
  "audit.view": needs("team_settings", "read the audit log", "see"),
  "member.add": all(needs("team_settings", "invite members"), assignsLowerRank),
  "member.edit": all(needs("team_settings", "change members"), selfOrLowerRank(doing("change"))),
  "member.change_role": all(
    needs("team_settings", "change members"),
    notSelf("Nobody can change their own role.", "change yours"),
    onLowerRank(doing("change the role of")),
    assignsLowerRank,
  ),
  "member.remove": all(
    needs("team_settings", "remove members"),
    notSelf("Nobody can remove themselves.", "remove you"),
    onLowerRank(doing("remove")),
  ),
  "invite.resend": all(needs("team_settings", "resend invites"), onLowerRank(doingInvite("resend"))),
  "invite.revoke": all(needs("team_settings", "cancel invites"), onLowerRank(doingInvite("cancel"))),
  "permission.change": all(needs("access_permissions", "change what roles may do"), changeableColumn),
  "matrix.view_all": needs("access_permissions", "see the whole permission matrix", "see"),
  "settings.change": ownersOnly("Only Owners can change settings. Ask an Owner to do it."),
  "apikey.view": needs("api_key", "see the API key", "see"),
  "apikey.rotate": all(needs("api_key", "rotate the API key"), graceUnlessOwner),
  "request.decide": all(
    ownersOnly("Only Owners can approve or reject change requests; an Owner will decide this one."),
    notRequester,
  ),
  "request.cancel": requesterOnly,
  "grant.start": ownersOnly(
    "Only Owners can grant temporary access. Ask for it yourself with /team access <permission> for <duration>, or ask an Owner.",
  ),
  "grant.end": holderOrOwner,
  "grants.view_all": needs("team_settings", "see everyone's temporary access", "see"),
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
      : new CoreError("FORBIDDEN", "Only a member of this team can do that.");
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

import type { ChangeResult } from "./decide/shared.js";
import type { ErrorCode } from "./errors.js";
import type { MemberRef, RequestStatus } from "./model.js";
import type { PermissionKey } from "./permissions.js";
import type { Role } from "./roles.js";

/**
 * Every refusal the product gives, as data: a `reason` per thing a person is told, with what the
 * telling needs (who, which role, which permission, how long). The core decides which; the words
 * (src/words/<language>/refusals.ts) say it, in each door's own syntax — no sentence is built here.
 */

/** Actions whose rule 2 refusal names what was tried ("change", "remove", "resend the invite for"…). */
export type RankedAction =
  | "member.form"
  | "member.edit"
  | "member.change_role"
  | "member.remove"
  | "invite.resend"
  | "invite.revoke";

/** Actions gated by a permission (rules 1–3): the refusal names what the actor tried to do. */
export type GatedAction =
  | "team.view"
  | "member.form"
  | "audit.view"
  | "member.add"
  | "member.edit"
  | "member.change_role"
  | "member.remove"
  | "invite.resend"
  | "invite.revoke"
  | "permission.change"
  | "matrix.view_all"
  | "apikey.view"
  | "apikey.rotate"
  | "grants.view_all";

export type Refusal =
  // Rule 6: who acts.
  | { reason: "not_a_member" }
  | { reason: "not_active" }
  | { reason: "slack_user_not_a_member"; email: string }
  | { reason: "slack_user_linked_elsewhere"; email: string }
  | { reason: "slack_email_unknown" }
  // Rules 1–4: authority.
  | { reason: "needs_permission"; action: GatedAction; permission: PermissionKey; role: Role }
  | { reason: "owner_acts_on_owner"; action: RankedAction }
  | { reason: "acts_below_rank_only"; action: RankedAction; actorRole: Role; targetRole: Role }
  | { reason: "owner_makes_owner" }
  | { reason: "assigns_below_rank_only"; actorRole: Role; role: Role }
  | { reason: "own_role"; actorRole: Role }
  | { reason: "own_removal"; actorRole: Role }
  | { reason: "owner_column_fixed" }
  | { reason: "changes_below_rank_only"; actorRole: Role; role: Role }
  | { reason: "owners_only_settings" }
  | { reason: "owners_only_decide" }
  | { reason: "owners_only_grant" }
  | { reason: "owners_only_stop_key" }
  | { reason: "self_approval" }
  | { reason: "requester_only_cancels" }
  | { reason: "owners_only_end_grant" }
  // Rule 5.
  | { reason: "last_owner" }
  // Rule 9: four-eyes.
  | { reason: "second_owner_needed" }
  | { reason: "second_owner_is_subject"; about: string }
  | { reason: "second_owner_requester_not_owner" }
  // Members and invites.
  | { reason: "no_such_member"; member: MemberRef }
  | { reason: "not_on_team_any_more"; email: string }
  | { reason: "no_other_role"; email: string }
  | { reason: "already_invited"; email: string }
  | { reason: "already_member"; email: string }
  | { reason: "already_active"; email: string }
  | { reason: "already_joined"; email: string; action: "invite.resend" | "invite.revoke" }
  | { reason: "invite_invalid" }
  | { reason: "invite_revoked" }
  | { reason: "invite_used" }
  | { reason: "invite_expired" }
  // Requests.
  | { reason: "no_such_request"; id: string }
  | { reason: "request_expired" }
  | { reason: "request_closed_because"; outcome: string }
  | { reason: "request_decided"; status: Exclude<RequestStatus, "expired" | "failed">; by: string | null }
  | { reason: "request_failed"; by: string | null }
  | { reason: "nothing_to_ask"; already: ChangeResult }
  | { reason: "nothing_to_change"; already: ChangeResult }
  | { reason: "shorter_for_grants_only" }
  | { reason: "approve_at_most"; minutes: number }
  | { reason: "request_unreadable" }
  | { reason: "not_applied" }
  | { reason: "reason_too_long"; max: number }
  // Grants (rule 8).
  | { reason: "grant_too_long"; maxHours: number }
  | { reason: "no_such_grant"; email: string | null; permission: PermissionKey }
  | { reason: "grantee_not_active"; email: string }
  | { reason: "grant_to_owner"; email: string }
  // API key.
  | { reason: "grace_hours_invalid" }
  | { reason: "api_no_such_member"; email: string }
  // Accounts and installation.
  | { reason: "not_installed" }
  | { reason: "not_installed_here"; installUrl: string }
  | { reason: "no_account_for_team"; team: string }
  | { reason: "no_account_yet" }
  | { reason: "which_account"; count: number; accounts: { team: string; name: string }[] }
  | { reason: "no_such_account" }
  | { reason: "no_account_named"; team: string }
  | { reason: "account_exists"; team: string }
  | { reason: "account_changed"; team: string }
  | { reason: "installer_email_missing" }
  // Input.
  | { reason: "invalid_input" }
  | { reason: "change_unreadable" }
  /** A schema's or a door's own words about its input (zod messages, a CLI usage line), said as they are. */
  | { reason: "input_issue"; issue: string }
  | { reason: "no_such_command"; name: string }
  | { reason: "request_what"; commands: string[] }
  | { reason: "request_usage"; usage: string }
  | { reason: "command_usage"; issue: string | null; usage: string }
  | { reason: "backup_sqlite_only" }
  | { reason: "unstorable_text" }
  // Not now, rather than no.
  | { reason: "busy" }
  | { reason: "unavailable" }
  | { reason: "unavailable_while_saving" }
  | { reason: "unavailable_unreachable"; detail: string };

export type RefusalReason = Refusal["reason"];

/** PRODUCT §2's code of each refusal: what the CLI's --json, the API and the exit codes go by. */
export const REFUSAL_CODE = {
  not_a_member: "NOT_A_MEMBER",
  not_active: "NOT_ACTIVE",
  slack_user_not_a_member: "NOT_A_MEMBER",
  slack_user_linked_elsewhere: "NOT_A_MEMBER",
  slack_email_unknown: "NOT_A_MEMBER",
  needs_permission: "FORBIDDEN",
  owner_acts_on_owner: "RANK_TOO_LOW",
  acts_below_rank_only: "RANK_TOO_LOW",
  owner_makes_owner: "RANK_TOO_LOW",
  assigns_below_rank_only: "RANK_TOO_LOW",
  own_role: "OWN_ROLE",
  own_removal: "OWN_ROLE",
  owner_column_fixed: "FORBIDDEN",
  changes_below_rank_only: "RANK_TOO_LOW",
  owners_only_settings: "FORBIDDEN",
  owners_only_decide: "FORBIDDEN",
  owners_only_grant: "FORBIDDEN",
  owners_only_stop_key: "FORBIDDEN",
  self_approval: "SELF_APPROVAL",
  requester_only_cancels: "FORBIDDEN",
  owners_only_end_grant: "FORBIDDEN",
  last_owner: "LAST_OWNER",
  second_owner_needed: "SECOND_OWNER_NEEDED",
  second_owner_is_subject: "SECOND_OWNER_NEEDED",
  second_owner_requester_not_owner: "SECOND_OWNER_NEEDED",
  no_such_member: "NO_SUCH_MEMBER",
  not_on_team_any_more: "NO_SUCH_MEMBER",
  no_other_role: "FORBIDDEN",
  already_invited: "ALREADY_MEMBER",
  already_member: "ALREADY_MEMBER",
  already_active: "INVALID_INPUT",
  already_joined: "INVALID_INPUT",
  invite_invalid: "INVITE_INVALID",
  invite_revoked: "INVITE_INVALID",
  invite_used: "INVITE_USED",
  invite_expired: "INVITE_EXPIRED",
  no_such_request: "INVALID_INPUT",
  request_expired: "REQUEST_CLOSED",
  request_closed_because: "REQUEST_CLOSED",
  request_decided: "REQUEST_CLOSED",
  request_failed: "REQUEST_CLOSED",
  nothing_to_ask: "INVALID_INPUT",
  nothing_to_change: "INVALID_INPUT",
  shorter_for_grants_only: "INVALID_INPUT",
  approve_at_most: "INVALID_INPUT",
  request_unreadable: "INVALID_INPUT",
  not_applied: "INVALID_INPUT",
  reason_too_long: "INVALID_INPUT",
  grant_too_long: "GRANT_TOO_LONG",
  no_such_grant: "NO_SUCH_GRANT",
  grantee_not_active: "NOT_ACTIVE",
  grant_to_owner: "INVALID_INPUT",
  grace_hours_invalid: "INVALID_INPUT",
  api_no_such_member: "NO_SUCH_MEMBER",
  not_installed: "NOT_INSTALLED",
  not_installed_here: "NOT_INSTALLED",
  no_account_for_team: "NOT_INSTALLED",
  no_account_yet: "INVALID_INPUT",
  which_account: "INVALID_INPUT",
  no_such_account: "INVALID_INPUT",
  no_account_named: "INVALID_INPUT",
  account_exists: "INVALID_INPUT",
  account_changed: "INVALID_INPUT",
  installer_email_missing: "INVALID_INPUT",
  invalid_input: "INVALID_INPUT",
  change_unreadable: "INVALID_INPUT",
  input_issue: "INVALID_INPUT",
  no_such_command: "INVALID_INPUT",
  request_what: "INVALID_INPUT",
  request_usage: "INVALID_INPUT",
  command_usage: "INVALID_INPUT",
  backup_sqlite_only: "INVALID_INPUT",
  unstorable_text: "INVALID_INPUT",
  busy: "BUSY",
  unavailable: "UNAVAILABLE",
  unavailable_while_saving: "UNAVAILABLE",
  unavailable_unreachable: "UNAVAILABLE",
} as const satisfies Record<RefusalReason, ErrorCode>;

/** A member as a change named them: by email, or as the Slack user `<@U…>` a door resolved. */
export const namedRef = (named: string): MemberRef => {
  const mention = /^<@([A-Z0-9]+)>$/.exec(named);
  return mention?.[1] ? { slackUserId: mention[1] } : { email: named };
};

/**
 * A refusal kept as data where text is stored (a failed request's outcome), so each door says it in
 * its own words when it is read; text stored before refusals were data reads back as that text.
 */
export const REFUSAL_OUTCOME_PREFIX = "refusal:";
export const refusalOutcome = (refusal: Refusal): string => REFUSAL_OUTCOME_PREFIX + JSON.stringify(refusal);
export const outcomeRefusal = (outcome: string): Refusal | null => {
  if (!outcome.startsWith(REFUSAL_OUTCOME_PREFIX)) return null;
  try {
    const parsed = JSON.parse(outcome.slice(REFUSAL_OUTCOME_PREFIX.length)) as Refusal;
    return Object.hasOwn(REFUSAL_CODE, parsed?.reason) ? parsed : null;
  } catch {
    return null;
  }
};

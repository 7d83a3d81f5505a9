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

/**
 * What a change that would change nothing found already so: outcomes.ts's `AlreadySo`, which the
 * words say. Named here by its tag only, so this module stays a leaf that errors.ts can import
 * (outcomes.ts imports errors.ts); NothingToChange, the one place that builds it, passes the real one.
 */
export interface AlreadySoFacts {
  readonly of: string;
  readonly [fact: string]: unknown;
}

/** A member as a change named them (model.ts's MemberRef, spelt out so this module stays a leaf). */
export type NamedMember = { email: string } | { slackUserId: string };

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
  | { reason: "no_such_member"; member: NamedMember }
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
  | {
      reason: "request_decided";
      status: "pending" | "approved" | "rejected" | "cancelled";
      by: string | null;
    }
  | { reason: "request_failed"; by: string | null }
  | { reason: "nothing_to_ask"; already: AlreadySoFacts }
  | { reason: "nothing_to_change"; already: AlreadySoFacts }
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

/** A member as a change named them: by email, or as the Slack user `<@U…>` a door resolved. */
export const namedRef = (named: string): NamedMember => {
  const mention = /^<@([A-Z0-9]+)>$/.exec(named);
  return mention?.[1] ? { slackUserId: mention[1] } : { email: named };
};

import { CoreError, type ErrorCode, REFUSAL_CODE } from "../../src/core/errors.js";
import type { AlreadySo } from "../../src/core/outcomes.js";
import type { Refusal, RefusalReason } from "../../src/core/refusals.js";
import { slackTextDoor } from "../../src/slack/format.js";
import { refusalWords } from "../../src/words/en/refusals.js";
import { type Door, plainDoor } from "../../src/words/format.js";

/**
 * One refusal of every reason, with parameters a reader could meet (and the awkward ones: a Slack
 * mention, Slack markup in an email, an approver's name). Keyed by reason, so a reason added to
 * the union fails to compile here until it has a sample — and the words test walks them all.
 */
export const REFUSAL_SAMPLES: { [R in RefusalReason]: Extract<Refusal, { reason: R }>[] } = {
  not_a_member: [{ reason: "not_a_member" }],
  not_active: [{ reason: "not_active" }],
  slack_user_not_a_member: [{ reason: "slack_user_not_a_member", email: "stranger@elsewhere.test" }],
  slack_user_linked_elsewhere: [{ reason: "slack_user_linked_elsewhere", email: "tm@acme.test" }],
  slack_email_unknown: [{ reason: "slack_email_unknown" }],
  needs_permission: [
    { reason: "needs_permission", action: "team.view", permission: "team_settings", role: "teammate" },
    { reason: "needs_permission", action: "apikey.rotate", permission: "api_key", role: "admin" },
  ],
  owner_acts_on_owner: [
    { reason: "owner_acts_on_owner", action: "member.edit" },
    { reason: "owner_acts_on_owner", action: "invite.resend" },
  ],
  acts_below_rank_only: [
    { reason: "acts_below_rank_only", action: "member.remove", actorRole: "admin", targetRole: "admin" },
    { reason: "acts_below_rank_only", action: "invite.revoke", actorRole: "teammate", targetRole: "admin" },
  ],
  owner_makes_owner: [{ reason: "owner_makes_owner" }],
  assigns_below_rank_only: [
    { reason: "assigns_below_rank_only", actorRole: "admin", role: "admin" },
    { reason: "assigns_below_rank_only", actorRole: "teammate", role: "teammate" },
  ],
  own_role: [
    { reason: "own_role", actorRole: "owner" },
    { reason: "own_role", actorRole: "admin" },
  ],
  own_removal: [{ reason: "own_removal", actorRole: "teammate" }],
  owner_column_fixed: [{ reason: "owner_column_fixed" }],
  changes_below_rank_only: [
    { reason: "changes_below_rank_only", actorRole: "admin", role: "admin" },
    { reason: "changes_below_rank_only", actorRole: "teammate", role: "teammate" },
  ],
  owners_only_settings: [{ reason: "owners_only_settings" }],
  owners_only_decide: [{ reason: "owners_only_decide" }],
  owners_only_grant: [{ reason: "owners_only_grant" }],
  owners_only_stop_key: [{ reason: "owners_only_stop_key" }],
  self_approval: [{ reason: "self_approval" }],
  requester_only_cancels: [{ reason: "requester_only_cancels" }],
  owners_only_end_grant: [{ reason: "owners_only_end_grant" }],
  last_owner: [{ reason: "last_owner" }],
  second_owner_needed: [{ reason: "second_owner_needed" }],
  second_owner_is_subject: [{ reason: "second_owner_is_subject", about: "olga@acme.test" }],
  second_owner_requester_not_owner: [{ reason: "second_owner_requester_not_owner" }],
  no_such_member: [
    { reason: "no_such_member", member: { email: "nobody@acme.test" } },
    { reason: "no_such_member", member: { slackUserId: "U0NOBODY" } },
  ],
  not_on_team_any_more: [{ reason: "not_on_team_any_more", email: "gone@acme.test" }],
  no_other_role: [{ reason: "no_other_role", email: "tm@acme.test" }],
  already_invited: [{ reason: "already_invited", email: "inv@acme.test" }],
  already_member: [{ reason: "already_member", email: "<!channel>*x*@acme.test" }],
  already_active: [{ reason: "already_active", email: "tm@acme.test" }],
  already_joined: [
    { reason: "already_joined", email: "tm@acme.test", action: "invite.resend" },
    { reason: "already_joined", email: "tm@acme.test", action: "invite.revoke" },
  ],
  invite_invalid: [{ reason: "invite_invalid" }],
  invite_revoked: [{ reason: "invite_revoked" }],
  invite_used: [{ reason: "invite_used" }],
  invite_expired: [{ reason: "invite_expired" }],
  no_such_request: [{ reason: "no_such_request", id: "RNOPE12" }],
  request_expired: [{ reason: "request_expired" }],
  request_closed_because: [
    { reason: "request_closed_because", outcome: "Rolecall could not carry this request over." },
  ],
  request_decided: [
    { reason: "request_decided", status: "rejected", by: "owner@acme.test" },
    { reason: "request_decided", status: "cancelled", by: null },
  ],
  request_failed: [
    { reason: "request_failed", by: "owner@acme.test" },
    { reason: "request_failed", by: null },
  ],
  nothing_to_ask: [
    {
      reason: "nothing_to_ask",
      already: {
        of: "permission",
        role: "admin",
        permission: "export_users",
        allowed: true,
      } satisfies AlreadySo,
    },
  ],
  nothing_to_change: [
    {
      reason: "nothing_to_change",
      already: { of: "setting", setting: "approvals_channel", value: "C0APPROVALS" } satisfies AlreadySo,
    },
  ],
  shorter_for_grants_only: [{ reason: "shorter_for_grants_only" }],
  approve_at_most: [{ reason: "approve_at_most", minutes: 90 }],
  request_unreadable: [{ reason: "request_unreadable" }],
  not_applied: [{ reason: "not_applied" }],
  reason_too_long: [{ reason: "reason_too_long", max: 500 }],
  grant_too_long: [{ reason: "grant_too_long", maxHours: 72 }],
  no_such_grant: [
    { reason: "no_such_grant", email: null, permission: "team_settings" },
    { reason: "no_such_grant", email: "tm@acme.test", permission: "export_users" },
  ],
  grantee_not_active: [{ reason: "grantee_not_active", email: "inv@acme.test" }],
  grant_to_owner: [{ reason: "grant_to_owner", email: "o2@acme.test" }],
  grace_hours_invalid: [{ reason: "grace_hours_invalid" }],
  api_no_such_member: [{ reason: "api_no_such_member", email: "nobody@acme.test" }],
  not_installed: [{ reason: "not_installed" }],
  not_installed_here: [{ reason: "not_installed_here", installUrl: "https://roles.example/slack/install" }],
  no_account_for_team: [{ reason: "no_account_for_team", team: "T0ACME" }],
  no_account_yet: [{ reason: "no_account_yet" }],
  which_account: [
    {
      reason: "which_account",
      count: 12,
      accounts: [
        { team: "T0ACME", name: "Acme" },
        { team: "T0GLOBEX", name: "Globex" },
      ],
    },
  ],
  no_such_account: [{ reason: "no_such_account" }],
  no_account_named: [{ reason: "no_account_named", team: "T0NOPE" }],
  account_exists: [{ reason: "account_exists", team: "T0ACME" }],
  account_changed: [{ reason: "account_changed", team: "T0ACME" }],
  installer_email_missing: [{ reason: "installer_email_missing" }],
  invalid_input: [{ reason: "invalid_input" }],
  change_unreadable: [{ reason: "change_unreadable" }],
  input_issue: [{ reason: "input_issue", issue: "That is not a valid email address." }],
  no_such_command: [{ reason: "no_such_command", name: "launch" }],
  request_what: [{ reason: "request_what", commands: ["add", "role", "remove"] }],
  request_usage: [{ reason: "request_usage", usage: "role <member> <role>" }],
  command_usage: [
    { reason: "command_usage", issue: "Name a member.", usage: "role <member> <role>" },
    { reason: "command_usage", issue: null, usage: "role <member> <role>" },
  ],
  backup_sqlite_only: [{ reason: "backup_sqlite_only" }],
  unstorable_text: [{ reason: "unstorable_text" }],
  busy: [{ reason: "busy" }],
  unavailable: [{ reason: "unavailable" }],
  unavailable_while_saving: [{ reason: "unavailable_while_saving" }],
  unavailable_unreachable: [
    { reason: "unavailable_unreachable", detail: "connect ECONNREFUSED 127.0.0.1:5432" },
  ],
};

/** Every sample, in the union's order. */
export const allRefusalSamples = (): Refusal[] => Object.values(REFUSAL_SAMPLES).flat() as Refusal[];

/** A refusal with `code`, for tests of what a door does with each code (the first sample that has it). */
export const refusalWithCode = (code: ErrorCode): CoreError => {
  const sample = allRefusalSamples().find((r) => REFUSAL_CODE[r.reason] === code);
  if (!sample) throw new Error(`no refusal has the code ${code}`);
  return new CoreError(sample);
};

/** What a refusal says where text is plain and nobody types a command (the API's `message`). */
export const plainWords = (error: unknown): string => {
  if (!(error instanceof CoreError)) throw error;
  return refusalWords(error.refusal, plainDoor);
};

/** What a refusal says to a Slack reader, as plain text (before Slack's escaping): the words tests pin. */
export const slackWords = (error: unknown): string => {
  if (!(error instanceof CoreError)) throw error;
  return refusalWords(error.refusal, slackTextDoor);
};

/** A refusal as a test reads it: its code and field, and its sentence on `door` (Slack's words, unescaped, by default). */
export interface Said {
  code: string;
  message: string;
  field?: string;
  error: CoreError;
}
export const said = (error: unknown, door: Door = slackTextDoor): Said => {
  if (!(error instanceof CoreError)) throw error;
  return {
    code: error.code,
    message: refusalWords(error.refusal, door),
    ...(error.field ? { field: error.field } : {}),
    error,
  };
};

/** The sentence a promise is refused with, in Slack's words (or `door`'s). */
export const refusedWith = async (p: Promise<unknown>, door: Door = slackTextDoor): Promise<string> => {
  try {
    await p;
  } catch (error) {
    return said(error, door).message;
  }
  throw new Error("expected a refusal");
};

/** The refusal's code, field and sentence (Slack's words; another door's with `door`): `fn` must refuse. */
export const refusalOf = async (fn: () => unknown, door?: Door): Promise<Said> => {
  try {
    await fn();
  } catch (error) {
    return said(error, door);
  }
  throw new Error("expected a refusal");
};

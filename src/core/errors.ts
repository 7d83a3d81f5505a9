import type { Refusal, RefusalReason } from "./refusals.js";

/** PRODUCT §2's stable codes. Every rendering (HTTP status, CLI exit, Slack icon) is a table over them. */
export const ERROR_CODES = [
  "NOT_A_MEMBER",
  "NOT_ACTIVE",
  "FORBIDDEN",
  "RANK_TOO_LOW",
  "OWN_ROLE",
  "LAST_OWNER",
  "ALREADY_MEMBER",
  "NO_SUCH_MEMBER",
  "INVALID_INPUT",
  "INVITE_INVALID",
  "INVITE_EXPIRED",
  "INVITE_USED",
  "REQUEST_CLOSED",
  "SELF_APPROVAL",
  "SECOND_OWNER_NEEDED",
  "GRANT_TOO_LONG",
  "NO_SUCH_GRANT",
  "NOT_INSTALLED",
  "BUSY",
  "UNAVAILABLE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

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

/**
 * A refusal: what the core decided (`refusal`, data), with its stable code. The core builds no
 * sentence: each door says the refusal in its own words (src/words/en/refusals.ts). `message` is
 * for logs and stack traces only — the code, the reason and its parameters.
 */
export class CoreError extends Error {
  override readonly name: string = "CoreError";
  readonly code: ErrorCode;
  constructor(
    readonly refusal: Refusal,
    readonly field?: string,
  ) {
    const { reason, ...params } = refusal;
    super(
      `${REFUSAL_CODE[reason]} ${reason}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ""}`,
    );
    this.code = REFUSAL_CODE[reason];
  }

  /** `{ code, message, field? }`, as the CLI's --json and the API show a refusal, said in a door's words. */
  said(message: string): { code: ErrorCode; message: string; field?: string } {
    return this.field ? { code: this.code, message, field: this.field } : { code: this.code, message };
  }

  /** For logs and JSON.stringify: the log message. Doors show `said(…)` instead. */
  toJSON(): { code: ErrorCode; message: string; field?: string } {
    return this.said(this.message);
  }
}

/**
 * The database did not answer (down, restarting, unreachable). Not a refusal: nothing was changed,
 * and the same request will work once it is back. HTTP answers 503 with Retry-After, Slack and the
 * CLI say so (exit 75).
 */
export class DatabaseUnavailableError extends CoreError {
  override readonly name = "DatabaseUnavailableError";
  constructor(cause?: unknown, refusal: Refusal = { reason: "unavailable" }) {
    super(refusal);
    this.cause = cause;
  }
}

/**
 * Too many changes to one account at once: this one could not get its turn in time. Nothing was
 * changed; trying again works (HTTP 503 with Retry-After, CLI exit 75).
 */
export const busy = (): CoreError => new CoreError({ reason: "busy" });

/** The codes that mean "not now" rather than "no": the same request may work in a moment. */
export const TEMPORARY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["BUSY", "UNAVAILABLE"]);

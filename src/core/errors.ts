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
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refusal with a stable code and a sentence a user can act on. */
export class CoreError extends Error {
  override readonly name = "CoreError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toJSON(): { code: ErrorCode; message: string; field?: string } {
    return this.field
      ? { code: this.code, message: this.message, field: this.field }
      : { code: this.code, message: this.message };
  }
}

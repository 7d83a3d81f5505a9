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

/**
 * The database did not answer (down, restarting, unreachable). Not a refusal: nothing was changed,
 * and the same request will work once it is back. HTTP answers 503, Slack and the CLI say so.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  static readonly MESSAGE =
    "The database is not answering right now; nothing was changed. Please try again in a moment.";
  constructor(cause?: unknown, message = DatabaseUnavailableError.MESSAGE) {
    super(message, { cause });
  }
}

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

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

/** A refusal with a stable code and a sentence a user can act on. */
export class CoreError extends Error {
  override readonly name: string = "CoreError";
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

/**
 * The database did not answer (down, restarting, unreachable). Not a refusal: nothing was changed,
 * and the same request will work once it is back. HTTP answers 503 with Retry-After, Slack and the
 * CLI say so (exit 75).
 */
export class DatabaseUnavailableError extends CoreError {
  override readonly name = "DatabaseUnavailableError";
  static readonly MESSAGE =
    "The database is not answering right now; nothing was changed. Please try again in a moment.";
  constructor(cause?: unknown, message = DatabaseUnavailableError.MESSAGE) {
    super("UNAVAILABLE", message);
    this.cause = cause;
  }
}

/**
 * Too many changes to one account at once: this one could not get its turn in time. Nothing was
 * changed; trying again works (HTTP 503 with Retry-After, CLI exit 75).
 */
export const busy = (): CoreError =>
  new CoreError(
    "BUSY",
    "Many changes are being made to this team right now; nothing was changed. Please try again in a moment.",
  );

/** The codes that mean "not now" rather than "no": the same request may work in a moment. */
export const TEMPORARY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["BUSY", "UNAVAILABLE"]);

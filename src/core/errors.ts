import { REFUSAL_CODE, type Refusal } from "./refusals.js";

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

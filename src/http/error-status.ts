import type { ErrorCode } from "../core/errors.js";

/**
 * The HTTP status of every refusal, for the API and the invite pages. Exhaustive, so a new code that
 * is not classified fails to compile instead of falling through to a 500.
 */
export const HTTP_STATUS = {
  INVALID_INPUT: 400,
  // A duration past GRANT_MAX_HOURS is a bad value, like any other out-of-range input.
  GRANT_TOO_LONG: 400,
  NOT_ACTIVE: 403,
  FORBIDDEN: 403,
  RANK_TOO_LOW: 403,
  OWN_ROLE: 403,
  SELF_APPROVAL: 403,
  SECOND_OWNER_NEEDED: 403,
  NOT_A_MEMBER: 404,
  NO_SUCH_MEMBER: 404,
  NO_SUCH_GRANT: 404,
  NOT_INSTALLED: 404,
  LAST_OWNER: 409,
  ALREADY_MEMBER: 409,
  REQUEST_CLOSED: 409,
  INVITE_INVALID: 410,
  INVITE_EXPIRED: 410,
  INVITE_USED: 410,
  // Not now rather than no: answered with Retry-After.
  BUSY: 503,
  UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, 400 | 403 | 404 | 409 | 410 | 503>;

/** How long a "not now" answer (BUSY, UNAVAILABLE) asks the client to wait: Retry-After, in seconds. */
export const RETRY_AFTER_SECONDS = "5";

import type { ErrorCode } from "../core/errors.js";

/** Bad input: retyping the command can fix it. */
export const EXIT_BAD_INPUT = 2;
/** A refusal (the rules or the team's state forbid it as asked), or a database that cannot be used. */
export const EXIT_REFUSED = 1;
/** The database did not answer: the same command may work in a moment (sysexits' EX_TEMPFAIL). */
export const EXIT_TEMPORARY = 75;

/** The exit status of every refusal; exhaustive, so a new code must be classified to compile. */
export const EXIT_CODE = {
  INVALID_INPUT: EXIT_BAD_INPUT,
  GRANT_TOO_LONG: EXIT_BAD_INPUT,
  NOT_A_MEMBER: EXIT_REFUSED,
  NOT_ACTIVE: EXIT_REFUSED,
  FORBIDDEN: EXIT_REFUSED,
  RANK_TOO_LOW: EXIT_REFUSED,
  OWN_ROLE: EXIT_REFUSED,
  LAST_OWNER: EXIT_REFUSED,
  ALREADY_MEMBER: EXIT_REFUSED,
  NO_SUCH_MEMBER: EXIT_REFUSED,
  INVITE_INVALID: EXIT_REFUSED,
  INVITE_EXPIRED: EXIT_REFUSED,
  INVITE_USED: EXIT_REFUSED,
  REQUEST_CLOSED: EXIT_REFUSED,
  SELF_APPROVAL: EXIT_REFUSED,
  SECOND_OWNER_NEEDED: EXIT_REFUSED,
  NO_SUCH_GRANT: EXIT_REFUSED,
  NOT_INSTALLED: EXIT_REFUSED,
  BUSY: EXIT_TEMPORARY,
  UNAVAILABLE: EXIT_TEMPORARY,
} as const satisfies Record<ErrorCode, typeof EXIT_BAD_INPUT | typeof EXIT_REFUSED | typeof EXIT_TEMPORARY>;

import { type Grant, isActiveGrant } from "./model.js";
import type { PermissionKey } from "./permissions.js";

/**
 * The rules of time-bound grants that every door shares (PRODUCT rule 8): a grant works strictly
 * before its end time — checks compare the clock, so a grant stops at its end even before the expiry
 * job has run — and the holder is reminded shortly before it ends.
 */

const MINUTE = 60_000;

/** The permissions `memberId` holds by grant at `now`. */
export const grantedNow = (grants: readonly Grant[], memberId: string, now: Date): Set<PermissionKey> =>
  new Set(grants.filter((g) => g.memberId === memberId && isActiveGrant(g, now)).map((g) => g.permission));

/** The member's grant of `permission` that works at `now`, if any. */
export const activeGrantOf = (
  grants: readonly Grant[],
  memberId: string,
  permission: PermissionKey,
  now: Date,
): Grant | undefined =>
  grants.find((g) => g.memberId === memberId && g.permission === permission && isActiveGrant(g, now));

/**
 * When the holder hears that a grant is about to end: 15 minutes before, or half-way through a grant
 * shorter than 30 minutes (so a 10-minute grant is not "about to end" from its first minute).
 */
export const remindAt = (startsAt: Date, endsAt: Date): Date => {
  const length = endsAt.getTime() - startsAt.getTime();
  return new Date(length < 30 * MINUTE ? startsAt.getTime() + length / 2 : endsAt.getTime() - 15 * MINUTE);
};

/**
 * How many more minutes a grant ending at `endsAt` may run: a grant ends at most `maxHours`
 * (GRANT_MAX_HOURS) from now, so extending it past that is GRANT_TOO_LONG.
 */
export const extensionRoom = (endsAt: string, now: Date, maxHours: number): number =>
  Math.floor((now.getTime() + maxHours * 60 * MINUTE - Date.parse(endsAt)) / MINUTE);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A grant's end as a person reads it, in UTC: "14:30 UTC" within the next day, else "30 Nov 14:30 UTC"
 * so a three-day grant is not mistaken for one that ends this afternoon.
 */
export const grantEndWords = (endsAt: string, now: Date): string => {
  const end = new Date(endsAt);
  const time = `${String(end.getUTCHours()).padStart(2, "0")}:${String(end.getUTCMinutes()).padStart(2, "0")} UTC`;
  return end.getTime() - now.getTime() < 24 * 60 * MINUTE
    ? time
    : `${end.getUTCDate()} ${MONTHS[end.getUTCMonth()]} ${time}`;
};

/** Why a grant lets its holder in, as `/api/v1/authorize` says it. */
export const grantReason = (grant: Pick<Grant, "endsAt" | "grantedBy">, now: Date): string =>
  `Temporary grant until ${grantEndWords(grant.endsAt, now)}, approved by ${grant.grantedBy}`;

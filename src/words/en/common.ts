import { ROLE_LABEL, ROLE_RANK, ROLES, type Role } from "../../core/roles.js";

/**
 * Small pieces of English that refusals and outcomes share, so every sentence names a role, or a
 * list of things, the same way.
 */

/** "an Owner", "an Admin", "a Teammate". */
export const aRole = (role: Role): string =>
  `${/^[AEIOU]/.test(ROLE_LABEL[role]) ? "an" : "a"} ${ROLE_LABEL[role]}`;

/** "Owners", "Admins", "Teammates". */
export const roles = (role: Role): string => `${ROLE_LABEL[role]}s`;

/** The roles ranked below `role`, highest first (none below the lowest). */
export const rolesBelow = (role: Role): Role[] => ROLES.filter((r) => ROLE_RANK[r] < ROLE_RANK[role]);

/** "A", "A and B", "A, B and C" (or "or"). */
export const listWords = (items: readonly string[], last: "and" | "or" = "and"): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)}`;

/** "1 member", "2 members": a count with its noun (one that takes an s). */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

import type { MemberStatus } from "./model.js";
import type { Matrix, PermissionKey } from "./permissions.js";
import { holdsEverything, type Role } from "./roles.js";

/** Who a permission check is about: a member as they are now, and what their grants let them use. */
export interface Holder {
  readonly role: Role;
  readonly status: MemberStatus;
  /** The permissions a time-bound grant lets them use at the moment asked (rule 8). */
  readonly granted?: { has(permission: PermissionKey): boolean } | undefined;
}

/**
 * Why a member may use a permission or not, in the order the rules ask: only current members (rule
 * 6), only active ones, then by role (a fixed column holds everything), then by a grant (rule 8).
 */
export type Verdict = "not_member" | "not_active" | "holds_everything" | "role" | "grant" | "not_held";

const ALLOWS = {
  not_member: false,
  not_active: false,
  holds_everything: true,
  role: true,
  grant: true,
  not_held: false,
} as const satisfies Record<Verdict, boolean>;

/** The one `can()` rule, with its reason: the cache, `explain` and the authorization table ask it. */
export const verdict = (matrix: Matrix, holder: Holder | null, permission: PermissionKey): Verdict => {
  if (!holder || holder.status === "removed") return "not_member";
  if (holder.status !== "active") return "not_active";
  if (holdsEverything(holder.role)) return "holds_everything";
  if (matrix[holder.role].has(permission)) return "role";
  return holder.granted?.has(permission) ? "grant" : "not_held";
};

/** The one `can()`: may this member use `permission` now? */
export const can = (matrix: Matrix, holder: Holder | null, permission: PermissionKey): boolean =>
  ALLOWS[verdict(matrix, holder, permission)];

import { permits } from "./authz.js";
import { type Verdict, verdict } from "./can.js";
import type { ActorContext, Engine } from "./engine.js";
import { grantReason } from "./grant-rules.js";
import type { CachedMember, MaybePromise } from "./permission-cache.js";
import { matrixAsLists, PERMISSIONS, type PermissionKey } from "./permissions.js";
import { CHANGEABLE_ROLES, type ChangeableRole, ROLE_LABEL, type Role } from "./roles.js";

export interface PermissionsView {
  /** The whole matrix for holders of access_permissions; otherwise only the asker's own role. */
  matrix: Partial<Record<Role, PermissionKey[]>>;
  full: boolean;
  editableRoles: ChangeableRole[];
}

export interface Explanation {
  allowed: boolean;
  role: Role | null;
  reason: string;
  /** When a time-bound grant is what allows it: until when, and who approved it. */
  grant?: { permission: PermissionKey; endsAt: string; grantedBy: string };
}

interface Asked {
  email: string;
  permission: PermissionKey;
  member: NonNullable<CachedMember>;
  now: Date;
}

const roleMay = (verb: string) => (a: Asked) => ({
  allowed: verb === "may",
  role: a.member.role,
  reason: `${ROLE_LABEL[a.member.role]}s ${verb} use ${PERMISSIONS[a.permission].label}.`,
});

/** Why, for each answer of `can()`. */
const EXPLAIN = {
  not_member: (a) => ({ allowed: false, role: null, reason: `${a.email} is not a member of this team.` }),
  not_active: (a) => ({
    allowed: false,
    role: a.member.role,
    reason: `${a.email} is ${a.member.status}, not active.`,
  }),
  holds_everything: (a) => ({
    allowed: true,
    role: a.member.role,
    reason: `${ROLE_LABEL[a.member.role]}s hold every permission.`,
  }),
  role: roleMay("may"),
  grant: (a) => {
    const grant = a.member.granted.find(a.permission);
    // Ended between the two looks (its end is a clock tick): it no longer lets them in.
    if (!grant) return roleMay("may not")(a);
    return {
      allowed: true,
      role: a.member.role,
      reason: grantReason(grant, a.now),
      grant: { permission: a.permission, endsAt: grant.endsAt, grantedBy: grant.grantedBy },
    };
  },
  not_held: roleMay("may not"),
} as const satisfies Record<Verdict, (asked: Asked) => Explanation>;

/** What roles may do: the matrix as a member may see it, and the hot `can()` check with its reasons. */
export class Access {
  constructor(private readonly e: Engine) {}

  permissions(ctx: ActorContext): Promise<PermissionsView> {
    return this.e.store.read(async () => {
      const { actor, matrix } = await this.e.reader(ctx);
      const lists = matrixAsLists(matrix);
      if (!permits("matrix.view_all", actor, {}, matrix))
        return { matrix: { [actor.role]: lists[actor.role] }, full: false, editableRoles: [] };
      return {
        matrix: lists,
        full: true,
        editableRoles: CHANGEABLE_ROLES.filter((role) =>
          permits("permission.change", actor, { role }, matrix),
        ),
      };
    });
  }

  /**
   * The hot permission check: answered from memory (a plain boolean, no promise) when the cache is
   * warm, refreshed when any connection has written; a promise only while it loads from the store.
   */
  can(accountId: string, email: string, permission: PermissionKey): MaybePromise<boolean> {
    return this.e.cache.can(accountId, email, permission);
  }

  /** `can()` with its reasons, for the authorization API: answered from the same cache, as `can` is. */
  explain(accountId: string, email: string, permission: PermissionKey): MaybePromise<Explanation> {
    const member = this.e.cache.member(accountId, email);
    return member instanceof Promise
      ? this.explainLoaded(email, permission, member)
      : this.explanation(email, permission, member);
  }

  // Apart from `explain`, so its warm path allocates no closure.
  private async explainLoaded(email: string, permission: PermissionKey, member: Promise<CachedMember>) {
    return this.explanation(email, permission, await member);
  }

  /** The verdict of the one `can()` (can.ts), with its reason. */
  private explanation(email: string, permission: PermissionKey, member: CachedMember): Explanation {
    if (!member) return { allowed: false, role: null, reason: `${email} is not a member of this team.` };
    return EXPLAIN[verdict(member.matrix, member, permission)]({
      email,
      permission,
      member,
      now: this.e.clock.now(),
    });
  }
}

import { permits } from "./authz.js";
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

  private explanation(email: string, permission: PermissionKey, member: CachedMember): Explanation {
    const label = PERMISSIONS[permission].label;
    if (!member) return { allowed: false, role: null, reason: `${email} is not a member of this team.` };
    const byRole = member.allowed.has(permission);
    if (member.status !== "active")
      return { allowed: byRole, role: member.role, reason: `${email} is ${member.status}, not active.` };
    if (member.role === "owner")
      return { allowed: true, role: member.role, reason: "Owners hold every permission." };
    const role = ROLE_LABEL[member.role];
    if (byRole) return { allowed: true, role: member.role, reason: `${role}s may use ${label}.` };
    const grant = member.grants.length > 0 ? this.e.cache.grantFor(member, permission) : undefined;
    if (grant)
      return {
        allowed: true,
        role: member.role,
        reason: grantReason(grant, this.e.clock.now()),
        grant: { permission, endsAt: grant.endsAt, grantedBy: grant.grantedBy },
      };
    return { allowed: false, role: member.role, reason: `${role}s may not use ${label}.` };
  }
}

import type { Decision } from "../decision.js";
import { nothingToDo } from "../decision.js";
import type { DecisionState } from "../model.js";
import { diffMatrix, PERMISSIONS, type PermissionKey } from "../permissions.js";
import type { ChangeableRole, Role } from "../roles.js";
import { allowed, type ChangeResult, type PermissionCell } from "./shared.js";

export interface SetPermissionInput {
  role: Role;
  permission: PermissionKey;
  allowed: boolean;
}

const toggleChanges = (toggles: PermissionCell[]): Pick<Decision<unknown>, "changes" | "audit"> => ({
  changes: toggles.map((t) => ({ kind: "setPermission" as const, ...t })),
  audit: toggles.map(({ role, permission, allowed }) => ({
    action: allowed ? "permission.granted" : "permission.revoked",
    target: `role:${role}`,
    before: { [permission]: !allowed },
    after: { [permission]: allowed },
  })),
});

export const decideSetPermission = (
  state: DecisionState,
  input: SetPermissionInput,
): Decision<ChangeResult> => {
  allowed(state, "permission.change", { role: input.role });
  // The rule above refused the owner column.
  const role = input.role as ChangeableRole;
  const { permission, allowed: on } = input;
  if (state.matrix[role].has(permission) === on) {
    return nothingToDo({
      ok: true,
      changed: false,
      action: "permission.unchanged",
      role,
      detail: PERMISSIONS[permission].label,
      allowed: on,
    });
  }
  const action = on ? "permission.granted" : "permission.revoked";
  return {
    ...toggleChanges([{ role, permission, allowed: on }]),
    mails: [],
    result: {
      ok: true,
      changed: true,
      action,
      role,
      detail: PERMISSIONS[permission].label,
      cells: [{ role, permission, allowed: on }],
    },
  };
};

/** Saving the Permissions form: the wanted columns become a diff, applied as one change. */
export const decideSetMatrix = (
  state: DecisionState,
  wanted: Partial<Record<Role, readonly PermissionKey[]>>,
): Decision<ChangeResult> => {
  allowed(state, "permission.change");
  const columns: Partial<Record<ChangeableRole, readonly PermissionKey[]>> = {};
  for (const [role, keys] of Object.entries(wanted) as [Role, readonly PermissionKey[]][]) {
    allowed(state, "permission.change", { role });
    columns[role as ChangeableRole] = keys; // the rule above refused the owner column
  }
  const diff = diffMatrix(state.matrix, columns);
  const toggles: PermissionCell[] = [
    ...diff.toAdd.map((t) => ({ ...t, allowed: true })),
    ...diff.toRemove.map((t) => ({ ...t, allowed: false })),
  ];
  if (toggles.length === 0) return nothingToDo({ ok: true, changed: false, action: "permission.unchanged" });
  return {
    ...toggleChanges(toggles),
    mails: [],
    result: {
      ok: true,
      changed: true,
      action: "permissions.changed",
      detail: String(toggles.length),
      cells: toggles,
    },
  };
};

import type { Decision } from "../decision.js";
import { nothingToDo } from "../decision.js";
import type { DecisionState } from "../model.js";
import { diffMatrix, type PermissionKey } from "../permissions.js";
import type { ChangeableRole, Role } from "../roles.js";
import { allowed, type ChangeResult, made, type PermissionCell, unchanged } from "./shared.js";

export interface SetPermissionInput {
  role: Role;
  permission: PermissionKey;
  allowed: boolean;
}

const toggleChanges = (toggles: PermissionCell[]): Pick<Decision<unknown>, "changes" | "audit"> => ({
  changes: toggles.map((t) => ({ kind: "setPermission" as const, ...t })),
  audit: toggles.map(({ role, permission, allowed }) => ({
    action: allowed ? "permission.granted" : "permission.revoked",
    target: { type: "role", role },
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
    return nothingToDo<ChangeResult>(unchanged({ of: "permission", role, permission, allowed: on }));
  }
  const cells = [{ role, permission, allowed: on }];
  return { ...toggleChanges(cells), mails: [], result: made("permissions.changed", { cells }) };
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
  if (toggles.length === 0) return nothingToDo<ChangeResult>(unchanged({ of: "permissions" }));
  return { ...toggleChanges(toggles), mails: [], result: made("permissions.changed", { cells: toggles }) };
};

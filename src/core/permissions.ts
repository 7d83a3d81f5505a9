import { CHANGEABLE_ROLES, type ChangeableRole, holdsEverything, type Role } from "./roles.js";

export const PERMISSION_KEYS = [
  "team_settings",
  "access_permissions",
  "export_users",
  "add_users",
  "bulk_tag_users",
  "billing",
  "api_key",
  "whatsapp_setup",
] as const;

export type PermissionKey = (typeof PERMISSION_KEYS)[number];

interface PermissionInfo {
  label: string;
  description: string;
  /** What admins and teammates get on a new account. Owners always hold everything. */
  defaults: Record<ChangeableRole, boolean>;
}

export const PERMISSIONS = {
  team_settings: {
    label: "Team Settings",
    description: "see and manage members",
    defaults: { admin: false, teammate: false },
  },
  access_permissions: {
    label: "Access Permissions",
    description: "change what roles may do",
    defaults: { admin: false, teammate: false },
  },
  export_users: {
    label: "Export Users",
    description: "export contacts",
    defaults: { admin: true, teammate: true },
  },
  add_users: { label: "Add Users", description: "add contacts", defaults: { admin: true, teammate: true } },
  bulk_tag_users: {
    label: "Bulk Tag Users",
    description: "tag many contacts at once",
    defaults: { admin: true, teammate: true },
  },
  billing: {
    label: "Billing",
    description: "see and change billing",
    defaults: { admin: true, teammate: true },
  },
  api_key: {
    label: "Organisation API key",
    description: "see and rotate the API key",
    defaults: { admin: true, teammate: true },
  },
  whatsapp_setup: {
    label: "WhatsApp Business Setup",
    description: "connect and configure WhatsApp",
    defaults: { admin: true, teammate: true },
  },
} as const satisfies Record<PermissionKey, PermissionInfo>;

/** What the changeable roles may do on one account. Owners are not in it: they hold everything. */
export type Matrix = Record<ChangeableRole, ReadonlySet<PermissionKey>>;

export const defaultMatrix = (): Matrix => {
  const column = (role: ChangeableRole) =>
    new Set(PERMISSION_KEYS.filter((key) => PERMISSIONS[key].defaults[role]));
  return { admin: column("admin"), teammate: column("teammate") };
};

/**
 * What a role gives, whoever holds it: a role whose column is fixed (Owners) holds everything; any
 * other role what its column of the matrix says. `can` adds who may act at all, and grants.
 */
export const holds = (matrix: Matrix, role: Role, permission: PermissionKey): boolean =>
  holdsEverything(role) || matrix[role].has(permission);

/** A role's permissions in catalog order. */
export const permissionsOf = (matrix: Matrix, role: Role): PermissionKey[] =>
  PERMISSION_KEYS.filter((key) => holds(matrix, role, key));

export const matrixAsLists = (matrix: Matrix): Record<Role, PermissionKey[]> => ({
  owner: [...PERMISSION_KEYS],
  admin: permissionsOf(matrix, "admin"),
  teammate: permissionsOf(matrix, "teammate"),
});

export interface MatrixDiff {
  toAdd: { role: ChangeableRole; permission: PermissionKey }[];
  toRemove: { role: ChangeableRole; permission: PermissionKey }[];
}

/** Saving a form of checkboxes is a pure diff against the current matrix. */
export const diffMatrix = (
  current: Matrix,
  wanted: Partial<Record<ChangeableRole, Iterable<PermissionKey>>>,
): MatrixDiff => {
  const diff: MatrixDiff = { toAdd: [], toRemove: [] };
  for (const role of CHANGEABLE_ROLES) {
    const column = wanted[role];
    if (!column) continue;
    const next = new Set(column);
    for (const permission of PERMISSION_KEYS) {
      if (next.has(permission) && !current[role].has(permission)) diff.toAdd.push({ role, permission });
      if (!next.has(permission) && current[role].has(permission)) diff.toRemove.push({ role, permission });
    }
  }
  return diff;
};

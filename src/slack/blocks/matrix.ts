import { PERMISSION_KEYS, PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { CHANGEABLE_ROLES, ROLE_LABEL, type Role } from "../../core/roles.js";
import { type Block, context } from "./kit.js";

type MatrixLists = Partial<Record<Role, PermissionKey[]>>;

const roles = (names: string[]): string =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/** Who holds one permission, in words: "Owners (always), Admins and Teammates", "Owners only". */
export const holdersOf = (matrix: MatrixLists, key: PermissionKey): string => {
  const others = CHANGEABLE_ROLES.filter((r) => matrix[r]?.includes(key)).map((r) => `${ROLE_LABEL[r]}s`);
  return others.length === 0 ? "Owners only (always)" : roles(["Owners (always)", ...others]);
};

/**
 * The whole matrix without a table: one field per permission with the roles that hold it. Slack lays
 * fields out in two columns on a wide screen and one on a phone, so nothing breaks at phone width.
 */
export const matrixBlocks = (matrix: MatrixLists): Block[] => [
  {
    type: "section",
    fields: PERMISSION_KEYS.map((key) => ({
      type: "mrkdwn" as const,
      text: `*${PERMISSIONS[key].label}*\n${holdersOf(matrix, key)}`,
    })),
  },
  context("Owners always hold every permission; their column cannot be changed."),
];

/** A summary for notifications and screen readers: "Admins have 6 of 8 permissions, Teammates 6 …". */
export const matrixSummary = (matrix: MatrixLists): string => {
  const total = PERMISSION_KEYS.length;
  const parts = CHANGEABLE_ROLES.filter((r) => matrix[r]).map(
    (r) => `${ROLE_LABEL[r]}s have ${matrix[r]?.length ?? 0} of ${total}`,
  );
  return `Access permissions: ${[...parts, `Owners always have all ${total}`].join("; ")}.`;
};

/** A role's permissions in a phrase: "all 8 permissions", "Export Users, Billing", "no permissions". */
export const permissionsPhrase = (keys: readonly PermissionKey[]): string => {
  if (keys.length === PERMISSION_KEYS.length) return `all ${keys.length} permissions`;
  if (keys.length === 0) return "no permissions";
  return keys.map((k) => PERMISSIONS[k].label).join(", ");
};

/** One line for one role: "Owner — all 8 permissions", "Teammate — Export Users, Billing". */
export const ownPermissionsLine = (role: Role, keys: readonly PermissionKey[]): string =>
  `*${ROLE_LABEL[role]}* — ${permissionsPhrase(keys)}`;

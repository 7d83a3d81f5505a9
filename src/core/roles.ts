interface RoleInfo {
  /**
   * The role's position: higher ranks act on lower ones (PRODUCT §2 rule 2). The top rank is the
   * Owners': what the rules keep for Owners they ask of the rank (`isOwnerRank`), never of a name.
   */
  rank: number;
  label: string;
  /** The role's column of the matrix is fixed: it holds every permission and nobody can change it. */
  permissionsFixed: boolean;
}

/** The roles, as data: a new role is a row here (and a migration widening the store's CHECK). */
export const ROLE_TABLE = {
  owner: { rank: 3, label: "Owner", permissionsFixed: true },
  admin: { rank: 2, label: "Admin", permissionsFixed: false },
  teammate: { rank: 1, label: "Teammate", permissionsFixed: false },
} as const satisfies Record<string, RoleInfo>;

type RoleTable = typeof ROLE_TABLE;
export type Role = keyof RoleTable;

/** Every role, highest rank first (the order lists and tables show them in); a tuple, for `z.enum`. */
export const ROLES = (Object.keys(ROLE_TABLE) as Role[]).sort(
  (a, b) => ROLE_TABLE[b].rank - ROLE_TABLE[a].rank,
) as [Role, ...Role[]];

/** Roles whose permissions can be changed: those whose column is not fixed. */
export type ChangeableRole = {
  [R in Role]: RoleTable[R]["permissionsFixed"] extends false ? R : never;
}[Role];
export const CHANGEABLE_ROLES = ROLES.filter(
  (role): role is ChangeableRole => !ROLE_TABLE[role].permissionsFixed,
) as readonly ChangeableRole[];

const column = <K extends keyof RoleInfo>(key: K) =>
  Object.fromEntries(ROLES.map((role) => [role, ROLE_TABLE[role][key]])) as {
    readonly [R in Role]: RoleTable[R][K];
  };

export const ROLE_RANK = column("rank");
export const ROLE_LABEL = column("label");

export const isRole = (value: string): value is Role => Object.hasOwn(ROLE_TABLE, value);

/** The highest position: the Owners' (the role the first in `ROLES`). */
const TOP_RANK = ROLE_RANK[ROLES[0]];

/** The role at the top of the hierarchy: Owners (whom a change makes or unmakes, rules 5 and 9). */
export const OWNER_ROLE: Role = ROLES[0];

/**
 * Whether `role` holds the top position, the Owners': it acts on anyone (its peers too), decides
 * requests, changes settings and grants access. The one place that asks "is this an Owner?".
 */
export const isOwnerRank = (role: Role): boolean => ROLE_RANK[role] === TOP_RANK;

/** Whether the role holds every permission, whatever the matrix says (its column is fixed). */
export const holdsEverything = (role: Role): role is Exclude<Role, ChangeableRole> =>
  ROLE_TABLE[role].permissionsFixed;

/**
 * The one hierarchy rule: may a member of `actorRole` act on (or hand out) `subjectRole`? Roles act on
 * the positions below their own; the top position acts on its peers too.
 */
export const isWithinHierarchy = (actorRole: Role, subjectRole: Role): boolean =>
  ROLE_RANK[actorRole] > ROLE_RANK[subjectRole] || isOwnerRank(actorRole);

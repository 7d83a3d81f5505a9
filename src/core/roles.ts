interface RoleInfo {
  /** Higher ranks may act on lower ones (PRODUCT §2 rule 2). */
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

/**
 * The one hierarchy rule: may a member of `actorRole` act on (or hand out) `subjectRole`?
 * Owners may act on anyone; everybody else only on roles ranked below their own.
 */
export const isWithinHierarchy = (actorRole: Role, subjectRole: Role): boolean =>
  actorRole === "owner" || ROLE_RANK[actorRole] > ROLE_RANK[subjectRole];

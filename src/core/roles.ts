export const ROLES = ["owner", "admin", "teammate"] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose permissions can be changed; the owner column is fixed. */
export const CHANGEABLE_ROLES = ["admin", "teammate"] as const satisfies readonly Role[];
export type ChangeableRole = (typeof CHANGEABLE_ROLES)[number];

export const ROLE_RANK = { owner: 3, admin: 2, teammate: 1 } as const satisfies Record<Role, number>;

export const ROLE_LABEL = { owner: "Owner", admin: "Admin", teammate: "Teammate" } as const satisfies Record<
  Role,
  string
>;

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export const isChangeableRole = (role: Role): role is ChangeableRole => role !== "owner";

/**
 * The one hierarchy rule: may a member of `actorRole` act on (or hand out) `subjectRole`?
 * Owners may act on anyone; everybody else only on roles ranked below their own.
 */
export const isWithinHierarchy = (actorRole: Role, subjectRole: Role): boolean =>
  actorRole === "owner" || ROLE_RANK[actorRole] > ROLE_RANK[subjectRole];

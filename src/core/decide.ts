/** The pure decisions, one module per resource (see decide/). */
export * from "./decide/account.js";
export * from "./decide/grants.js";
export * from "./decide/invites.js";
export * from "./decide/members.js";
export * from "./decide/permissions.js";
export type {
  ChangeResult,
  FieldChange,
  FreshInvite,
  MemberFieldChanges,
  PermissionCell,
} from "./decide/shared.js";

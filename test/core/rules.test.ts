import { afterEach, describe, expect, it } from "vitest";
import type { AccessCore } from "../../src/core/access-core.js";
import { ROLES, type Role } from "../../src/core/roles.js";
import { removeMember, revokeInvite, setPermission } from "../helpers/core.js";
import { grantAll, openCore, outcome, type Seeded, seedTeam } from "../helpers/team.js";

/**
 * PRODUCT §2 as a table: every acting role × every action × every target role, with the outcome
 * written out by hand from the rules. "ok" = applied, "unchanged" = allowed but nothing to do.
 */

type Action =
  | `role:${Role}->${Role}`
  | `remove:${Role}`
  | `edit:${Role}`
  | `resend:${Role}`
  | `revoke:${Role}`
  | `add:${Role}`
  | `perms:${Role}`;

const ACTIONS: Action[] = [
  ...ROLES.flatMap((t) => ROLES.map((r) => `role:${t}->${r}` as const)),
  ...ROLES.map((t) => `remove:${t}` as const),
  ...ROLES.map((t) => `edit:${t}` as const),
  ...ROLES.map((t) => `resend:${t}` as const),
  ...ROLES.map((t) => `revoke:${t}` as const),
  ...ROLES.map((t) => `add:${t}` as const),
  ...ROLES.map((t) => `perms:${t}` as const),
];

// Owners may act on anyone and hand out any role; only the owner column is fixed.
const OWNER: Record<Action, string> = {
  "role:owner->owner": "unchanged",
  "role:owner->admin": "ok",
  "role:owner->teammate": "ok",
  "role:admin->owner": "ok",
  "role:admin->admin": "unchanged",
  "role:admin->teammate": "ok",
  "role:teammate->owner": "ok",
  "role:teammate->admin": "ok",
  "role:teammate->teammate": "unchanged",
  "remove:owner": "ok",
  "remove:admin": "ok",
  "remove:teammate": "ok",
  "edit:owner": "ok",
  "edit:admin": "ok",
  "edit:teammate": "ok",
  "resend:owner": "ok",
  "resend:admin": "ok",
  "resend:teammate": "ok",
  "revoke:owner": "ok",
  "revoke:admin": "ok",
  "revoke:teammate": "ok",
  "add:owner": "ok",
  "add:admin": "ok",
  "add:teammate": "ok",
  "perms:owner": "FORBIDDEN",
  "perms:admin": "ok",
  "perms:teammate": "ok",
};

// An admin who holds Team Settings and Access Permissions acts only on teammates and hands out only teammate.
const ADMIN_GRANTED: Record<Action, string> = {
  "role:owner->owner": "RANK_TOO_LOW",
  "role:owner->admin": "RANK_TOO_LOW",
  "role:owner->teammate": "RANK_TOO_LOW",
  "role:admin->owner": "RANK_TOO_LOW",
  "role:admin->admin": "RANK_TOO_LOW",
  "role:admin->teammate": "RANK_TOO_LOW",
  "role:teammate->owner": "RANK_TOO_LOW",
  "role:teammate->admin": "RANK_TOO_LOW",
  "role:teammate->teammate": "unchanged",
  "remove:owner": "RANK_TOO_LOW",
  "remove:admin": "RANK_TOO_LOW",
  "remove:teammate": "ok",
  "edit:owner": "RANK_TOO_LOW",
  "edit:admin": "RANK_TOO_LOW",
  "edit:teammate": "ok",
  "resend:owner": "RANK_TOO_LOW",
  "resend:admin": "RANK_TOO_LOW",
  "resend:teammate": "ok",
  "revoke:owner": "RANK_TOO_LOW",
  "revoke:admin": "RANK_TOO_LOW",
  "revoke:teammate": "ok",
  "add:owner": "RANK_TOO_LOW",
  "add:admin": "RANK_TOO_LOW",
  "add:teammate": "ok",
  "perms:owner": "FORBIDDEN",
  "perms:admin": "RANK_TOO_LOW",
  "perms:teammate": "ok",
};

// A teammate holding both permissions still has nobody ranked below them.
const TEAMMATE_GRANTED = Object.fromEntries(
  ACTIONS.map((a) => [a, a === "perms:owner" ? "FORBIDDEN" : "RANK_TOO_LOW"]),
) as Record<Action, string>;

// With the default matrix only Owners hold Team Settings and Access Permissions.
const WITHOUT_PERMISSIONS = Object.fromEntries(ACTIONS.map((a) => [a, "FORBIDDEN"])) as Record<
  Action,
  string
>;

const ACTOR: Record<Role, string> = {
  owner: "o1@acme.test",
  admin: "a1@acme.test",
  teammate: "t1@acme.test",
};
const ACTIVE_TARGET: Record<Role, string> = {
  owner: "o2@acme.test",
  admin: "a2@acme.test",
  teammate: "t2@acme.test",
};
const INVITED_TARGET: Record<Role, string> = {
  owner: "io@acme.test",
  admin: "ia@acme.test",
  teammate: "it@acme.test",
};

const team = (core: AccessCore) =>
  seedTeam(
    core,
    [
      { email: ACTIVE_TARGET.owner, role: "owner" },
      { email: ACTOR.admin, role: "admin" },
      { email: ACTIVE_TARGET.admin, role: "admin" },
      { email: ACTOR.teammate, role: "teammate" },
      { email: ACTIVE_TARGET.teammate, role: "teammate" },
      ...ROLES.map((role) => ({ email: INVITED_TARGET[role], role, status: "invited" as const })),
    ],
    ACTOR.owner,
  );

const perform = (core: AccessCore, seeded: Seeded, actor: string, action: Action) => {
  const ctx = seeded.as(actor);
  const [verb, arg] = action.split(":") as [string, string];
  switch (verb) {
    case "role": {
      const [from, to] = arg.split("->") as [Role, Role];
      return () => core.changeRole(ctx, { email: ACTIVE_TARGET[from] }, to);
    }
    case "remove":
      return () => removeMember(core, ctx, { email: ACTIVE_TARGET[arg as Role] });
    case "edit":
      return () => core.editMember(ctx, { email: ACTIVE_TARGET[arg as Role] }, { name: "New Name" });
    case "resend":
      return () => core.resendInvite(ctx, { email: INVITED_TARGET[arg as Role] });
    case "revoke":
      return () => revokeInvite(core, ctx, { email: INVITED_TARGET[arg as Role] });
    case "add":
      return () => core.addMember(ctx, { email: "new@acme.test", role: arg });
    default:
      return () => setPermission(core, ctx, { role: arg, permission: "billing", allowed: false });
  }
};

const CASES: [string, Role, boolean, Record<Action, string>][] = [
  ["owner", "owner", false, OWNER],
  ["owner (permissions granted to others)", "owner", true, OWNER],
  ["admin with the default matrix", "admin", false, WITHOUT_PERMISSIONS],
  ["teammate with the default matrix", "teammate", false, WITHOUT_PERMISSIONS],
  ["admin holding team_settings and access_permissions", "admin", true, ADMIN_GRANTED],
  ["teammate holding team_settings and access_permissions", "teammate", true, TEAMMATE_GRANTED],
];

describe("rules of authority (PRODUCT §2), role × action × target", () => {
  let close = () => {};
  afterEach(() => close());

  for (const [label, actorRole, granted, expected] of CASES) {
    describe(label, () => {
      it.each(ACTIONS)("%s", async (action) => {
        const wired = await openCore();
        close = wired.close;
        const seeded = await team(wired.core);
        if (granted) await grantAll(wired.core, seeded, ["team_settings", "access_permissions"], ACTOR.owner);
        const auditBefore = (await wired.core.fullAuditLog(seeded.accountId)).length;
        const got = await outcome(perform(wired.core, seeded, ACTOR[actorRole], action));
        expect(got).toBe(expected[action]);
        const auditAfter = (await wired.core.fullAuditLog(seeded.accountId)).length;
        // Refusals and no-ops write nothing; applied changes are audited.
        if (got === "ok") expect(auditAfter).toBeGreaterThan(auditBefore);
        else expect(auditAfter).toBe(auditBefore);
      });
    });
  }
});

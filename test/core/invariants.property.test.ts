import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccessCore } from "../../src/core/access-core.js";
import { CoreError } from "../../src/core/errors.js";
import { PERMISSION_KEYS, type PermissionKey } from "../../src/core/permissions.js";
import { ROLE_RANK, ROLES, type Role } from "../../src/core/roles.js";
import { removeMember, revokeInvite, setPermission } from "../helpers/core.js";
import { openCore, seedTeam } from "../helpers/team.js";

const PEOPLE = ["owner@acme.test", "a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test", "e@acme.test"];

const person = fc.constantFrom(...PEOPLE);
/** Targets lean towards the actor themselves, where rules 4 and 5 live. */
const target = fc.oneof(person, fc.constant("self"));
const role = fc.constantFrom(...ROLES);
/** The two permissions that give authority come up far more often than the rest. */
const permission = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("team_settings" as const, "access_permissions" as const) },
  { weight: 1, arbitrary: fc.constantFrom(...PERMISSION_KEYS) },
);
const grant = fc.constantFrom(
  ...(["admin", "teammate"] as const).flatMap((r) =>
    (["team_settings", "access_permissions"] as const).map((p) => ({ role: r, permission: p })),
  ),
);
const step = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), actor: person, target, role }),
  fc.record({ kind: fc.constant("role" as const), actor: person, target, role }),
  fc.record({ kind: fc.constant("remove" as const), actor: person, target }),
  fc.record({ kind: fc.constant("edit" as const), actor: person, target, name: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant("resend" as const), actor: person, target }),
  fc.record({ kind: fc.constant("revoke" as const), actor: person, target }),
  fc.record({ kind: fc.constant("activate" as const), target: person }),
  fc.record({ kind: fc.constant("perm" as const), actor: person, role, permission, allowed: fc.boolean() }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

const run = (
  core: AccessCore,
  as: (e: string) => Parameters<AccessCore["whoami"]>[0],
  accountId: string,
  step: Step,
) => {
  const s =
    "actor" in step && "target" in step && step.target === "self" ? { ...step, target: step.actor } : step;
  switch (s.kind) {
    case "add":
      return core.addMember(as(s.actor), { email: s.target, role: s.role });
    case "role":
      return core.changeRole(as(s.actor), { email: s.target }, s.role);
    case "remove":
      return removeMember(core, as(s.actor), { email: s.target });
    case "edit":
      return core.editMember(as(s.actor), { email: s.target }, { name: s.name });
    case "resend":
      return core.resendInvite(as(s.actor), { email: s.target });
    case "revoke":
      return revokeInvite(core, as(s.actor), { email: s.target });
    case "activate":
      return core.activate(accountId, s.target);
    case "perm":
      return setPermission(core, as(s.actor), { role: s.role, permission: s.permission, allowed: s.allowed });
  }
};

/** What each person holds right now: role rank and permissions, or nothing when not active. */
const snapshot = async (core: AccessCore, as: (e: string) => Parameters<AccessCore["whoami"]>[0]) => {
  const held = new Map<string, { rank: number; role: Role; permissions: Set<PermissionKey> } | null>();
  for (const email of PEOPLE) {
    try {
      const me = await core.whoami(as(email));
      held.set(email, { rank: ROLE_RANK[me.role], role: me.role, permissions: new Set(me.permissions) });
    } catch {
      held.set(email, null);
    }
  }
  return held;
};

describe("invariants under random sequences of changes by random actors", () => {
  it("≥ 1 active owner, owners hold everything, nobody raises their own rank or their own role's permissions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLES),
        fc.uniqueArray(grant, { maxLength: 4, selector: (g) => `${g.role}:${g.permission}` }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (secondRole, grants, steps) => {
          const wired = await openCore();
          try {
            const { core } = wired;
            const seeded = await seedTeam(core, [
              { email: "a@acme.test", role: secondRole },
              { email: "b@acme.test", role: "admin" },
              { email: "c@acme.test", role: "teammate" },
            ]);
            for (const g of grants)
              await setPermission(core, seeded.as("owner@acme.test"), { ...g, allowed: true });
            for (const s of steps) {
              const before = await snapshot(core, seeded.as);
              try {
                await run(core, seeded.as, seeded.accountId, s);
              } catch (error) {
                if (!(error instanceof CoreError)) throw error;
              }
              const after = await snapshot(core, seeded.as);
              const owners = [...after.values()].filter((m) => m?.role === "owner");
              expect(owners.length).toBeGreaterThanOrEqual(1);
              for (const owner of owners) expect(owner?.permissions.size).toBe(PERMISSION_KEYS.length);
              if ("actor" in s) {
                const was = before.get(s.actor);
                const now = after.get(s.actor);
                if (was && now) {
                  expect(now.rank).toBeLessThanOrEqual(was.rank);
                  if (now.role === was.role && now.role !== "owner") {
                    for (const p of now.permissions) expect(was.permissions.has(p)).toBe(true);
                  }
                }
              }
            }
          } finally {
            await wired.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

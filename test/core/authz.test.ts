import { describe, expect, it } from "vitest";
import { ACTIONS, type Action, refusalOf, type Subject } from "../../src/core/authz.js";
import type { ErrorCode } from "../../src/core/errors.js";
import type { Member, MemberStatus } from "../../src/core/model.js";
import {
  defaultMatrix,
  type Matrix,
  PERMISSION_KEYS,
  type PermissionKey,
} from "../../src/core/permissions.js";
import { ROLES, type Role } from "../../src/core/roles.js";
import { slackWords } from "../helpers/refusals.js";

/**
 * The authorization table, walked whole: every action × actor role × actor status × target role ×
 * self or not × role handed out × matrix × grace. The expectations are written again here, by hand
 * from PRODUCT §2, without the table's combinators — a rule that drifts from the contract fails.
 * `EXPECTED` satisfies Record<Action, …>, so an action without an expectation does not compile.
 */
interface Case {
  actor: Role;
  status: MemberStatus;
  target: Role;
  self: boolean;
  role: Role;
  matrix: "default" | "everything";
  graceHours: number;
  /** A permission the actor holds by a time-bound grant now (rule 8), or none. */
  granted: PermissionKey | null;
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, teammate: 1 };
const below = (actor: Role, subject: Role) => actor === "owner" || RANK[actor] > RANK[subject];
const holds = (c: Case, p: PermissionKey) =>
  c.actor === "owner" ||
  c.matrix === "everything" ||
  defaultMatrix()[c.actor as "admin"].has(p) ||
  c.granted === p;
const gate = (c: Case, p: PermissionKey): ErrorCode | null => (holds(c, p) ? null : "FORBIDDEN");
const onTarget = (c: Case): ErrorCode | null => (below(c.actor, c.target) ? null : "RANK_TOO_LOW");

const EXPECTED = {
  "team.view": (c) => gate(c, "team_settings"),
  "member.form": (c) => gate(c, "team_settings") ?? (c.self ? null : onTarget(c)),
  "audit.view": (c) => gate(c, "team_settings"),
  "member.add": (c) => gate(c, "team_settings") ?? (below(c.actor, c.role) ? null : "RANK_TOO_LOW"),
  "member.edit": (c) => gate(c, "team_settings") ?? (c.self ? null : onTarget(c)),
  "member.change_role": (c) =>
    gate(c, "team_settings") ??
    (c.self ? "OWN_ROLE" : (onTarget(c) ?? (below(c.actor, c.role) ? null : "RANK_TOO_LOW"))),
  "member.remove": (c) => gate(c, "team_settings") ?? (c.self ? "OWN_ROLE" : onTarget(c)),
  "invite.resend": (c) => gate(c, "team_settings") ?? onTarget(c),
  "invite.revoke": (c) => gate(c, "team_settings") ?? onTarget(c),
  "permission.change": (c) =>
    gate(c, "access_permissions") ??
    (c.role === "owner" ? "FORBIDDEN" : below(c.actor, c.role) ? null : "RANK_TOO_LOW"),
  "matrix.view_all": (c) => gate(c, "access_permissions"),
  "settings.change": (c) => (c.actor === "owner" ? null : "FORBIDDEN"),
  "apikey.view": (c) => gate(c, "api_key"),
  "apikey.rotate": (c) =>
    gate(c, "api_key") ?? (c.graceHours === 0 && c.actor !== "owner" ? "FORBIDDEN" : null),
  "request.decide": (c) => (c.actor !== "owner" ? "FORBIDDEN" : c.self ? "SELF_APPROVAL" : null),
  "request.cancel": (c) => (c.self ? null : "FORBIDDEN"),
  // Rule 8: only Owners grant; the holder or an Owner ends a grant; Team Settings shows everyone's.
  "grant.start": (c) => (c.actor === "owner" ? null : "FORBIDDEN"),
  "grant.end": (c) => (c.actor === "owner" || c.self ? null : "FORBIDDEN"),
  "grants.view_all": (c) => gate(c, "team_settings"),
} satisfies Record<Action, (c: Case) => ErrorCode | null>;

const everything: Matrix = { admin: new Set(PERMISSION_KEYS), teammate: new Set(PERMISSION_KEYS) };

const cases = function* (): Generator<Case> {
  for (const actor of ROLES)
    for (const status of ["active", "invited", "removed"] as const)
      for (const target of ROLES)
        for (const self of [false, true])
          for (const role of ROLES)
            for (const matrix of ["default", "everything"] as const)
              for (const graceHours of [0, 24])
                for (const granted of [null, "team_settings", "access_permissions", "api_key"] as const) {
                  // Acting on yourself means a target of your own role.
                  if (!self || target === actor)
                    yield { actor, status, target, self, role, matrix, graceHours, granted };
                }
};

const member = (id: string, role: Role, status: MemberStatus): Member => ({
  id,
  accountId: "a",
  email: `${id}@acme.test`,
  name: null,
  phone: null,
  role,
  status,
  slackUserId: null,
  invitedBy: null,
  createdAt: "",
  updatedAt: "",
});

describe("the authorization table (PRODUCT §2), every action against every kind of person", () => {
  it.each(ACTIONS)("%s", (action) => {
    let checked = 0;
    for (const c of cases()) {
      const actor = { ...member("me", c.actor, c.status), granted: new Set(c.granted ? [c.granted] : []) };
      const subject: Subject = {
        target: c.self ? actor : member("them", c.target, "active"),
        role: c.role,
        requesterId: c.self ? "me" : "them",
        graceHours: c.graceHours,
      };
      const expected =
        c.status === "active" ? EXPECTED[action](c) : c.status === "invited" ? "NOT_ACTIVE" : "NOT_A_MEMBER";
      const refusal = refusalOf(
        action,
        actor,
        subject,
        c.matrix === "default" ? defaultMatrix() : everything,
      );
      expect(refusal?.code ?? null, `${action} ${JSON.stringify(c)}`).toBe(expected);
      // Rule 7: every refusal names the rule in plain words.
      if (refusal) expect(slackWords(refusal)).toMatch(/^[A-Z].{15,}[.)]$/s);
      checked++;
    }
    // 3 actor roles × 3 statuses × 4 (3 other targets, or yourself) × 3 roles × 2 matrices × 2 graces.
    expect(checked).toBe(3 * 3 * 4 * 3 * 2 * 2 * 4);
  });
});

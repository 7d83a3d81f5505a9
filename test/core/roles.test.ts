import { describe, expect, expectTypeOf, it } from "vitest";
import {
  CHANGEABLE_ROLES,
  type ChangeableRole,
  isWithinHierarchy,
  ROLE_LABEL,
  ROLE_RANK,
  ROLE_TABLE,
  ROLES,
  type Role,
} from "../../src/core/roles.js";

/** PRODUCT §1, written out by hand: rank, label, and whether the role's permissions can change. */
const EXPECTED: Record<Role, { rank: number; label: string; changeable: boolean }> = {
  owner: { rank: 3, label: "Owner", changeable: false },
  admin: { rank: 2, label: "Admin", changeable: true },
  teammate: { rank: 1, label: "Teammate", changeable: true },
};

/** PRODUCT §2 rule 2: whom each role may act on (or hand out). Owners: anyone; others: ranked below. */
const MAY_ACT_ON: Record<Role, Role[]> = {
  owner: ["owner", "admin", "teammate"],
  admin: ["teammate"],
  teammate: [],
};

describe("roles as data", () => {
  it.each(ROLES)("%s: rank, label and changeability come from the role table", (role) => {
    expect(ROLE_RANK[role]).toBe(ROLE_TABLE[role].rank);
    expect(ROLE_LABEL[role]).toBe(ROLE_TABLE[role].label);
    expect(CHANGEABLE_ROLES.includes(role as ChangeableRole)).toBe(!ROLE_TABLE[role].permissionsFixed);
    expect({
      rank: ROLE_RANK[role],
      label: ROLE_LABEL[role],
      changeable: CHANGEABLE_ROLES.includes(role as ChangeableRole),
    }).toEqual(EXPECTED[role]);
  });

  it("lists every role of the table once, highest rank first", () => {
    expect(ROLES).toEqual(["owner", "admin", "teammate"]);
    expect([...ROLES].sort()).toEqual(Object.keys(ROLE_TABLE).sort());
    expect(CHANGEABLE_ROLES).toEqual(["admin", "teammate"]);
    expectTypeOf<ChangeableRole>().toEqualTypeOf<"admin" | "teammate">();
    expectTypeOf<Role>().toEqualTypeOf<"owner" | "admin" | "teammate">();
  });

  it.each(ROLES.flatMap((actor) => ROLES.map((subject) => [actor, subject] as const)))(
    "the hierarchy rule: may a %s act on a %s?",
    (actor, subject) => {
      expect(isWithinHierarchy(actor, subject)).toBe(MAY_ACT_ON[actor].includes(subject));
    },
  );
});

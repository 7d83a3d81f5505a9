import { describe, expect, it } from "vitest";
import { decideEditMember, decideRemoveMember, decideSetPermission } from "../../src/core/decide.js";
import { fixtureState } from "./decide-fixtures.js";

const LAST_OWNER = expect.objectContaining({ code: "LAST_OWNER" });

describe("pure decisions", () => {
  it("rule 5: demoting or removing the only active owner is LAST_OWNER", () => {
    // The count comes from the same snapshot as the actor; should they ever disagree, the rule still holds.
    const lonely = fixtureState({ activeOwnerCount: 1 });
    expect(() => decideEditMember(lonely, "o2@x.test", { role: "admin" })).toThrow(LAST_OWNER);
    expect(() => decideRemoveMember(lonely, "o2@x.test")).toThrow(LAST_OWNER);
    expect(decideEditMember(fixtureState(), "o2@x.test", { role: "admin" }).changes).toHaveLength(1);
  });

  it("a decision says exactly what to write and what to audit", () => {
    const decision = decideEditMember(fixtureState(), "o2@x.test", { role: "teammate" });
    expect(decision.changes).toEqual([
      { kind: "updateMember", memberId: "m-o2", patch: { role: "teammate" } },
    ]);
    expect(decision.audit).toEqual([
      {
        action: "member.role_changed",
        target: "o2@x.test",
        before: { role: "owner" },
        after: { role: "teammate" },
      },
    ]);
  });

  it("an edit that changes nothing writes nothing", () => {
    const decision = decideEditMember(fixtureState(), "o2@x.test", { name: "Second Owner" });
    expect(decision.changes).toEqual([]);
    expect(decision.result.changed).toBe(false);
  });

  it("a toggle to what the role already has writes nothing", () => {
    const decision = decideSetPermission(fixtureState(), {
      role: "admin",
      permission: "billing",
      allowed: true,
    });
    expect(decision.changes).toEqual([]);
  });
});

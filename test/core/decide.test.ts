import { describe, expect, it } from "vitest";
import {
  decideEditMember,
  decideRemoveMember,
  decideSetMatrix,
  decideSetPermission,
} from "../../src/core/decide.js";
import { fixtureMember, fixtureState } from "./decide-fixtures.js";

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
        target: { type: "member", email: "o2@x.test" },
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

  it("an edit's result says which fields changed, before → after, and names the member", () => {
    const { result } = decideEditMember(fixtureState(), "o2@x.test", {
      name: "Olive",
      phone: "+447700900123",
      role: "owner", // unchanged: not reported
    });
    expect(result).toMatchObject({
      kind: "member.edited",
      member: { email: "o2@x.test", name: "Olive", role: "owner" },
      fields: {
        name: { before: "Second Owner", after: "Olive" },
        phone: { before: null, after: "+447700900123" },
      },
    });
    expect(result).not.toHaveProperty("fields.role");
  });

  it("a Save of the permission columns returns each cell it turned on or off", () => {
    const { result } = decideSetMatrix(fixtureState(), {
      admin: [
        "team_settings",
        "export_users",
        "add_users",
        "bulk_tag_users",
        "billing",
        "api_key",
        "whatsapp_setup",
      ],
      teammate: ["add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"],
    });
    expect(result).toHaveProperty("cells", [
      { role: "admin", permission: "team_settings", allowed: true },
      { role: "teammate", permission: "export_users", allowed: false },
    ]);
  });

  it("a removal says whether the member had joined: removing the invited cancels an invite", () => {
    const invited = { ...fixtureMember("m-i", "i@x.test", "teammate"), status: "invited" as const };
    expect(decideRemoveMember(fixtureState({ target: invited }), "i@x.test").result).toHaveProperty(
      "member.status",
      "invited",
    );
    expect(decideRemoveMember(fixtureState(), "o2@x.test").result).toHaveProperty("member.status", "active");
  });
});

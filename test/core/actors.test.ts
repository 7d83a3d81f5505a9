import { describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import { grantAll, openCore, outcome, seedTeam } from "../helpers/team.js";

const setup = () => {
  const wired = openCore();
  const seeded = seedTeam(wired.core, [
    { email: "o2@acme.test", role: "owner" },
    { email: "admin@acme.test", role: "admin" },
    { email: "tm@acme.test", role: "teammate" },
    { email: "invited@acme.test", role: "admin", status: "invited" },
    { email: "gone@acme.test", role: "owner", status: "removed" },
  ]);
  return { ...wired, seeded };
};

describe("rule 4: nobody changes their own role or removes themselves", () => {
  it.each([
    ["owner demoting themselves", "owner@acme.test", "role"],
    ["owner removing themselves", "owner@acme.test", "remove"],
    ["admin with team_settings promoting themselves", "admin@acme.test", "role"],
    ["admin with team_settings removing themselves", "admin@acme.test", "remove"],
  ])("%s → OWN_ROLE", (_label, email, verb) => {
    const { core, seeded } = setup();
    grantAll(core, seeded, ["team_settings"]);
    const ctx = seeded.as(email);
    const got = outcome(() =>
      verb === "role"
        ? core.changeRole(ctx, { email }, email.startsWith("owner") ? "admin" : "owner")
        : core.removeMember(ctx, { email }),
    );
    expect(got).toBe("OWN_ROLE");
    expect(core.whoami(ctx).role).toBe(email.startsWith("owner") ? "owner" : "admin");
  });

  it("members may still edit their own name and phone", () => {
    const { core, seeded } = setup();
    const ctx = seeded.as("owner@acme.test");
    core.editMember(ctx, { email: "owner@acme.test" }, { name: "Olivia", phone: "+447700900123" });
    expect(core.whoami(ctx).name).toBe("Olivia");
  });
});

describe("rule 6: only active members act", () => {
  it.each([
    ["an invited member", "invited@acme.test", "NOT_ACTIVE"],
    ["a removed member (even a former owner)", "gone@acme.test", "NOT_A_MEMBER"],
    ["somebody unknown", "stranger@elsewhere.test", "NOT_A_MEMBER"],
  ])("%s is refused with %s for reads and changes", (_label, email, code) => {
    const { core, seeded } = setup();
    const ctx = seeded.as(email);
    expect(outcome(() => ({ changed: !!core.whoami(ctx) }))).toBe(code);
    expect(outcome(() => ({ changed: !!core.listMembers(ctx) }))).toBe(code);
    expect(outcome(() => core.changeRole(ctx, { email: "tm@acme.test" }, "admin"))).toBe(code);
    expect(outcome(() => core.addMember(ctx, { email: "x@acme.test" }))).toBe(code);
  });
});

describe("rule 1: who sees what", () => {
  it("every active member sees their own role and permissions", () => {
    const { core, seeded } = setup();
    const me = core.whoami(seeded.as("tm@acme.test"));
    expect(me).toMatchObject({ email: "tm@acme.test", role: "teammate", status: "active" });
    expect(me.permissions).toEqual([
      "export_users",
      "add_users",
      "bulk_tag_users",
      "billing",
      "api_key",
      "whatsapp_setup",
    ]);
  });

  it("the team list needs team_settings", () => {
    const { core, seeded } = setup();
    expect(outcome(() => ({ changed: !!core.listMembers(seeded.as("admin@acme.test")) }))).toBe("FORBIDDEN");
    const list = core.listMembers(seeded.as("owner@acme.test")).members.map((m) => m.email);
    expect(list).toContain("invited@acme.test");
    expect(list).not.toContain("gone@acme.test");
  });

  it("the whole matrix needs access_permissions; others see their own column", () => {
    const { core, seeded } = setup();
    const mine = core.permissions(seeded.as("admin@acme.test"));
    expect(mine.full).toBe(false);
    expect(Object.keys(mine.matrix)).toEqual(["admin"]);
    const all = core.permissions(seeded.as("owner@acme.test"));
    expect(all.full).toBe(true);
    expect(all.matrix.owner).toEqual([...PERMISSION_KEYS]);
    expect(all.matrix.admin).not.toContain("team_settings");
    expect(all.editableRoles).toEqual(["admin", "teammate"]);
  });

  it("the audit log needs team_settings", () => {
    const { core, seeded } = setup();
    expect(outcome(() => ({ changed: !!core.auditLog(seeded.as("tm@acme.test"), 5) }))).toBe("FORBIDDEN");
    expect(core.auditLog(seeded.as("owner@acme.test"), 5)).toHaveLength(5);
  });
});

describe("settings are for Owners", () => {
  it("an admin holding every permission still cannot set the approvals channel", () => {
    const { core, seeded } = setup();
    grantAll(core, seeded, [...PERMISSION_KEYS]);
    expect(outcome(() => core.setApprovalsChannel(seeded.as("admin@acme.test"), "C0APPROVE"))).toBe(
      "FORBIDDEN",
    );
    expect(outcome(() => core.setApprovalsChannel(seeded.as("owner@acme.test"), "C0APPROVE"))).toBe("ok");
    expect(core.settings(seeded.as("tm@acme.test")).approvalsChannel).toBe("C0APPROVE");
  });
});

describe("members and invites", () => {
  it("an email is one member, compared without case; a removed email may be invited again", () => {
    const { core, seeded } = setup();
    const owner = seeded.as("owner@acme.test");
    expect(outcome(() => core.addMember(owner, { email: "  TM@Acme.TEST " }))).toBe("ALREADY_MEMBER");
    expect(outcome(() => core.addMember(owner, { email: "Invited@acme.test" }))).toBe("ALREADY_MEMBER");
    expect(outcome(() => core.addMember(owner, { email: "gone@acme.test", role: "admin" }))).toBe("ok");
    const again = core.listMembers(owner).members.find((m) => m.email === "gone@acme.test");
    expect(again).toMatchObject({ status: "invited", role: "admin", invite: { state: "pending" } });
  });

  it("a removed member is no longer found for changes", () => {
    const { core, seeded } = setup();
    expect(
      outcome(() => core.changeRole(seeded.as("owner@acme.test"), { email: "gone@acme.test" }, "admin")),
    ).toBe("NO_SUCH_MEMBER");
  });

  it("revoking an invite removes the invited member; activating one makes them active", () => {
    const { core, seeded } = setup();
    const owner = seeded.as("owner@acme.test");
    core.addMember(owner, { email: "new@acme.test" });
    core.revokeInvite(owner, { email: "invited@acme.test" });
    core.activate(seeded.accountId, "new@acme.test");
    const byEmail = new Map(
      core.listMembers(owner, { includeRemoved: true }).members.map((m) => [m.email, m.status]),
    );
    expect(byEmail.get("invited@acme.test")).toBe("removed");
    expect(byEmail.get("new@acme.test")).toBe("active");
    expect(outcome(() => core.resendInvite(owner, { email: "new@acme.test" }))).toBe("INVALID_INPUT");
  });
});

import { describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import { listMembers, removeMember, revokeInvite, setApprovalsChannel } from "../helpers/core.js";
import { grantAll, openCore, outcome, seedTeam } from "../helpers/team.js";

const setup = async () => {
  const wired = await openCore();
  const seeded = await seedTeam(wired.core, [
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
  ])("%s → OWN_ROLE", async (_label, email, verb) => {
    const { core, seeded } = await setup();
    await grantAll(core, seeded, ["team_settings"]);
    const ctx = seeded.as(email);
    const got = await outcome(async () =>
      verb === "role"
        ? await core.changeRole(ctx, { email }, email.startsWith("owner") ? "admin" : "owner")
        : await removeMember(core, ctx, { email }),
    );
    expect(got).toBe("OWN_ROLE");
    expect((await core.whoami(ctx)).role).toBe(email.startsWith("owner") ? "owner" : "admin");
  });

  it("members may still edit their own name and phone", async () => {
    const { core, seeded } = await setup();
    const ctx = seeded.as("owner@acme.test");
    await core.editMember(ctx, { email: "owner@acme.test" }, { name: "Olivia", phone: "+447700900123" });
    expect((await core.whoami(ctx)).name).toBe("Olivia");
  });
});

describe("rule 6: only active members act", () => {
  it.each([
    ["an invited member", "invited@acme.test", "NOT_ACTIVE"],
    ["a removed member (even a former owner)", "gone@acme.test", "NOT_A_MEMBER"],
    ["somebody unknown", "stranger@elsewhere.test", "NOT_A_MEMBER"],
  ])("%s is refused with %s for reads and changes", async (_label, email, code) => {
    const { core, seeded } = await setup();
    const ctx = seeded.as(email);
    expect(await outcome(async () => ({ changed: !!(await core.whoami(ctx)) }))).toBe(code);
    expect(await outcome(async () => ({ changed: !!(await listMembers(core, ctx)) }))).toBe(code);
    expect(await outcome(() => core.changeRole(ctx, { email: "tm@acme.test" }, "admin"))).toBe(code);
    expect(await outcome(() => core.addMember(ctx, { email: "x@acme.test" }))).toBe(code);
  });
});

describe("rule 1: who sees what", () => {
  it("every active member sees their own role and permissions", async () => {
    const { core, seeded } = await setup();
    const me = await core.whoami(seeded.as("tm@acme.test"));
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

  it("the team list needs team_settings", async () => {
    const { core, seeded } = await setup();
    expect(
      await outcome(async () => ({ changed: !!(await listMembers(core, seeded.as("admin@acme.test"))) })),
    ).toBe("FORBIDDEN");
    const list = (await listMembers(core, seeded.as("owner@acme.test"))).members.map((m) => m.email);
    expect(list).toContain("invited@acme.test");
    expect(list).not.toContain("gone@acme.test");
  });

  it("the whole matrix needs access_permissions; others see their own column", async () => {
    const { core, seeded } = await setup();
    const mine = await core.permissions(seeded.as("admin@acme.test"));
    expect(mine.full).toBe(false);
    expect(Object.keys(mine.matrix)).toEqual(["admin"]);
    const all = await core.permissions(seeded.as("owner@acme.test"));
    expect(all.full).toBe(true);
    expect(all.matrix.owner).toEqual([...PERMISSION_KEYS]);
    expect(all.matrix.admin).not.toContain("team_settings");
    expect(all.editableRoles).toEqual(["admin", "teammate"]);
  });

  it("the audit log needs team_settings", async () => {
    const { core, seeded } = await setup();
    expect(
      await outcome(async () => ({ changed: !!(await core.auditLog(seeded.as("tm@acme.test"), 5)) })),
    ).toBe("FORBIDDEN");
    expect(await core.auditLog(seeded.as("owner@acme.test"), 5)).toHaveLength(5);
  });
});

describe("settings are for Owners", () => {
  it("an admin holding every permission still cannot set the approvals channel", async () => {
    const { core, seeded } = await setup();
    await grantAll(core, seeded, [...PERMISSION_KEYS]);
    expect(await outcome(() => setApprovalsChannel(core, seeded.as("admin@acme.test"), "C0APPROVE"))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(() => setApprovalsChannel(core, seeded.as("owner@acme.test"), "C0APPROVE"))).toBe(
      "ok",
    );
    expect((await core.settings(seeded.as("tm@acme.test"))).approvalsChannel).toBe("C0APPROVE");
  });
});

describe("members and invites", () => {
  it("an email is one member, compared without case; a removed email may be invited again", async () => {
    const { core, seeded } = await setup();
    const owner = seeded.as("owner@acme.test");
    expect(await outcome(() => core.addMember(owner, { email: "  TM@Acme.TEST " }))).toBe("ALREADY_MEMBER");
    expect(await outcome(() => core.addMember(owner, { email: "Invited@acme.test" }))).toBe("ALREADY_MEMBER");
    expect(await outcome(() => core.addMember(owner, { email: "gone@acme.test", role: "admin" }))).toBe("ok");
    const again = (await listMembers(core, owner)).members.find((m) => m.email === "gone@acme.test");
    expect(again).toMatchObject({ status: "invited", role: "admin", invite: { state: "pending" } });
  });

  it("a removed member is no longer found for changes", async () => {
    const { core, seeded } = await setup();
    expect(
      await outcome(() =>
        core.changeRole(seeded.as("owner@acme.test"), { email: "gone@acme.test" }, "admin"),
      ),
    ).toBe("NO_SUCH_MEMBER");
  });

  it("revoking an invite removes the invited member; activating one makes them active", async () => {
    const { core, seeded } = await setup();
    const owner = seeded.as("owner@acme.test");
    await core.addMember(owner, { email: "new@acme.test" });
    await revokeInvite(core, owner, { email: "invited@acme.test" });
    await core.activate(seeded.accountId, "new@acme.test");
    const byEmail = new Map(
      (await listMembers(core, owner, { includeRemoved: true })).members.map((m) => [m.email, m.status]),
    );
    expect(byEmail.get("invited@acme.test")).toBe("removed");
    expect(byEmail.get("new@acme.test")).toBe("active");
    expect(await outcome(() => core.resendInvite(owner, { email: "new@acme.test" }))).toBe("INVALID_INPUT");
  });
});

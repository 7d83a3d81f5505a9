import { describe, expect, it } from "vitest";
import type { Action } from "../../src/core/authz.js";
import type { PermissionKey } from "../../src/core/permissions.js";
import type { Role } from "../../src/core/roles.js";
import { revokeInvite, setPermission } from "../helpers/core.js";
import { testTeam } from "../helpers/team.js";

/**
 * The team dashboard (App Home, `/team list`, help) as a viewer sees it: which kinds of action the
 * help and menus offer them at all, the team page's counts under each filter as the team changes,
 * the menu of one member, an invited person's own invite, and the version that tells a Home to redraw.
 */

const MEMBERS = [
  { email: "ann@acme.test", role: "admin" as const },
  { email: "tom@acme.test", role: "teammate" as const },
  { email: "tia@acme.test", role: "teammate" as const },
  { email: "ivy@acme.test", role: "teammate" as const, status: "invited" as const },
  { email: "ian@acme.test", role: "admin" as const, status: "invited" as const },
  { email: "rex@acme.test", role: "teammate" as const, status: "removed" as const },
];
const EMAIL: Record<Role, string> = {
  owner: "owner@acme.test",
  admin: "ann@acme.test",
  teammate: "tom@acme.test",
};

type Team = Awaited<ReturnType<typeof testTeam>>;
const give = async (t: Team, role: Role, permissions: PermissionKey[]) => {
  for (const permission of permissions)
    if (role !== "owner") await setPermission(t.core, t.owner, { role, permission, allowed: true });
};

// role × extra permissions × action → offered by the help and menus.
const OFFERED: [Role, PermissionKey[], Action, boolean][] = [
  ["owner", [], "team.view", true],
  ["owner", [], "member.change_role", true],
  ["owner", [], "permission.change", true],
  ["owner", [], "settings.change", true],
  ["owner", [], "grant.start", true],
  ["admin", [], "team.view", false],
  ["admin", [], "member.add", false],
  ["admin", [], "apikey.rotate", true],
  ["admin", [], "settings.change", false],
  ["admin", [], "grant.start", false],
  ["admin", ["team_settings"], "team.view", true],
  ["admin", ["team_settings"], "member.add", true],
  ["admin", ["team_settings"], "member.remove", true],
  // An Admin may hand out only Teammate, which changes no Teammate's role.
  ["admin", ["team_settings"], "member.change_role", false],
  ["admin", ["team_settings"], "permission.change", false],
  ["admin", ["access_permissions"], "permission.change", true],
  ["admin", ["access_permissions"], "matrix.view_all", true],
  ["teammate", [], "team.view", false],
  ["teammate", ["team_settings"], "team.view", true],
  ["teammate", ["team_settings"], "member.change_role", false],
  // A Teammate with Access Permissions sees the matrix, but has no role below theirs to change.
  ["teammate", ["access_permissions"], "matrix.view_all", true],
  ["teammate", ["access_permissions"], "permission.change", false],
];

describe("what the help and menus offer a viewer at all", () => {
  it.each(OFFERED)("%s holding %j: %s offered %s", async (role, extra, action, offered) => {
    const t = await testTeam(MEMBERS);
    await give(t, role, extra);
    const allowed = await t.core.dashboard.allowed(t.seeded.as(EMAIL[role]));
    expect(allowed.includes(action)).toBe(offered);
  });

  it("an Owner is offered every action there is, in the order of the rule table", async () => {
    const t = await testTeam(MEMBERS);
    const allowed = await t.core.dashboard.allowed(t.owner);
    expect(allowed).toContain("team.view");
    expect(allowed.indexOf("team.view")).toBeLessThan(allowed.indexOf("grants.view_all"));
  });

  it("someone who is not an active member is offered nothing", async () => {
    const t = await testTeam(MEMBERS);
    await expect(t.core.dashboard.allowed(t.seeded.as("ivy@acme.test"))).rejects.toMatchObject({
      code: "NOT_ACTIVE",
    });
  });
});

describe("the team page's counts", () => {
  it("each filter has its own count of matching members; the total is the whole team", async () => {
    const t = await testTeam(MEMBERS);
    const page = { offset: 0, limit: 1 };
    const seen = async (filter: Parameters<Team["core"]["dashboard"]["teamPage"]>[1]) => {
      const p = await t.core.dashboard.teamPage(t.owner, filter, page);
      return [p.rows.length, p.matching, p.total];
    };
    expect(await seen({})).toEqual([1, 6, 6]);
    expect(await seen({ role: "admin" })).toEqual([1, 2, 6]);
    expect(await seen({ role: "teammate" })).toEqual([1, 3, 6]);
    expect(await seen({ status: "invited" })).toEqual([1, 2, 6]);
    expect(await seen({ role: "teammate", status: "active" })).toEqual([1, 2, 6]);
    expect(await seen({ includeRemoved: true })).toEqual([1, 7, 6]);
    // Asked again after a change, each count is the team as it is now.
    await t.core.addMember(t.owner, { email: "new@acme.test", role: "teammate" });
    expect(await seen({ role: "teammate" })).toEqual([1, 4, 7]);
    expect(await seen({ status: "invited" })).toEqual([1, 3, 7]);
  });

  it("a later page says where it starts; without paging, every matching row and offset 0", async () => {
    const t = await testTeam(MEMBERS);
    const second = await t.core.dashboard.teamPage(t.owner, {}, { offset: 4, limit: 4 });
    expect({ rows: second.rows.length, offset: second.offset, matching: second.matching }).toEqual({
      rows: 2,
      offset: 4,
      matching: 6,
    });
    const whole = await t.core.dashboard.teamPage(t.owner, { role: "admin" });
    expect(whole.rows.map((r) => r.member.email).sort()).toEqual(["ann@acme.test", "ian@acme.test"]);
    expect({ matching: whole.matching, total: whole.total, offset: whole.offset }).toEqual({
      matching: 2,
      total: 6,
      offset: 0,
    });
  });

  it("each row shows the member as the team sees them, invite state included", async () => {
    const t = await testTeam(MEMBERS);
    const rows = (await t.core.dashboard.teamPage(t.owner, { status: "invited" })).rows;
    expect(rows.find((r) => r.member.email === "ivy@acme.test")?.member).toMatchObject({
      role: "teammate",
      status: "invited",
      invite: { state: "pending", mail: "queued" },
    });
  });
});

describe("one member's menu", () => {
  it("needs Team Settings, as the team page does", async () => {
    const t = await testTeam(MEMBERS);
    await expect(
      t.core.dashboard.memberChoice(t.seeded.as("tom@acme.test"), { email: "tia@acme.test" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("is nothing for someone not on the team; an invalid reference is refused", async () => {
    const t = await testTeam(MEMBERS);
    expect(await t.core.dashboard.memberChoice(t.owner, { email: "nobody@acme.test" })).toBeNull();
    expect(await t.core.dashboard.memberChoice(t.owner, { email: "rex@acme.test" })).toBeNull();
    await expect(t.core.dashboard.memberChoice(t.owner, { email: "not an email" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("shows the member, what the viewer may do and the roles they may give", async () => {
    const t = await testTeam(MEMBERS);
    expect(await t.core.dashboard.memberChoice(t.owner, { email: "ivy@acme.test" })).toMatchObject({
      member: { email: "ivy@acme.test", status: "invited", role: "teammate" },
      actions: ["edit", "role", "resend", "revoke"],
      roles: ["owner", "admin"],
    });
  });
});

describe("an invited person's own invite", () => {
  it("follows a resend: the new invite's send time and expiry", async () => {
    const t = await testTeam(MEMBERS);
    t.clock.advanceHours(2);
    await t.core.resendInvite(t.owner, { email: "ivy@acme.test" });
    expect(await t.core.dashboard.invitation(t.seeded.as("ivy@acme.test"))).toMatchObject({
      accountName: "Acme",
      role: "teammate",
      inviter: { email: "owner@acme.test", name: null, slackUserId: null },
      sentAt: "2026-01-01T02:00:00.000Z",
      expiresAt: "2026-01-08T02:00:00.000Z",
      state: "pending",
      mail: "queued",
    });
  });

  it("is gone once the invite is cancelled, or accepted", async () => {
    const t = await testTeam(MEMBERS);
    await revokeInvite(t.core, t.owner, { email: "ivy@acme.test" });
    expect(await t.core.dashboard.invitation(t.seeded.as("ivy@acme.test"))).toBeNull();
    await t.core.activate(t.seeded.accountId, "ian@acme.test");
    expect(await t.core.dashboard.invitation(t.seeded.as("ian@acme.test"))).toBeNull();
  });
});

describe("the account's version", () => {
  it("moves with every change, not with one that changes nothing; an unknown account is refused", async () => {
    const t = await testTeam(MEMBERS);
    const { accountId } = t.seeded;
    const v0 = await t.core.dashboard.version(accountId);
    await t.core.addMember(t.owner, { email: "new@acme.test", role: "teammate" });
    const v1 = await t.core.dashboard.version(accountId);
    expect(v1).toBeGreaterThan(v0);
    await t.core.changeRole(t.owner, { email: "tom@acme.test" }, "teammate");
    expect(await t.core.dashboard.version(accountId)).toBe(v1);
    await expect(t.core.dashboard.version("acc_nope")).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

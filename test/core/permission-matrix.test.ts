import { afterEach, describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import { setPermission } from "../helpers/core.js";
import { closeTeams, codeOf, OWNER, team } from "../helpers/core-team.js";

/** PRODUCT §1 and rule 3: the permission matrix — its defaults, saving its columns, and the audit of each cell. */

afterEach(closeTeams);

describe("the Permissions form: saving columns", () => {
  it("saving one role's column leaves the other role's column as it was", async () => {
    const { core, owner } = await team();
    const saved = await core.setPermissions(owner, { admin: ["billing", "team_settings"] });
    expect(saved).toMatchObject({ changed: true, kind: "permissions.changed" });
    expect(saved).toHaveProperty("cells.length", 6);
    const { matrix } = await core.permissions(owner);
    expect(matrix.admin).toEqual(["team_settings", "billing"]);
    expect(matrix.teammate).toEqual([
      "export_users",
      "add_users",
      "bulk_tag_users",
      "billing",
      "api_key",
      "whatsapp_setup",
    ]);
  });

  it("an empty column takes every permission from that role", async () => {
    const { core, owner } = await team();
    await core.setPermissions(owner, { teammate: [] });
    expect((await core.permissions(owner)).matrix.teammate).toEqual([]);
    expect((await core.permissions(owner)).matrix.admin).toHaveLength(6);
  });

  it("saving the matrix as it is changes nothing and audits nothing", async () => {
    const { core, owner, seeded } = await team();
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    const { matrix } = await core.permissions(owner);
    expect(
      await core.setPermissions(owner, { admin: matrix.admin ?? [], teammate: matrix.teammate ?? [] }),
    ).toMatchObject({
      changed: false,
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("each toggled cell is audited with what it was before", async () => {
    const { core, owner, seeded } = await team();
    await core.setPermissions(owner, {
      admin: ["team_settings", "export_users", "add_users", "bulk_tag_users", "billing", "api_key"],
    });
    const entries = (await core.fullAuditLog(seeded.accountId)).slice(-2);
    expect(entries.map(({ action, target, before, after }) => ({ action, target, before, after }))).toEqual([
      {
        action: "permission.granted",
        target: { type: "role", role: "admin" },
        before: { team_settings: false },
        after: { team_settings: true },
      },
      {
        action: "permission.revoked",
        target: { type: "role", role: "admin" },
        before: { whatsapp_setup: true },
        after: { whatsapp_setup: false },
      },
    ]);
  });

  it("the owner column cannot be saved, and an Admin cannot save the Admin column", async () => {
    const { core, owner, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(await codeOf(() => core.setPermissions(owner, { owner: [] }))).toBe("FORBIDDEN");
    await setPermission(core, owner, { role: "admin", permission: "access_permissions", allowed: true });
    const admin = seeded.as("admin@acme.test");
    expect(await codeOf(() => core.setPermissions(admin, { admin: [] }))).toBe("RANK_TOO_LOW");
    expect(await codeOf(() => core.setPermissions(admin, { teammate: ["billing"] }))).toBe("ok");
    expect((await core.permissions(owner)).matrix.admin).toContain("access_permissions");
  });

  it("saving the form needs Access Permissions", async () => {
    const { core, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(await codeOf(() => core.setPermissions(seeded.as("admin@acme.test"), { teammate: [] }))).toBe(
      "FORBIDDEN",
    );
  });
});

describe("the audit of a permission change", () => {
  it("records the cell as it was before and as it is after, for a grant and for a revoke", async () => {
    const { core, owner, seeded } = await team();
    expect(
      await setPermission(core, owner, { role: "admin", permission: "team_settings", allowed: true }),
    ).toMatchObject({
      changed: true,
      kind: "permissions.changed",
      cells: [{ role: "admin", permission: "team_settings", allowed: true }],
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: OWNER,
      action: "permission.granted",
      target: { type: "role", role: "admin" },
      before: { team_settings: false },
      after: { team_settings: true },
    });
    expect(
      await setPermission(core, owner, { role: "teammate", permission: "billing", allowed: false }),
    ).toMatchObject({
      kind: "permissions.changed",
      cells: [{ role: "teammate", permission: "billing", allowed: false }],
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "permission.revoked",
      target: { type: "role", role: "teammate" },
      before: { billing: true },
      after: { billing: false },
    });
  });

  it("a toggle to what the role already has says so and audits nothing", async () => {
    const { core, owner, seeded } = await team();
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    expect(
      await setPermission(core, owner, { role: "admin", permission: "team_settings", allowed: false }),
    ).toMatchObject({
      changed: false,
      why: { of: "permission", role: "admin", permission: "team_settings", allowed: false },
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });
});

describe("the default matrix is exactly PRODUCT §1's table", () => {
  it("a new account's Admins and Teammates hold everything but Team Settings and Access Permissions", async () => {
    const { core, owner } = await team();
    const everyday = ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"];
    expect((await core.permissions(owner)).matrix).toEqual({
      owner: [...PERMISSION_KEYS],
      admin: everyday,
      teammate: everyday,
    });
    expect(PERMISSION_KEYS).toEqual(["team_settings", "access_permissions", ...everyday]);
  });

  it("the authorization check follows the defaults for every permission and role", async () => {
    const { core, seeded } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    for (const permission of PERMISSION_KEYS) {
      const everyday = permission !== "team_settings" && permission !== "access_permissions";
      expect(await core.access.can(seeded.accountId, OWNER, permission)).toBe(true);
      expect(await core.access.can(seeded.accountId, "admin@acme.test", permission)).toBe(everyday);
      expect(await core.access.can(seeded.accountId, "tm@acme.test", permission)).toBe(everyday);
    }
  });
});

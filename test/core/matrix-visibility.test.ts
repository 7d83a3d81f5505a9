import { describe, expect, it } from "vitest";
import { setPermission } from "../helpers/core.js";
import { testTeam } from "../helpers/team.js";

/** PRODUCT rules 1 and 3: who sees which columns of the permission matrix, and which they may edit. */

const EVERYDAY = ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"];

const team = testTeam;

describe("rule 1 and rule 3: who sees which columns of the matrix, and which they may edit", () => {
  it("an Admin holding Access Permissions sees every column and may edit the Teammate column only", async () => {
    const { core, owner, seeded } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    await setPermission(core, owner, { role: "admin", permission: "access_permissions", allowed: true });
    await setPermission(core, owner, { role: "teammate", permission: "access_permissions", allowed: true });
    expect(await core.permissions(seeded.as("admin@acme.test"))).toMatchObject({
      full: true,
      editableRoles: ["teammate"],
    });
    const tm = await core.permissions(seeded.as("tm@acme.test"));
    expect(tm).toMatchObject({ full: true, editableRoles: [] });
    expect(Object.keys(tm.matrix)).toEqual(["owner", "admin", "teammate"]);
  });

  it("a Teammate without it sees only their own column", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect(await core.permissions(seeded.as("tm@acme.test"))).toEqual({
      matrix: { teammate: EVERYDAY },
      full: false,
      editableRoles: [],
    });
  });
});

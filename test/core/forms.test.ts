import { describe, expect, it } from "vitest";
import { setPermission } from "../helpers/core.js";
import { outcome, testTeam } from "../helpers/team.js";

/** PRODUCT rule 2: what the Add and Edit forms offer each member. */

const OWNER = "owner@acme.test";

const team = testTeam;

describe("rule 2: what the Add and Edit forms offer", () => {
  it("an Owner may hand out every role; an Admin with Team Settings only Teammate", async () => {
    const { core, owner, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(await core.prepareMemberForm(owner)).toEqual({
      assignableRoles: ["owner", "admin", "teammate"],
      member: null,
      self: false,
    });
    await setPermission(core, owner, { role: "admin", permission: "team_settings", allowed: true });
    expect((await core.prepareMemberForm(seeded.as("admin@acme.test"))).assignableRoles).toEqual([
      "teammate",
    ]);
  });

  it("the Edit form shows the member, says when it is yourself, and follows the hierarchy", async () => {
    const { core, owner, seeded } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    await setPermission(core, owner, { role: "admin", permission: "team_settings", allowed: true });
    const admin = seeded.as("admin@acme.test");
    expect(await core.prepareMemberForm(admin, { email: "admin@acme.test" })).toMatchObject({
      self: true,
      member: { email: "admin@acme.test", role: "admin" },
    });
    expect(await core.prepareMemberForm(admin, { email: "tm@acme.test" })).toMatchObject({
      self: false,
      member: { email: "tm@acme.test" },
    });
    expect(
      await outcome(async () => ({ changed: !!(await core.prepareMemberForm(admin, { email: OWNER })) })),
    ).toBe("RANK_TOO_LOW");
    expect(
      await outcome(async () => ({
        changed: !!(await core.prepareMemberForm(admin, { email: "nobody@acme.test" })),
      })),
    ).toBe("NO_SUCH_MEMBER");
  });

  it("the forms need Team Settings", async () => {
    const { core, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(
      await outcome(async () => ({
        changed: !!(await core.prepareMemberForm(seeded.as("admin@acme.test"))),
      })),
    ).toBe("FORBIDDEN");
  });
});

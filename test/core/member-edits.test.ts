import { afterEach, describe, expect, it } from "vitest";
import { listMembers, setPermission } from "../helpers/core.js";
import { closeTeams, OWNER, team } from "../helpers/core-team.js";
import { outcome } from "../helpers/team.js";

/** PRODUCT rules 2 and 4: editing a member's name, phone and role, your own included, and how an edit is audited. */

afterEach(closeTeams);

describe("rule 4 and rule 2: editing your own name and phone", () => {
  it("an Admin with Team Settings may edit their own name and phone", async () => {
    const { core, owner, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    await setPermission(core, owner, { role: "admin", permission: "team_settings", allowed: true });
    const me = seeded.as("admin@acme.test");
    expect(await core.editMember(me, { email: "admin@acme.test" }, { name: "Ada Lovelace" })).toMatchObject({
      changed: true,
      kind: "member.edited",
    });
    expect(
      await outcome(() => core.editMember(me, { email: "admin@acme.test" }, { phone: "+447700900123" })),
    ).toBe("ok");
    const view = (await listMembers(core, owner)).members.find((m) => m.email === "admin@acme.test");
    expect(view).toMatchObject({ name: "Ada Lovelace", phone: "+447700900123", role: "admin" });
  });

  it("a Teammate with Team Settings may edit their own name, but not another Teammate's", async () => {
    const { core, owner, seeded } = await team([
      { email: "tm@acme.test", role: "teammate" },
      { email: "tm2@acme.test", role: "teammate" },
    ]);
    await setPermission(core, owner, { role: "teammate", permission: "team_settings", allowed: true });
    const me = seeded.as("tm@acme.test");
    expect(await outcome(() => core.editMember(me, { email: "tm@acme.test" }, { name: "Tom" }))).toBe("ok");
    expect(await outcome(() => core.editMember(me, { email: "tm2@acme.test" }, { name: "Tim" }))).toBe(
      "RANK_TOO_LOW",
    );
  });

  it("editing your own name to the same role is not a role change", async () => {
    const { core, owner } = await team();
    const edited = await core.editMember(owner, { email: OWNER }, { name: "Olivia", role: "owner" });
    expect(edited).toMatchObject({ changed: true, kind: "member.edited", member: { role: "owner" } });
    expect(edited).not.toHaveProperty("fields.role");
  });

  it("an edit of name and phone is audited with both fields before and after", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom", phone: "+447700900123" });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "member.edited",
      target: { type: "member", email: "tm@acme.test" },
      before: { name: null, phone: null },
      after: { name: "Tom", phone: "+447700900123" },
    });
    await core.editMember(owner, { email: "tm@acme.test" }, { phone: null });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      before: { phone: "+447700900123" },
      after: { phone: null },
    });
  });

  it("an edit with a name, a phone and a new role writes the edit and the role change separately", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const result = await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom", role: "admin" });
    expect(result).toMatchObject({
      changed: true,
      kind: "member.edited",
      member: { role: "admin" },
      fields: { role: { before: "teammate", after: "admin" } },
    });
    const [edited, roleChanged] = (await core.fullAuditLog(seeded.accountId)).slice(-2);
    expect(edited).toMatchObject({ action: "member.edited", before: { name: null }, after: { name: "Tom" } });
    expect(roleChanged).toMatchObject({
      action: "member.role_changed",
      before: { role: "teammate" },
      after: { role: "admin" },
    });
  });

  it("an edit that asks for what is already so says which fields were asked about", async () => {
    const { core, owner } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect(
      await core.editMember(owner, { email: "tm@acme.test" }, { name: null, role: "teammate" }),
    ).toMatchObject({
      changed: false,
      kind: "unchanged",
      why: { of: "member", asked: ["name", "role"], member: { role: "teammate" } },
    });
    await core.editMember(owner, { email: "tm@acme.test" }, { phone: "+447700900123" });
    expect(await core.editMember(owner, { email: "tm@acme.test" }, { phone: "+447700900123" })).toMatchObject(
      {
        changed: false,
        why: { asked: ["phone"] },
      },
    );
  });
});

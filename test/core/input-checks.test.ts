import { describe, expect, it } from "vitest";
import { refusalJson } from "../../src/words/en/refusals.js";
import { plainDoor } from "../../src/words/format.js";
import { listMembers, setPermission } from "../helpers/core.js";
import { refusalOf } from "../helpers/refusals.js";
import { outcome, testTeam } from "../helpers/team.js";

/** PRODUCT §2: input is checked before anything changes, and a refusal says which field. */

const OWNER = "owner@acme.test";

const team = testTeam;

describe("§2 input is checked before anything changes", () => {
  it.each([
    ["a name with a control character", { name: "Bob\u0007" }, "name"],
    ["a name with a line separator", { name: "Bob\u2028Smith" }, "name"],
    ["a name with a text-direction control", { name: "Bob\u202enimda" }, "name"],
    ["a name with a zero-width space", { name: "Bo\u200bb" }, "name"],
    ["a name of 101 characters", { name: "x".repeat(101) }, "name"],
    ["a phone number not in E.164", { phone: "07700 900123" }, "phone"],
    ["a phone number without its plus", { phone: "447700900123" }, "phone"],
    ["a role that does not exist", { role: "boss" }, "role"],
  ])("%s is INVALID_INPUT on the field", async (_label, input, field) => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    expect(await refusalOf(() => core.editMember(owner, { email: "tm@acme.test" }, input))).toMatchObject({
      code: "INVALID_INPUT",
      field,
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("names of 100 characters and trimmed names, emails and phone numbers are accepted", async () => {
    const { core, owner } = await team();
    await core.addMember(owner, { email: "  New@Acme.TEST ", name: "  Nia  ", phone: " +447700900123 " });
    const view = (await listMembers(core, owner)).members.find((m) => m.email === "new@acme.test");
    expect(view).toMatchObject({ name: "Nia", phone: "+447700900123", role: "teammate" });
    expect(
      await outcome(() => core.editMember(owner, { email: "new@acme.test" }, { name: "y".repeat(100) })),
    ).toBe("ok");
    // An Add form whose optional fields were left empty.
    await core.addMember(owner, { email: "blank@acme.test", name: "", phone: "" });
    expect((await listMembers(core, owner)).members.find((m) => m.email === "blank@acme.test")).toMatchObject(
      {
        name: null,
        phone: null,
      },
    );
    expect(
      await outcome(() => core.editMember(owner, { email: "new@acme.test" }, { name: "", phone: "" })),
    ).toBe("ok");
    expect((await listMembers(core, owner)).members.find((m) => m.email === "new@acme.test")).toMatchObject({
      name: null,
      phone: null,
    });
  });

  it("an email longer than 254 characters or without a domain is refused", async () => {
    const { core, owner } = await team();
    expect(
      await refusalOf(() => core.addMember(owner, { email: `${"a".repeat(250)}@acme.test` })),
    ).toMatchObject({
      code: "INVALID_INPUT",
      field: "email",
      message: "An email address has at most 254 characters.",
    });
    expect((await refusalOf(() => core.addMember(owner, { email: "bob@" }))).field).toBe("email");
  });

  it("permission names are read without case, with dashes for underscores", async () => {
    const { core, owner } = await team();
    expect(
      await setPermission(core, owner, { role: "admin", permission: " Team-Settings ", allowed: true }),
    ).toMatchObject({
      changed: true,
      cells: [{ role: "admin", permission: "team_settings", allowed: true }],
    });
    expect(
      await refusalOf(() =>
        setPermission(core, owner, { role: "admin", permission: "payroll", allowed: true }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT", field: "permission" });
  });

  it("a refusal serialises as its code, message and (when there is one) field", async () => {
    const { core, owner } = await team();
    const withField = (await refusalOf(() => core.addMember(owner, { email: "bob@" }))).error;
    expect(refusalJson(withField, plainDoor)).toEqual({
      code: "INVALID_INPUT",
      message: "That is not a valid email address.",
      field: "email",
    });
    const without = (await refusalOf(() => core.addMember(owner, { email: OWNER }))).error;
    expect(JSON.parse(JSON.stringify({ error: refusalJson(without, plainDoor) })).error).toEqual({
      code: "ALREADY_MEMBER",
      message: `${OWNER} is already a member of this team. Change their role or details instead.`,
    });
  });

  it("a member named by an unknown Slack user or a malformed reference is refused", async () => {
    const { core, seeded } = await team();
    expect(
      (
        await refusalOf(() =>
          core.whoami({ accountId: seeded.accountId, actor: { slackUserId: "U0NOBODY" }, source: "slack" }),
        )
      ).code,
    ).toBe("NOT_A_MEMBER");
    expect(
      await refusalOf(() =>
        core.whoami({ accountId: seeded.accountId, actor: { slackUserId: "bad" }, source: "slack" }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT", field: "slackUserId" });
  });

  it("an account that does not exist is refused", async () => {
    const { core } = await team();
    expect(
      (
        await refusalOf(() =>
          core.addMember(
            { accountId: "nope", actor: { email: OWNER }, source: "cli" },
            { email: "x@acme.test" },
          ),
        )
      ).code,
    ).toBe("INVALID_INPUT");
  });
});

import { describe, expect, it } from "vitest";
import { removeMember, revokeInvite, setApprovalsChannel, setPermission } from "../helpers/core.js";
import { testTeam } from "../helpers/team.js";

/** PRODUCT §7: what --json answers for each change, applied or already so. */

const team = testTeam;

describe("§7 --json: every change answers { ok: true, changed, … }, applied or already so", () => {
  it("members, invites, permissions, settings, keys: each answer says ok", async () => {
    const { core, owner, seeded } = await team([
      { email: "tm@acme.test", role: "teammate" },
      { email: "inv@acme.test", role: "teammate", status: "invited" },
      { email: "inv2@acme.test", role: "teammate", status: "invited" },
      { email: "inv3@acme.test", role: "teammate", status: "invited" },
    ]);
    const id = seeded.accountId;
    const answers = [
      await core.editMember(owner, { email: "tm@acme.test" }, { name: null }),
      await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom" }),
      await core.changeRole(owner, { email: "tm@acme.test" }, "admin"),
      await core.resendInvite(owner, { email: "inv@acme.test" }),
      await revokeInvite(core, owner, { email: "inv@acme.test" }),
      await setPermission(core, owner, { role: "admin", permission: "billing", allowed: true }),
      await setPermission(core, owner, { role: "admin", permission: "billing", allowed: false }),
      await core.setPermissions(owner, { admin: [] }),
      await core.setPermissions(owner, { admin: [] }),
      await setApprovalsChannel(core, owner, "C0APPROVE"),
      await setApprovalsChannel(core, owner, "C0APPROVE"),
      await core.activate(id, "inv2@acme.test"),
      await core.linkSlackUser(id, "tm@acme.test", "U0TM"),
      await core.linkSlackUser(id, "tm@acme.test", "U0TM"),
      await removeMember(core, owner, { email: "tm@acme.test" }),
      await core.rotateApiKey(owner, 1),
    ];
    for (const answer of answers) expect(answer.ok).toBe(true);
    expect(answers.map((a) => a.changed)).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it("a repeated Rotate click answers ok, already rotated, with the key now in use", async () => {
    const { core, owner } = await team();
    const from = (await core.apiKeyInfo(owner)).prefix;
    const first = await core.rotateApiKey(owner, 1, from);
    expect(await core.rotateApiKey(owner, 1, from)).toEqual({
      ok: true,
      changed: false,
      alreadyRotated: true,
      prefix: "prefix" in first ? first.prefix : "",
    });
  });

  it("an accepted invite answers ok", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const mail = (await wired.store.listMail()).at(-1)?.mail as { token: string };
    expect(await wired.core.acceptInvite(mail.token)).toMatchObject({ ok: true, changed: true });
  });
});

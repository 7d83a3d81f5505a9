import { afterEach, describe, expect, it } from "vitest";
import { removeMember } from "../helpers/core.js";
import { closeTeams, OWNER, team } from "../helpers/core-team.js";

/** PRODUCT §4: who is mailed about a change — active members; the invited learn of it from their invite. */

const mails = async (wired: {
  store: { listMail(): Promise<{ recipient: string; mail: { kind: string } }[]> };
}) => (await wired.store.listMail()).map((row) => `${row.mail.kind} → ${row.recipient}`);

afterEach(closeTeams);

describe("§4 mails go to active members only: the invited learn of changes from their invite", () => {
  it("a role change mails an active member, not an invited one", async () => {
    const wired = await team([
      { email: "active@acme.test", role: "teammate" },
      { email: "invited@acme.test", role: "teammate", status: "invited" },
    ]);
    const before = (await mails(wired)).length;
    await wired.core.changeRole(wired.owner, { email: "active@acme.test" }, "admin");
    await wired.core.changeRole(wired.owner, { email: "invited@acme.test" }, "admin");
    expect((await mails(wired)).slice(before)).toEqual(["role_changed → active@acme.test"]);
    const mail = (await wired.store.listMail()).at(-1)?.mail;
    expect(mail).toMatchObject({
      kind: "role_changed",
      accountName: "Acme",
      role: "admin",
      permissions: ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"],
    });
  });

  it("a removal mails an active member, not an invited one", async () => {
    const wired = await team([
      { email: "active@acme.test", role: "teammate" },
      { email: "invited@acme.test", role: "teammate", status: "invited" },
    ]);
    const before = (await mails(wired)).length;
    await removeMember(wired.core, wired.owner, { email: "invited@acme.test" });
    await removeMember(wired.core, wired.owner, { email: "active@acme.test" });
    expect((await mails(wired)).slice(before)).toEqual(["removed → active@acme.test"]);
  });

  it("editing only a name or phone mails nobody", async () => {
    const wired = await team([{ email: "active@acme.test", role: "teammate" }]);
    const before = (await mails(wired)).length;
    await wired.core.editMember(
      wired.owner,
      { email: "active@acme.test" },
      { name: "Al", phone: "+447700900123" },
    );
    expect((await mails(wired)).slice(before)).toEqual([]);
  });

  it("an invite mail carries the account, the inviter, the role and its permissions; a resend says so", async () => {
    const wired = await team();
    await wired.core.editMember(wired.owner, { email: OWNER }, { name: "Olivia" });
    await wired.core.addMember(wired.owner, { email: "new@acme.test", role: "admin", name: "Nia" });
    await wired.core.resendInvite(wired.owner, { email: "new@acme.test" });
    const [first, resent] = (await wired.store.listMail()).map((row) => row.mail);
    const common = {
      kind: "invite",
      to: "new@acme.test",
      accountName: "Acme",
      inviter: { name: "Olivia", email: OWNER },
      role: "admin",
      permissions: ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"],
      expiresAt: "2026-01-08T00:00:00.000Z",
    };
    expect(first).toMatchObject({ ...common, resent: false });
    expect(resent).toMatchObject({ ...common, resent: true });
  });
});

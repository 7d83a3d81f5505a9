import { describe, expect, it } from "vitest";
import { listMembers, removeMember, revokeInvite } from "../helpers/core.js";
import { refusalOf } from "../helpers/refusals.js";
import { testTeam } from "../helpers/team.js";

/** Adding, revoking and resending invites: what each answers and audits. */

const OWNER = "owner@acme.test";

const team = testTeam;

describe("adding members", () => {
  it("an add is audited as the member added and the invite sent, and answers with who and what role", async () => {
    const { core, owner, seeded } = await team();
    expect(await core.addMember(owner, { email: "new@acme.test", role: "admin", name: "Nia" })).toEqual({
      ok: true,
      changed: true,
      kind: "member.added",
      member: { email: "new@acme.test", name: "Nia", role: "admin", slackUserId: null, status: "invited" },
    });
    const [added, sent] = (await core.fullAuditLog(seeded.accountId)).slice(-2);
    expect(added).toMatchObject({
      action: "member.added",
      before: null,
      after: { email: "new@acme.test", name: "Nia", phone: null, role: "admin", status: "invited" },
    });
    expect(sent).toMatchObject({ action: "invite.sent", after: { expiresAt: "2026-01-08T00:00:00.000Z" } });
  });

  it("adding someone already invited says to resend; someone active, that they are a member", async () => {
    const { core, owner } = await team([{ email: "inv@acme.test", role: "teammate", status: "invited" }]);
    expect((await refusalOf(() => core.addMember(owner, { email: "inv@acme.test" }))).message).toContain(
      "resend",
    );
    expect((await refusalOf(() => core.addMember(owner, { email: OWNER }))).message).toContain(
      "already a member",
    );
  });

  it("revoking is audited with the member as they were", async () => {
    const { core, owner, seeded } = await team([
      { email: "inv@acme.test", role: "admin", status: "invited" },
    ]);
    await revokeInvite(core, owner, { email: "inv@acme.test" });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "invite.revoked",
      before: { email: "inv@acme.test", role: "admin", status: "invited" },
      after: { status: "removed" },
    });
    const removed = (await listMembers(core, owner, { includeRemoved: true })).members.find(
      (m) => m.email === "inv@acme.test",
    );
    expect(removed?.status).toBe("removed");
  });

  it("resending needs a pending invite, and a removal is audited with the member as they were", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect((await refusalOf(() => core.resendInvite(owner, { email: "tm@acme.test" }))).message).toContain(
      "already joined",
    );
    expect((await refusalOf(() => revokeInvite(core, owner, { email: "tm@acme.test" }))).code).toBe(
      "INVALID_INPUT",
    );
    expect(await removeMember(core, owner, { email: "tm@acme.test" }, { dryRun: true })).toMatchObject({
      changed: true,
    });
    expect((await core.apiMember(seeded.accountId, "tm@acme.test")).status).toBe("active");
    await removeMember(core, owner, { email: "tm@acme.test" });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "member.removed",
      before: { email: "tm@acme.test", role: "teammate", status: "active" },
      after: { status: "removed" },
    });
  });
});

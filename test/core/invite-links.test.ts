import { afterEach, describe, expect, it } from "vitest";
import { removeMember, revokeInvite } from "../helpers/core.js";
import { closeTeams, codeOf, errorOf, OWNER, team, tokenFor } from "../helpers/core-team.js";

/** PRODUCT §4: an invite link's life — pending, used, revoked, replaced, expired — and its mail, never sent once the link is dead. */

afterEach(closeTeams);

describe("§4 invite links: a revoked or replaced link says revoked, never used", () => {
  it("a revoked invite's link is shown as revoked and refused as INVITE_INVALID", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test", role: "admin" });
    const token = await tokenFor(wired, "new@acme.test");
    expect(await wired.core.inviteByToken(token)).toMatchObject({
      state: "pending",
      email: "new@acme.test",
      role: "admin",
      accountName: "Acme",
      inviter: { email: OWNER },
      expiresAt: "2026-01-08T00:00:00.000Z",
    });
    await revokeInvite(wired.core, wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(token)).state).toBe("revoked");
    const refusal = await errorOf(() => wired.core.acceptInvite(token));
    expect(refusal.code).toBe("INVITE_INVALID");
    expect(refusal.message).toContain("revoked");
  });

  it("a resent invite kills the old link (revoked); the new one works once, then says used", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const old = await tokenFor(wired, "new@acme.test");
    await wired.core.resendInvite(wired.owner, { email: "new@acme.test" });
    const fresh = await tokenFor(wired, "new@acme.test");
    expect((await wired.core.inviteByToken(old)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(old))).toBe("INVITE_INVALID");
    expect(await wired.core.acceptInvite(fresh)).toMatchObject({
      changed: true,
      kind: "invite.accepted",
      accountId: wired.seeded.accountId,
    });
    expect((await wired.core.whoami(wired.seeded.as("new@acme.test"))).status).toBe("active");
    expect((await wired.core.inviteByToken(fresh)).state).toBe("accepted");
    expect(await codeOf(() => wired.core.acceptInvite(fresh))).toBe("INVITE_USED");
    expect((await wired.core.inviteByToken(old)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(old))).toBe("INVITE_INVALID");
  });

  it("the link of a removed-then-invited-again email is revoked; the new invite's link works", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const first = await tokenFor(wired, "new@acme.test");
    await removeMember(wired.core, wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(first)).state).toBe("revoked");
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const second = await tokenFor(wired, "new@acme.test");
    expect((await wired.core.inviteByToken(first)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(first))).toBe("INVITE_INVALID");
    expect((await wired.core.inviteByToken(second)).state).toBe("pending");
    expect(await codeOf(() => wired.core.acceptInvite(second))).toBe("ok");
  });

  it("an invite expires after INVITE_TTL_HOURS exactly: INVITE_EXPIRED, and the member stays invited", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const token = await tokenFor(wired, "new@acme.test");
    wired.clock.advanceHours(168);
    expect((await wired.core.inviteByToken(token)).state).toBe("expired");
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("INVITE_EXPIRED");
    expect((await wired.core.apiMember(wired.seeded.accountId, "new@acme.test")).status).toBe("invited");
  });

  it("an invite accepted just before it expires works", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const token = await tokenFor(wired, "new@acme.test");
    wired.clock.advanceHours(167.99);
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("ok");
  });

  it("an unknown link is 'unknown' and INVITE_INVALID", async () => {
    const wired = await team();
    expect(await wired.core.inviteByToken("no-such-token")).toEqual({ state: "unknown" });
    expect(await codeOf(() => wired.core.acceptInvite("no-such-token"))).toBe("INVITE_INVALID");
  });

  it("accepting is audited as the invited person, with source system", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    await wired.core.acceptInvite(await tokenFor(wired, "new@acme.test"));
    expect((await wired.core.fullAuditLog(wired.seeded.accountId)).at(-1)).toMatchObject({
      actor: "new@acme.test",
      source: "system",
      action: "invite.accepted",
      before: { status: "invited" },
      after: { status: "active" },
    });
  });
});

describe("§4 an invite mail that has not gone out yet is not sent once its link is dead", () => {
  const inviteOf = async (wired: Awaited<ReturnType<typeof team>>, email: string) => {
    const mail = (await wired.store.listMail())
      .map((row) => row.mail)
      .filter((m) => m.kind === "invite" && m.to === email)
      .at(-1) as { inviteId: string } | undefined;
    if (!mail) throw new Error(`no invite for ${email}`);
    return mail.inviteId;
  };

  it("after the invite is revoked, the member removed, activated by the operator, or the invite resent", async () => {
    const wired = await team([
      { email: "revoked@acme.test", role: "teammate", status: "invited" },
      { email: "removed@acme.test", role: "teammate", status: "invited" },
      { email: "activated@acme.test", role: "teammate", status: "invited" },
      { email: "resent@acme.test", role: "teammate", status: "invited" },
      { email: "waiting@acme.test", role: "teammate", status: "invited" },
    ]);
    const { core, owner, store, clock, seeded } = wired;
    const pending = async (email: string) => store.invitePending(await inviteOf(wired, email), clock.now());
    const oldResent = await inviteOf(wired, "resent@acme.test");
    await revokeInvite(core, owner, { email: "revoked@acme.test" });
    await removeMember(core, owner, { email: "removed@acme.test" });
    await core.activate(seeded.accountId, "activated@acme.test");
    await core.resendInvite(owner, { email: "resent@acme.test" });
    expect(await pending("revoked@acme.test")).toBe(false);
    expect(await pending("removed@acme.test")).toBe(false);
    expect(await pending("activated@acme.test")).toBe(false);
    expect(await store.invitePending(oldResent, clock.now())).toBe(false);
    expect(await pending("resent@acme.test")).toBe(true);
    expect(await pending("waiting@acme.test")).toBe(true);
  });

  it("a resend is audited with the new link's expiry", async () => {
    const { core, owner, clock, seeded } = await team([
      { email: "inv@acme.test", role: "teammate", status: "invited" },
    ]);
    clock.advanceHours(24);
    await core.resendInvite(owner, { email: "inv@acme.test" });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "invite.resent",
      target: { type: "member", email: "inv@acme.test" },
      after: { expiresAt: "2026-01-09T00:00:00.000Z" },
    });
  });
});

describe("§4 a link that was used says used, even after its member left", () => {
  it("accepted, then removed: the link says accepted (INVITE_USED), not revoked", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const mail = (await wired.store.listMail()).at(-1)?.mail as { token: string } | undefined;
    if (!mail) throw new Error("no invite mailed");
    const { token } = mail;
    await wired.core.acceptInvite(token);
    await removeMember(wired.core, wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    await expect(wired.core.acceptInvite(token)).rejects.toThrow(
      expect.objectContaining({ code: "INVITE_USED" }),
    );
  });
});

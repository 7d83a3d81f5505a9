import { describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";
import type { Member } from "../../src/core/model.js";
import { PermissionCache } from "../../src/core/permission-cache.js";
import { defaultMatrix } from "../../src/core/permissions.js";
import type { StorePort } from "../../src/core/ports.js";
import { refusedWith } from "../helpers/refusals.js";
import { testTeam } from "../helpers/team.js";

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
      await core.revokeInvite(owner, { email: "inv@acme.test" }),
      await core.setPermission(owner, { role: "admin", permission: "billing", allowed: true }),
      await core.setPermission(owner, { role: "admin", permission: "billing", allowed: false }),
      await core.setPermissions(owner, { admin: [] }),
      await core.setPermissions(owner, { admin: [] }),
      await core.setApprovalsChannel(owner, "C0APPROVE"),
      await core.setApprovalsChannel(owner, "C0APPROVE"),
      await core.activate(id, "inv2@acme.test"),
      await core.linkSlackUser(id, "tm@acme.test", "U0TM"),
      await core.linkSlackUser(id, "tm@acme.test", "U0TM"),
      await core.removeMember(owner, { email: "tm@acme.test" }),
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
    await core.revokeInvite(owner, { email: "revoked@acme.test" });
    await core.removeMember(owner, { email: "removed@acme.test" });
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

describe("§8 the operator rotates the key (CLI recovery)", () => {
  it("with a grace period, the old key keeps working until it ends", async () => {
    const { core, seeded, clock } = await team();
    const old = (await core.rotateApiKey({ accountId: seeded.accountId })).apiKey;
    const rotated = await core.rotateApiKey({ accountId: seeded.accountId }, 24);
    expect(rotated.oldKeyWorksUntil).toBe("2026-01-02T00:00:00.000Z");
    clock.advanceHours(23);
    expect(await core.authenticateApiKey(old)).toBe(seeded.accountId);
    clock.advanceHours(1);
    expect(await core.authenticateApiKey(old)).toBeNull();
    expect(await core.authenticateApiKey(rotated.apiKey)).toBe(seeded.accountId);
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
    await wired.core.removeMember(wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    await expect(wired.core.acceptInvite(token)).rejects.toThrow(
      expect.objectContaining({ code: "INVITE_USED" }),
    );
  });
});

describe("§3 a request named by a long made-up id", () => {
  it("is refused without echoing more than 20 characters of it", async () => {
    const { core, owner } = await team();
    const long = `R${"X".repeat(200)}`;
    expect(await refusedWith(runCommand({ core, actor: owner }, ["approve", long]))).toContain(
      `There is no request ${long.slice(0, 20)} on this team.`,
    );
  });
});

/** Just what the cache reads, counting each question. */
const countingStore = () => {
  const asked = { version: 0, matrix: 0, grants: 0, member: 0 };
  let version = 1;
  const store = {
    outside: <T>(fn: () => T) => fn(),
    dataVersion: () => {
      asked.version++;
      return version;
    },
    loadMatrix: () => {
      asked.matrix++;
      return defaultMatrix();
    },
    openGrants: () => {
      asked.grants++;
      return [];
    },
    findMember: (_accountId: string, ref: { email: string }): Member | null => {
      asked.member++;
      return ref.email === "a@x.test"
        ? ({ email: "a@x.test", role: "admin", status: "active" } as Member)
        : null;
    },
  };
  return { asked, bump: () => version++, store: store as unknown as StorePort };
};

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the hot permission check is answered from memory", () => {
  it("a burst of checks in one turn asks the store once for the version, the matrix, the grants and the member", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store);
    for (let n = 0; n < 50; n++) {
      expect(await cache.can("acc", "a@x.test", "billing")).toBe(true);
      expect(await cache.can("acc", "a@x.test", "team_settings")).toBe(false);
    }
    expect(asked).toEqual({ version: 1, matrix: 1, grants: 1, member: 1 });
  });

  it("the next turn asks for the version again, and reads again only when another connection wrote", async () => {
    const { asked, bump, store } = countingStore();
    const cache = new PermissionCache(store);
    await cache.can("acc", "a@x.test", "billing");
    await cache.can("other", "a@x.test", "billing");
    await nextTurn();
    await cache.can("acc", "a@x.test", "billing");
    await cache.can("other", "a@x.test", "billing");
    expect(asked).toEqual({ version: 2, matrix: 2, grants: 2, member: 2 });
    bump();
    await nextTurn();
    await cache.can("acc", "a@x.test", "billing");
    expect(asked).toEqual({ version: 3, matrix: 3, grants: 3, member: 3 });
  });

  it("an email as typed (case, spaces) is the same member, read once", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store);
    expect(await cache.can("acc", " A@X.test ", "billing")).toBe(true);
    expect(await cache.can("acc", "a@x.test", "billing")).toBe(true);
    expect(await cache.member("acc", "A@x.TEST")).toMatchObject({ role: "admin", status: "active" });
    expect(asked.member).toBe(1);
  });

  it("other reads are remembered until the next write", async () => {
    const { store } = countingStore();
    const cache = new PermissionCache(store);
    let computed = 0;
    const read = () => cache.memo("count", async () => ++computed);
    expect([await read(), await read(), await read()]).toEqual([1, 1, 1]);
    cache.invalidate();
    expect(await read()).toBe(2);
  });
});

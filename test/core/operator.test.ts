import { afterEach, describe, expect, it } from "vitest";
import { closeTeams, codeOf, errorOf, team, tokenFor } from "../helpers/core-team.js";

/** What the operator (the CLI without --as) does to a team: activate an invited member, rotate the key. */

afterEach(closeTeams);

describe("the operator's activate verb", () => {
  it("activating an already-active member is refused with INVALID_INPUT and audits nothing", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    const refusal = await errorOf(() => core.activate(seeded.accountId, "tm@acme.test"));
    expect(refusal.code).toBe("INVALID_INPUT");
    expect(refusal.message).toContain("already active");
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("activating a removed or unknown member is NO_SUCH_MEMBER", async () => {
    const { core, seeded } = await team([{ email: "gone@acme.test", role: "teammate", status: "removed" }]);
    expect(await codeOf(() => core.activate(seeded.accountId, "gone@acme.test"))).toBe("NO_SUCH_MEMBER");
    expect(await codeOf(() => core.activate(seeded.accountId, "nobody@acme.test"))).toBe("NO_SUCH_MEMBER");
  });

  it("activating an invited member uses up their invite and is audited as the operator", async () => {
    const wired = await team([{ email: "new@acme.test", role: "admin", status: "invited" }]);
    const token = await tokenFor(wired, "new@acme.test");
    expect(await wired.core.activate(wired.seeded.accountId, "New@acme.test")).toMatchObject({
      changed: true,
      kind: "member.activated",
      member: { email: "new@acme.test", role: "admin" },
    });
    expect((await wired.core.fullAuditLog(wired.seeded.accountId)).at(-1)).toMatchObject({
      actor: "operator",
      source: "cli",
      action: "member.activated",
      before: { status: "invited" },
      after: { status: "active" },
    });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("INVITE_USED");
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

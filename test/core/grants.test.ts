import { describe, expect, it } from "vitest";
import type { ActorContext } from "../../src/core/access-core.js";
import { auditTargetText } from "../../src/core/audit.js";
import { defaultMatrix, PERMISSION_KEYS, type PermissionKey } from "../../src/core/permissions.js";
import { ROLES, type Role } from "../../src/core/roles.js";
import { listMembers, removeMember, setFourEyes, setPermission } from "../helpers/core.js";
import { said } from "../helpers/refusals.js";
import { approve } from "../helpers/requests.js";
import { filedId, filedRequest, outcome, testTeam } from "../helpers/team.js";

/**
 * PRODUCT rule 8: a time-bound grant gives one member one permission until its end time, exactly;
 * it never widens the rules of rank; it ends early by an Owner or its holder, with the member's
 * removal, or when a new role holds the permission by itself. Checks compare the clock, so the end
 * holds before any background job has run.
 */

const MEMBERS = [
  { email: "ann@acme.test", role: "admin" as const },
  { email: "tom@acme.test", role: "teammate" as const },
  { email: "tia@acme.test", role: "teammate" as const },
];
const EMAIL: Record<Role, string> = {
  owner: "owner@acme.test",
  admin: "ann@acme.test",
  teammate: "tom@acme.test",
};

const grant = (
  core: Awaited<ReturnType<typeof testTeam>>["core"],
  by: ActorContext,
  email: string,
  permission: PermissionKey,
  minutes: number,
  reason?: string,
) =>
  core.change(by, {
    kind: "grant.start",
    member: { email },
    permission,
    minutes,
    ...(reason ? { reason } : {}),
  });

describe("rule 8, walked whole: role × permission × granted or not × expired or not", () => {
  const cases = ROLES.flatMap((role) =>
    PERMISSION_KEYS.flatMap((permission) =>
      [false, true].flatMap((granted) =>
        [false, true].map((expired) => ({ role, permission, granted, expired })),
      ),
    ),
  );

  it.each(cases)("$role × $permission × granted $granted × expired $expired", async (c) => {
    const { core, clock, seeded, owner } = await testTeam(MEMBERS);
    const email = EMAIL[c.role];
    const byRole = c.role === "owner" || defaultMatrix()[c.role].has(c.permission);
    if (c.granted) {
      const result = await outcome(() => grant(core, owner, email, c.permission, 120));
      // Owners hold everything, and a role's own permission needs no grant.
      expect(result).toBe(c.role === "owner" ? "INVALID_INPUT" : byRole ? "unchanged" : "ok");
    }
    // A 2-hour grant works at 1:59:59.999 and not at 2:00:00.
    clock.advance(2 * 3_600_000 - (c.expired ? 0 : 1));
    const expected = byRole || (c.granted && !c.expired);
    expect(await core.access.can(seeded.accountId, email, c.permission)).toBe(expected);
    const explained = await core.explain(seeded.accountId, email, c.permission);
    expect(explained.allowed).toBe(expected);
    if (expected && !byRole)
      expect(explained.reason).toBe("Temporary grant until 02:00 UTC, approved by owner@acme.test");
    expect((await core.whoami(seeded.as(email))).permissions.includes(c.permission)).toBe(expected);
    expect((await core.apiMember(seeded.accountId, email)).permissions.includes(c.permission)).toBe(expected);
  });
});

describe("a grant opens the feature, never the rules of rank", () => {
  it("a Teammate granted Team Settings sees the team but cannot touch anyone at or above their rank", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    const tom = seeded.as("tom@acme.test");
    expect(await outcome(() => listMembers(core, tom).then(() => ({ changed: true })))).toBe("FORBIDDEN");
    await grant(core, owner, "tom@acme.test", "team_settings", 60);
    expect((await listMembers(core, tom)).members.map((m) => m.email)).toContain("ann@acme.test");
    expect(await outcome(() => core.changeRole(tom, { email: "tia@acme.test" }, "admin"))).toBe(
      "RANK_TOO_LOW",
    );
    expect(await outcome(() => removeMember(core, tom, { email: "tia@acme.test" }))).toBe("RANK_TOO_LOW");
    expect(await outcome(() => removeMember(core, tom, { email: "ann@acme.test" }))).toBe("RANK_TOO_LOW");
    expect(await outcome(() => core.addMember(tom, { email: "new@acme.test", role: "teammate" }))).toBe(
      "RANK_TOO_LOW",
    );
  });

  it("an Admin granted Access Permissions changes Teammates' column only, never Admins' or Owners'", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    const ann = seeded.as("ann@acme.test");
    const toggle = (role: Role) => () =>
      setPermission(core, ann, { role, permission: "billing", allowed: false });
    expect(await outcome(toggle("teammate"))).toBe("FORBIDDEN");
    await grant(core, owner, "ann@acme.test", "access_permissions", 60);
    expect(await outcome(toggle("teammate"))).toBe("ok");
    expect(await outcome(toggle("admin"))).toBe("RANK_TOO_LOW");
    expect(await outcome(toggle("owner"))).toBe("FORBIDDEN");
  });
});

describe("starting, extending and ending grants", () => {
  it("only Owners grant; only to active members; at most GRANT_MAX_HOURS (72) from now", async () => {
    const { core, owner, seeded } = await testTeam([
      ...MEMBERS,
      { email: "inv@acme.test", role: "teammate", status: "invited" },
    ]);
    expect(
      await outcome(() => grant(core, seeded.as("ann@acme.test"), "tom@acme.test", "team_settings", 60)),
    ).toBe("FORBIDDEN");
    expect(await outcome(() => grant(core, owner, "inv@acme.test", "team_settings", 60))).toBe("NOT_ACTIVE");
    expect(await outcome(() => grant(core, owner, "nobody@acme.test", "team_settings", 60))).toBe(
      "NO_SUCH_MEMBER",
    );
    expect(await outcome(() => grant(core, owner, "tom@acme.test", "team_settings", 72 * 60 + 1))).toBe(
      "GRANT_TOO_LONG",
    );
    expect(await outcome(() => grant(core, owner, "tom@acme.test", "team_settings", 72 * 60))).toBe("ok");
  });

  it("is audited: started (with its reason), extended, ended by whom; the chain still verifies", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    await grant(core, owner, "tom@acme.test", "team_settings", 30, "quarterly audit");
    const extended = await core.change(owner, {
      kind: "grant.extend",
      member: { email: "tom@acme.test" },
      permission: "team_settings",
      minutes: 60,
    });
    expect(extended).toMatchObject({ kind: "grant.extended", until: "2026-01-01T01:30:00.000Z" });
    expect(
      await outcome(() =>
        core.change(owner, {
          kind: "grant.extend",
          member: { email: "tom@acme.test" },
          permission: "team_settings",
          minutes: 72 * 60,
        }),
      ),
    ).toBe("GRANT_TOO_LONG");
    // The holder gives it back.
    await core.change(seeded.as("tom@acme.test"), {
      kind: "grant.end",
      member: { email: "tom@acme.test" },
      permission: "team_settings",
    });
    const log = (await core.fullAuditLog(seeded.accountId)).filter((e) => e.action.startsWith("grant."));
    expect(log.map((e) => [e.action, e.actor, auditTargetText(e.target)])).toEqual([
      ["grant.started", "owner@acme.test", "tom@acme.test"],
      ["grant.extended", "owner@acme.test", "tom@acme.test"],
      ["grant.ended", "tom@acme.test", "tom@acme.test"],
    ]);
    expect(log[0]?.after).toMatchObject({ permission: "team_settings", reason: "quarterly audit" });
    expect(log[2]?.after).toMatchObject({ endedBy: "tom@acme.test" });
    expect(await core.access.can(seeded.accountId, "tom@acme.test", "team_settings")).toBe(false);
    expect((await core.verifyAudit(seeded.accountId)).ok).toBe(true);
  });

  it("ending: an Owner or the holder; anyone else is refused; no grant is NO_SUCH_GRANT", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    const end = (by: ActorContext) => () =>
      core.change(by, { kind: "grant.end", member: { email: "tom@acme.test" }, permission: "billing" });
    expect(await outcome(end(owner))).toBe("NO_SUCH_GRANT");
    await setPermission(core, owner, { role: "teammate", permission: "billing", allowed: false });
    await grant(core, owner, "tom@acme.test", "billing", 60);
    expect(await outcome(end(seeded.as("tia@acme.test")))).toBe("FORBIDDEN");
    expect(await outcome(end(owner))).toBe("ok");
    expect(await outcome(end(owner))).toBe("NO_SUCH_GRANT");
  });

  it("removing the member ends their grants; a role that holds the permission ends that grant", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    await setPermission(core, owner, { role: "teammate", permission: "billing", allowed: false });
    await grant(core, owner, "tom@acme.test", "billing", 60);
    await grant(core, owner, "tom@acme.test", "team_settings", 60);
    await grant(core, owner, "tia@acme.test", "team_settings", 60);
    // Admins hold Billing, not Team Settings: only the Billing grant has nothing left to give.
    await core.changeRole(owner, { email: "tom@acme.test" }, "admin");
    expect((await core.grants.list(owner)).all?.map((g) => [g.memberEmail, g.permission])).toEqual([
      ["tia@acme.test", "team_settings"],
      ["tom@acme.test", "team_settings"],
    ]);
    await removeMember(core, owner, { email: "tia@acme.test" });
    expect((await core.grants.list(owner)).all?.map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
    const ended = (await core.fullAuditLog(seeded.accountId)).filter((e) => e.action === "grant.ended");
    expect(ended.map((e) => [auditTargetText(e.target), e.after])).toEqual([
      ["tom@acme.test", { permission: "billing", endedBy: "owner@acme.test", why: "standing" }],
      ["tia@acme.test", { permission: "team_settings", endedBy: "owner@acme.test", why: "removed" }],
    ]);
  });

  it("grants lists your own to everyone, and all of them to holders of Team Settings", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    await grant(core, owner, "tom@acme.test", "team_settings", 60);
    await grant(core, owner, "tia@acme.test", "access_permissions", 60);
    const tia = await core.grants.list(seeded.as("tia@acme.test"));
    expect(tia.mine.map((g) => g.permission)).toEqual(["access_permissions"]);
    expect(tia.all).toBeNull();
    const tom = await core.grants.list(seeded.as("tom@acme.test"));
    expect(tom.all?.map((g) => g.memberEmail)).toEqual(["tia@acme.test", "tom@acme.test"]);
  });
});

describe("asking for a grant: a change request an Owner approves, maybe for less time", () => {
  it("the grant runs from the approval, for the time approved, and remembers its request", async () => {
    const { core, clock, owner, seeded } = await testTeam(MEMBERS);
    const tom = seeded.as("tom@acme.test");
    const request = await core.requests.file(tom, {
      kind: "grant.start",
      member: { email: "tom@acme.test" },
      permission: "team_settings",
      minutes: 240,
      reason: "export for the auditors",
    });
    expect(request.summary).toBe("grant tom@acme.test team_settings for 4h export for the auditors");
    clock.advanceHours(1);
    expect(
      await outcome(() =>
        approve(core.requests, owner, request.id, { minutes: 300 }).then(() => ({ changed: true })),
      ),
    ).toBe("INVALID_INPUT");
    const approved = await approve(core.requests, owner, request.id, { minutes: 60 });
    expect(approved).toMatchObject({ applied: true, result: { kind: "grant.started" } });
    const [granted] = (await core.grants.list(tom)).mine;
    expect(granted).toMatchObject({
      startsAt: "2026-01-01T01:00:00.000Z",
      endsAt: "2026-01-01T02:00:00.000Z",
      grantedBy: "owner@acme.test",
      requestId: request.id,
      reason: "export for the auditors",
    });
    // The requester reads the time they got, not the time they asked for.
    expect((await core.requests.get(seeded.accountId, request.id)).outcome).toEqual({
      applied: true,
      until: "2026-01-01T02:00:00.000Z",
    });
    const actions = (await core.fullAuditLog(seeded.accountId)).map((e) => e.action);
    expect(actions.slice(-3)).toEqual(["grant.requested", "grant.started", "request.approved"]);
  });
});

describe("expiry and the holder's notices happen once", () => {
  it("expire() writes grant.expired once at the end; the reminder and the end notice are claimed once", async () => {
    const { core, clock, owner, seeded } = await testTeam(MEMBERS);
    await grant(core, owner, "tom@acme.test", "team_settings", 120);
    await grant(core, owner, "tia@acme.test", "team_settings", 20);
    clock.advance(10 * 60_000); // tia's 20-minute grant: reminded half-way
    expect((await core.grants.toRemind()).map((g) => g.memberEmail)).toEqual(["tia@acme.test"]);
    clock.advance(95 * 60_000); // 1:45: 15 minutes before tom's end
    const due = await core.grants.toRemind();
    expect(due.map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
    const [tomGrant] = due;
    if (!tomGrant) throw new Error("no grant");
    expect(
      await Promise.all([core.grants.claim(tomGrant, "reminder"), core.grants.claim(tomGrant, "reminder")]),
    ).toEqual([true, false]);
    expect(await core.grants.toRemind()).toEqual([]);
    // Tia's grant ended at 0:20; nobody has written it down yet, and it already stopped working.
    expect(await core.access.can(seeded.accountId, "tia@acme.test", "team_settings")).toBe(false);
    expect((await core.grants.expire()).map((g) => g.memberEmail)).toEqual(["tia@acme.test"]);
    expect(await core.grants.expire()).toEqual([]);
    clock.advance(15 * 60_000);
    expect((await core.grants.expire()).map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
    const expired = (await core.fullAuditLog(seeded.accountId)).filter((e) => e.action === "grant.expired");
    expect(expired.map((e) => [e.actor, e.source, auditTargetText(e.target)])).toEqual([
      ["system", "system", "tia@acme.test"],
      ["system", "system", "tom@acme.test"],
    ]);
    const told = await core.grants.toTell();
    expect(told.map((g) => [g.memberEmail, g.endReason, g.endedAt])).toEqual([
      ["tia@acme.test", "expired", "2026-01-01T00:20:00.000Z"],
      ["tom@acme.test", "expired", "2026-01-01T02:00:00.000Z"],
    ]);
    for (const g of told) expect(await core.grants.claim(g, "end")).toBe(true);
    expect(await core.grants.toTell()).toEqual([]);
    expect((await core.verifyAudit(seeded.accountId)).ok).toBe(true);
  });
});

describe("rule 9: four-eyes", () => {
  const withTwoOwners = async () => {
    const team = await testTeam([...MEMBERS, { email: "olga@acme.test", role: "owner" }]);
    await setFourEyes(team.core, team.owner, true);
    return team;
  };

  it("an Owner's promotion of an Admin to Owner files a request; the same Owner cannot approve it; a second Owner can", async () => {
    const { core, owner, seeded } = await withTwoOwners();
    const held = await core.changeRole(owner, { email: "ann@acme.test" }, "owner");
    expect(held).toMatchObject({ changed: true, kind: "request.filed" });
    const request = filedRequest(held);
    if (!request) throw new Error("four-eyes should have filed a request");
    expect(request).toMatchObject({ status: "pending", requesterEmail: "owner@acme.test" });
    expect((await core.whoami(seeded.as("ann@acme.test"))).role).toBe("admin");
    expect(
      await outcome(() => approve(core.requests, owner, request.id).then(() => ({ changed: true }))),
    ).toBe("SELF_APPROVAL");
    const approved = await approve(core.requests, seeded.as("olga@acme.test"), request.id);
    expect(approved.applied).toBe(true);
    expect((await core.whoami(seeded.as("ann@acme.test"))).role).toBe("owner");
    // Asking twice files one request.
    const again = await core.changeRole(owner, { email: "tom@acme.test" }, "owner");
    const twice = await core.changeRole(owner, { email: "tom@acme.test" }, "owner");
    expect(filedRequest(twice)?.id).toBe(filedRequest(again)?.id);
  });

  /** Four-eyes off, as rule 9 allows with two Owners: one asks, the other approves. */
  const turnOff = async ({ core, owner, seeded }: Awaited<ReturnType<typeof withTwoOwners>>) => {
    const held = await setFourEyes(core, owner, false);
    expect(held.kind).toBe("request.filed");
    const approved = await approve(core.requests, seeded.as("olga@acme.test"), filedId(held));
    expect(approved.applied).toBe(true);
  };

  it("with four-eyes off, the same change applies at once", async () => {
    const team = await withTwoOwners();
    const { core, owner, seeded } = team;
    await turnOff(team);
    expect(await core.changeRole(owner, { email: "ann@acme.test" }, "owner")).toMatchObject({
      kind: "member.edited",
      fields: { role: { after: "owner" } },
    });
    expect((await core.whoami(seeded.as("ann@acme.test"))).role).toBe("owner");
  });

  it("holds exactly the changes rule 9 names", async () => {
    const team = await withTwoOwners();
    const { core, owner, seeded } = team;
    const held = async (fn: () => Promise<{ kind: string }>) => (await fn()).kind === "request.filed";
    expect(await held(() => core.addMember(owner, { email: "boss@acme.test", role: "owner" }))).toBe(true);
    expect(await held(() => core.addMember(owner, { email: "pal@acme.test", role: "admin" }))).toBe(false);
    // Removing or demoting the other Owner is held too; with only two, olga could never approve her
    // own removal or demotion, so that case is SECOND_OWNER_NEEDED (test/core/four-eyes-approver.test.ts).
    await core.addMember(seeded.as("olga@acme.test"), { email: "otto@acme.test", role: "teammate" });
    await core.activate(seeded.accountId, "otto@acme.test");
    await turnOff(team);
    await core.changeRole(owner, { email: "otto@acme.test" }, "owner");
    await setFourEyes(core, owner, true);
    expect(await held(() => removeMember(core, owner, { email: "olga@acme.test" }))).toBe(true);
    expect(await held(() => removeMember(core, owner, { email: "tia@acme.test" }))).toBe(false);
    expect(await held(() => core.changeRole(owner, { email: "olga@acme.test" }, "admin"))).toBe(true);
    expect(await held(() => core.changeRole(owner, { email: "tom@acme.test" }, "admin"))).toBe(false);
    const toggle = (permission: PermissionKey) => () =>
      setPermission(core, owner, { role: "admin", permission, allowed: true });
    expect(await held(toggle("team_settings"))).toBe(true);
    expect(await held(toggle("access_permissions"))).toBe(true);
    expect(
      await held(() =>
        setPermission(core, owner, { role: "teammate", permission: "billing", allowed: false }),
      ),
    ).toBe(false);
    expect(await held(() => grant(core, owner, "tom@acme.test", "team_settings", 60))).toBe(true);
    expect(await held(() => grant(core, owner, "tom@acme.test", "billing", 60))).toBe(false);
    const rotation = await core.rotateApiKey(owner, 0);
    expect("heldForSecondOwner" in rotation).toBe(true);
    expect("heldForSecondOwner" in (await core.rotateApiKey(owner, 24))).toBe(false);
  });

  it("a rotation without grace applies when the second Owner approves, and shows them the new key", async () => {
    const { core, owner, seeded } = await withTwoOwners();
    const before = (await core.apiKeyInfo(owner)).prefix;
    const rotation = await core.rotateApiKey(owner);
    if (!("heldForSecondOwner" in rotation)) throw new Error("an Owner's rotation without grace should wait");
    expect((await core.apiKeyInfo(owner)).prefix).toBe(before);
    const approved = await approve(core.requests, seeded.as("olga@acme.test"), rotation.requestId);
    if (!approved.applied) throw approved.error;
    const key = approved.result.kind === "apikey.rotated" ? (approved.result.apiKey ?? "") : "";
    expect(key).toMatch(/^rc_/);
    expect(await core.authenticateApiKey(key)).toBe(seeded.accountId);
    expect((await core.apiKeyInfo(owner)).prefix).toBe(key.slice(0, 10));
  });

  it("turning four-eyes off waits for the other Owner: the maker cannot approve it, and nothing it guards is open meanwhile", async () => {
    const { core, owner, seeded } = await withTwoOwners();
    const held = await setFourEyes(core, owner, false);
    expect(held).toMatchObject({ changed: true, kind: "request.filed" });
    expect((await core.settings(owner)).fourEyes).toBe(true);
    // The attack it stops: off, remove the other Owner, on again — the removal is still guarded.
    expect(await outcome(() => removeMember(core, owner, { email: "olga@acme.test" }))).toBe(
      "SECOND_OWNER_NEEDED",
    );
    expect((await core.whoami(seeded.as("olga@acme.test"))).role).toBe("owner");
    expect(
      await outcome(() => approve(core.requests, owner, filedId(held)).then(() => ({ changed: true }))),
    ).toBe("SELF_APPROVAL");
    expect((await core.settings(owner)).fourEyes).toBe(true);
    const approved = await approve(core.requests, seeded.as("olga@acme.test"), filedId(held));
    expect(approved.applied).toBe(true);
    expect((await core.settings(owner)).fourEyes).toBe(false);
    const audit = (await core.fullAuditLog(seeded.accountId)).find(
      (e) =>
        e.target.type === "setting" &&
        e.target.setting === "four_eyes" &&
        JSON.stringify(e.after) === `{"fourEyes":false}`,
    );
    expect(audit).toMatchObject({
      action: "setting.changed",
      target: { type: "setting", setting: "four_eyes" },
      before: { fourEyes: true },
      after: { fourEyes: false },
      source: "approval",
    });
    // Turning it back on needs nobody.
    expect(await outcome(() => setFourEyes(core, owner, true))).toBe("ok");
  });

  it("no refusal advises turning four-eyes off", async () => {
    const { core, owner } = await withTwoOwners();
    const messages: string[] = [];
    const refused = async (fn: () => Promise<unknown>) =>
      fn().then(
        () => {
          throw new Error("should be refused");
        },
        (e: unknown) => messages.push(said(e).message),
      );
    await refused(() => removeMember(core, owner, { email: "olga@acme.test" }));
    const alone = await testTeam(MEMBERS);
    await setFourEyes(alone.core, alone.owner, true);
    await refused(() => alone.core.changeRole(alone.owner, { email: "ann@acme.test" }, "owner"));
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).not.toMatch(/four-eyes off|turn (it|four-eyes) off|switch/i);
      expect(message).toMatch(/Owner/);
    }
    expect(messages[0]).toContain("Make a third Owner first");
  });

  it("the only active Owner is told a second Owner is needed, and may turn four-eyes off at once", async () => {
    const { core, owner } = await testTeam(MEMBERS);
    await setFourEyes(core, owner, true);
    expect(await outcome(() => core.changeRole(owner, { email: "ann@acme.test" }, "owner"))).toBe(
      "SECOND_OWNER_NEEDED",
    );
    expect(await outcome(() => setFourEyes(core, owner, false))).toBe("ok");
    expect(await outcome(() => core.changeRole(owner, { email: "ann@acme.test" }, "owner"))).toBe("ok");
  });

  it("only Owners turn it on or off; it is audited", async () => {
    const { core, owner, seeded } = await testTeam(MEMBERS);
    expect(await outcome(() => setFourEyes(core, seeded.as("ann@acme.test"), true))).toBe("FORBIDDEN");
    expect(await outcome(() => setFourEyes(core, owner, true))).toBe("ok");
    expect(await outcome(() => setFourEyes(core, owner, true))).toBe("unchanged");
    expect((await core.settings(owner)).fourEyes).toBe(true);
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "setting.changed",
      target: { type: "setting", setting: "four_eyes" },
      before: { fourEyes: false },
      after: { fourEyes: true },
    });
  });
});

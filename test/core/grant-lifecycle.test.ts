import { describe, expect, it } from "vitest";
import type { ActorContext } from "../../src/core/access-core.js";
import { auditTargetText } from "../../src/core/audit.js";
import type { PermissionKey } from "../../src/core/permissions.js";
import { removeMember, setPermission } from "../helpers/core.js";
import { approve } from "../helpers/requests.js";
import { outcome, testTeam } from "../helpers/team.js";

/**
 * PRODUCT rule 8 over a grant's whole life, as its holder and the Owners notice it: what the Extend
 * form offers, when a grant counts as held, what the grants list shows between its end time and the
 * expiry job, how a second grant of the same permission stretches (never shortens) the first, and
 * that the background work (expiry, reminders, end notices) happens once even when run twice at once.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

const MEMBERS = [
  { email: "ann@acme.test", role: "admin" as const },
  { email: "tom@acme.test", role: "teammate" as const },
  { email: "tia@acme.test", role: "teammate" as const },
];

type Team = Awaited<ReturnType<typeof testTeam>>;

const start = (
  t: Team,
  email: string,
  permission: PermissionKey,
  minutes: number,
  by: ActorContext = t.owner,
) => t.core.change(by, { kind: "grant.start", member: { email }, permission, minutes });
const extend = (
  t: Team,
  email: string,
  permission: PermissionKey,
  minutes: number,
  by: ActorContext = t.owner,
) => t.core.change(by, { kind: "grant.extend", member: { email }, permission, minutes });
const end = (t: Team, email: string, permission: PermissionKey, by: ActorContext = t.owner) =>
  t.core.change(by, { kind: "grant.end", member: { email }, permission });

/** The holder's own grants as the grants list shows them: permission and end time. */
const mine = async (t: Team, email: string) =>
  (await t.core.grants.list(t.seeded.as(email))).mine.map((g) => [g.permission, g.endsAt]);

/** The code an extension offer is refused with, or the minutes it offers. */
const offer = async (t: Team, email: string, permission: PermissionKey): Promise<number | string> => {
  try {
    return (await t.core.grants.extension(t.seeded.as(email), permission)).minutes;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

const grantAudit = async (t: Team) =>
  (await t.core.fullAuditLog(t.seeded.accountId))
    .filter((e) => e.action.startsWith("grant."))
    .map((e) => ({ action: e.action, target: auditTargetText(e.target), before: e.before, after: e.after }));

describe("what the Extend form offers the holder", () => {
  it("the grant's own length again, counted from its start — after an extension, the whole new length", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 30);
    const offered = await t.core.grants.extension(t.seeded.as("tom@acme.test"), "team_settings");
    expect(offered).toMatchObject({
      minutes: 30,
      grant: { permission: "team_settings", memberEmail: "tom@acme.test", endsAt: at(30 * MINUTE) },
    });
    t.clock.advance(10 * MINUTE);
    await extend(t, "tom@acme.test", "team_settings", 60);
    expect(await offer(t, "tom@acme.test", "team_settings")).toBe(90);
  });

  it("less where GRANT_MAX_HOURS (72) leaves less room, down to one minute; none once the limit is reached", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 72 * 60);
    // The grant already ends 72 hours from now: no extension could be approved.
    expect(await offer(t, "tom@acme.test", "team_settings")).toBe("GRANT_TOO_LONG");
    t.clock.advance(MINUTE);
    expect(await offer(t, "tom@acme.test", "team_settings")).toBe(1);
    t.clock.advance(29 * MINUTE);
    expect(await offer(t, "tom@acme.test", "team_settings")).toBe(30);
    // What is offered is what an Owner can approve; a minute more is too long.
    expect(await outcome(() => extend(t, "tom@acme.test", "team_settings", 31))).toBe("GRANT_TOO_LONG");
    expect(await outcome(() => extend(t, "tom@acme.test", "team_settings", 30))).toBe("ok");
    expect(await mine(t, "tom@acme.test")).toEqual([["team_settings", at(72 * HOUR + 30 * MINUTE)]]);
  });

  it("nothing for a permission the reader holds no grant of, someone else's grant, or a grant past its end", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    expect(await offer(t, "tom@acme.test", "access_permissions")).toBe("NO_SUCH_GRANT");
    expect(await offer(t, "tia@acme.test", "team_settings")).toBe("NO_SUCH_GRANT");
    t.clock.advance(HOUR);
    // Ended at its time, though the expiry job has not written it down yet.
    expect(await offer(t, "tom@acme.test", "team_settings")).toBe("NO_SUCH_GRANT");
  });
});

describe("who holds a grant now", () => {
  it("the holder, of that permission, strictly before its end time, until it is ended; a new grant holds again", async () => {
    const t = await testTeam(MEMBERS);
    const { accountId } = t.seeded;
    // Members' ids, read off grants of another permission.
    await start(t, "tom@acme.test", "access_permissions", 24 * 60);
    await start(t, "tia@acme.test", "access_permissions", 24 * 60);
    const idOf = async (email: string) =>
      (await t.core.grants.list(t.seeded.as(email))).mine[0]?.memberId ?? "none";
    const tom = await idOf("tom@acme.test");
    const tia = await idOf("tia@acme.test");
    const holds = (id: string, permission: PermissionKey) =>
      t.core.grants.holdsNow(accountId, id, permission);
    expect(await holds(tom, "team_settings")).toBe(false);
    await start(t, "tom@acme.test", "team_settings", 60);
    expect(await holds(tom, "team_settings")).toBe(true);
    expect(await holds(tom, "billing")).toBe(false);
    expect(await holds(tia, "team_settings")).toBe(false);
    t.clock.advance(HOUR - 1);
    expect(await holds(tom, "team_settings")).toBe(true);
    t.clock.advance(1);
    expect(await holds(tom, "team_settings")).toBe(false);
    // Granted again after the first ended (not yet expired by the job): held by the new one.
    await start(t, "tom@acme.test", "team_settings", 60);
    expect(await holds(tom, "team_settings")).toBe(true);
    await end(t, "tom@acme.test", "team_settings");
    expect(await holds(tom, "team_settings")).toBe(false);
  });

  it("the grants list leaves out a grant past its end time before the expiry job has run", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    await start(t, "tia@acme.test", "team_settings", 120);
    t.clock.advance(HOUR);
    expect(await mine(t, "tom@acme.test")).toEqual([]);
    expect((await t.core.grants.list(t.owner)).all?.map((g) => g.memberEmail)).toEqual(["tia@acme.test"]);
  });
});

describe("a second grant of the same permission", () => {
  it("stretches a shorter running grant to the new end (audited as extended); a longer one stays as it is", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    t.clock.advance(30 * MINUTE);
    // Asked for 20 minutes at 0:30: the grant running until 1:00 already covers it.
    expect(await outcome(() => start(t, "tom@acme.test", "team_settings", 20))).toBe("unchanged");
    expect(await mine(t, "tom@acme.test")).toEqual([["team_settings", at(HOUR)]]);
    // Exactly to its end: nothing to stretch either.
    expect(await outcome(() => start(t, "tom@acme.test", "team_settings", 30))).toBe("unchanged");
    expect(await outcome(() => start(t, "tom@acme.test", "team_settings", 90))).toBe("ok");
    expect(await mine(t, "tom@acme.test")).toEqual([["team_settings", at(2 * HOUR)]]);
    expect((await t.core.grants.list(t.owner)).all).toHaveLength(1);
    expect((await grantAudit(t)).slice(1)).toEqual([
      {
        action: "grant.extended",
        target: "tom@acme.test",
        before: { permission: "team_settings", until: at(HOUR) },
        after: { permission: "team_settings", until: at(2 * HOUR) },
      },
    ]);
  });

  it("after the first ended at its time, starts a new grant of its own", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    t.clock.advance(HOUR);
    expect(await outcome(() => start(t, "tom@acme.test", "team_settings", 30))).toBe("ok");
    expect(await mine(t, "tom@acme.test")).toEqual([["team_settings", at(HOUR + 30 * MINUTE)]]);
    expect((await grantAudit(t)).map((e) => e.action)).toEqual(["grant.started", "grant.started"]);
  });

  it("a grant started and then extended keeps the reminder 15 minutes before its new end", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    await extend(t, "tom@acme.test", "team_settings", 60);
    t.clock.advance(HOUR - 15 * MINUTE);
    // The old reminder time (0:45) has moved with the end.
    expect(await t.core.grants.toRemind()).toEqual([]);
    t.clock.advance(HOUR);
    expect((await t.core.grants.toRemind()).map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
  });
});

describe("the audit of a grant's start, extension and end", () => {
  it("says what was granted until when, with its reason and request; who ended it; a removed holder's end says why", async () => {
    const t = await testTeam(MEMBERS);
    await t.core.change(t.owner, {
      kind: "grant.start",
      member: { email: "tom@acme.test" },
      permission: "team_settings",
      minutes: 60,
      reason: "month end",
    });
    await start(t, "tia@acme.test", "team_settings", 60);
    await extend(t, "tom@acme.test", "team_settings", 30);
    await end(t, "tom@acme.test", "team_settings");
    await removeMember(t.core, t.owner, { email: "tia@acme.test" });
    expect(await grantAudit(t)).toEqual([
      {
        action: "grant.started",
        target: "tom@acme.test",
        before: null,
        after: { permission: "team_settings", until: at(HOUR), reason: "month end" },
      },
      {
        action: "grant.started",
        target: "tia@acme.test",
        before: null,
        after: { permission: "team_settings", until: at(HOUR) },
      },
      {
        action: "grant.extended",
        target: "tom@acme.test",
        before: { permission: "team_settings", until: at(HOUR) },
        after: { permission: "team_settings", until: at(HOUR + 30 * MINUTE) },
      },
      {
        action: "grant.ended",
        target: "tom@acme.test",
        before: { permission: "team_settings", until: at(HOUR + 30 * MINUTE) },
        after: { permission: "team_settings", endedBy: "owner@acme.test" },
      },
      {
        action: "grant.ended",
        target: "tia@acme.test",
        before: { permission: "team_settings", until: at(HOUR) },
        after: { permission: "team_settings", endedBy: "owner@acme.test", why: "removed" },
      },
    ]);
  });

  it("a grant approved from a request names the request; one ended at its time is expired by the system", async () => {
    const t = await testTeam(MEMBERS);
    const tom = t.seeded.as("tom@acme.test");
    const request = await t.core.requests.file(tom, {
      kind: "grant.start",
      member: { email: "tom@acme.test" },
      permission: "team_settings",
      minutes: 60,
    });
    await approve(t.core.requests, t.owner, request.id);
    t.clock.advance(HOUR);
    await t.core.grants.expire();
    expect(await grantAudit(t)).toEqual([
      expect.objectContaining({ action: "grant.requested" }),
      {
        action: "grant.started",
        target: "tom@acme.test",
        before: null,
        after: { permission: "team_settings", until: at(HOUR), request: request.id },
      },
      {
        action: "grant.expired",
        target: "tom@acme.test",
        before: { permission: "team_settings", until: at(HOUR) },
        after: null,
      },
    ]);
  });
});

describe("grants a change of role or removal ends", () => {
  it("made an Owner: every running grant ends (Owners hold everything); one past its end is left to expire", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "ann@acme.test", "team_settings", 60);
    await start(t, "ann@acme.test", "access_permissions", 120);
    t.clock.advance(HOUR);
    await t.core.changeRole(t.owner, { email: "ann@acme.test" }, "owner");
    const audit = await grantAudit(t);
    expect(audit.filter((e) => e.action === "grant.ended")).toEqual([
      {
        action: "grant.ended",
        target: "ann@acme.test",
        before: { permission: "access_permissions", until: at(2 * HOUR) },
        after: { permission: "access_permissions", endedBy: "owner@acme.test", why: "standing" },
      },
    ]);
    // The Team Settings grant ended at its time: the job writes it down as expired.
    expect((await t.core.grants.expire()).map((g) => g.permission)).toEqual(["team_settings"]);
    // Only the expiry is told: the new Owner holds Access Permissions by role, nothing to tell.
    expect((await t.core.grants.toTell()).map((g) => [g.permission, g.endReason])).toEqual([
      ["team_settings", "expired"],
    ]);
    expect((await t.core.grants.list(t.owner)).all).toEqual([]);
  });

  it("a new role that does not hold the permission keeps the grant running", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "ann@acme.test", "team_settings", 60);
    await t.core.changeRole(t.owner, { email: "ann@acme.test" }, "teammate");
    expect(await mine(t, "ann@acme.test")).toEqual([["team_settings", at(HOUR)]]);
    expect(await t.core.access.can(t.seeded.accountId, "ann@acme.test", "team_settings")).toBe(true);
  });

  it("only the member's own grants end with them", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    await start(t, "tia@acme.test", "team_settings", 60);
    await removeMember(t.core, t.owner, { email: "tom@acme.test" });
    expect((await t.core.grants.list(t.owner)).all?.map((g) => g.memberEmail)).toEqual(["tia@acme.test"]);
  });
});

describe("starting and extending, refused", () => {
  it("an Owner needs no grant; only Owners start or extend one; an invited member gets none", async () => {
    const t = await testTeam([
      ...MEMBERS,
      { email: "olga@acme.test", role: "owner" },
      { email: "ivy@acme.test", role: "teammate", status: "invited" },
    ]);
    expect(await outcome(() => start(t, "olga@acme.test", "team_settings", 60))).toBe("INVALID_INPUT");
    expect(await outcome(() => start(t, "ivy@acme.test", "team_settings", 60))).toBe("NOT_ACTIVE");
    await start(t, "tom@acme.test", "team_settings", 60);
    expect(
      await outcome(() => extend(t, "tom@acme.test", "team_settings", 30, t.seeded.as("ann@acme.test"))),
    ).toBe("FORBIDDEN");
    expect(
      await outcome(() => extend(t, "tom@acme.test", "team_settings", 30, t.seeded.as("tom@acme.test"))),
    ).toBe("FORBIDDEN");
    expect(await outcome(() => extend(t, "ivy@acme.test", "team_settings", 30))).toBe("NOT_ACTIVE");
  });

  it("extending needs a grant working now: none, another permission's, or one past its end is NO_SUCH_GRANT", async () => {
    const t = await testTeam(MEMBERS);
    expect(await outcome(() => extend(t, "tom@acme.test", "team_settings", 30))).toBe("NO_SUCH_GRANT");
    await start(t, "tom@acme.test", "team_settings", 60);
    expect(await outcome(() => extend(t, "tom@acme.test", "access_permissions", 30))).toBe("NO_SUCH_GRANT");
    expect(await outcome(() => extend(t, "tia@acme.test", "team_settings", 30))).toBe("NO_SUCH_GRANT");
    t.clock.advance(HOUR);
    expect(await outcome(() => extend(t, "tom@acme.test", "team_settings", 30))).toBe("NO_SUCH_GRANT");
  });

  it("ending: an Admin with Team Settings may not end a teammate's grant; the holder and an Owner may", async () => {
    const t = await testTeam(MEMBERS);
    await setPermission(t.core, t.owner, { role: "admin", permission: "team_settings", allowed: true });
    await start(t, "tom@acme.test", "access_permissions", 60);
    expect(
      await outcome(() => end(t, "tom@acme.test", "access_permissions", t.seeded.as("ann@acme.test"))),
    ).toBe("FORBIDDEN");
    expect(
      await outcome(() => end(t, "tom@acme.test", "access_permissions", t.seeded.as("tom@acme.test"))),
    ).toBe("ok");
    // Past its end it is not running, so there is nothing to end early.
    await start(t, "tia@acme.test", "access_permissions", 60);
    t.clock.advance(HOUR);
    expect(await outcome(() => end(t, "tia@acme.test", "access_permissions"))).toBe("NO_SUCH_GRANT");
  });
});

describe("the background work happens once", () => {
  it("two expiry runs at once end each grant once, and each reports only the grants it ended", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    await start(t, "tia@acme.test", "team_settings", 60);
    t.clock.advance(HOUR);
    const runs = await Promise.all([t.core.grants.expire(), t.core.grants.expire()]);
    expect(
      runs
        .flat()
        .map((g) => g?.memberEmail)
        .sort(),
    ).toEqual(["tia@acme.test", "tom@acme.test"]);
    expect((await grantAudit(t)).filter((e) => e.action === "grant.expired")).toHaveLength(2);
  });

  it("a running grant is not expired; it ends exactly at its end time", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    t.clock.advance(HOUR - 1);
    expect(await t.core.grants.expire()).toEqual([]);
    t.clock.advance(1);
    const [expired] = await t.core.grants.expire();
    expect(expired).toMatchObject({ memberEmail: "tom@acme.test", endedAt: null, endsAt: at(HOUR) });
    expect((await t.core.grants.toTell())[0]).toMatchObject({ endedAt: at(HOUR), endedBy: null });
  });

  it("a notice given back (Slack failed) is due again, and can be claimed again", async () => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", 60);
    t.clock.advance(45 * MINUTE);
    const [due] = await t.core.grants.toRemind();
    if (!due) throw new Error("tom's reminder is due");
    expect(await t.core.grants.claim(due, "reminder")).toBe(true);
    expect(await t.core.grants.toRemind()).toEqual([]);
    await t.core.grants.release(due, "reminder");
    expect((await t.core.grants.toRemind()).map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
    expect(await t.core.grants.claim(due, "reminder")).toBe(true);

    await end(t, "tom@acme.test", "team_settings");
    const [ended] = await t.core.grants.toTell();
    if (!ended) throw new Error("tom's end notice is due");
    expect(await t.core.grants.claim(ended, "end")).toBe(true);
    expect(await t.core.grants.toTell()).toEqual([]);
    await t.core.grants.release(ended, "end");
    expect((await t.core.grants.toTell()).map((g) => [g.memberEmail, g.endReason])).toEqual([
      ["tom@acme.test", "ended"],
    ]);
  });
});

describe("when the holder is reminded, and how the API says a grant lets them in", () => {
  it.each([
    // A grant shorter than 30 minutes is reminded half-way; a longer one 15 minutes before its end.
    [20, 10],
    [29, 14.5],
    [40, 25],
    [120, 105],
  ])("a %i-minute grant is reminded after %f minutes", async (minutes, after) => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", minutes);
    t.clock.advance(after * MINUTE - 1);
    expect(await t.core.grants.toRemind()).toEqual([]);
    t.clock.advance(1);
    expect((await t.core.grants.toRemind()).map((g) => g.memberEmail)).toEqual(["tom@acme.test"]);
  });

  it.each([
    [65, "Temporary grant until 01:05 UTC, approved by owner@acme.test"],
    [24 * 60 - 1, "Temporary grant until 23:59 UTC, approved by owner@acme.test"],
    // A day or more away, the date too, so a three-day grant is not read as ending this afternoon.
    [24 * 60, "Temporary grant until 2 Jan 00:00 UTC, approved by owner@acme.test"],
    [72 * 60 - 5, "Temporary grant until 3 Jan 23:55 UTC, approved by owner@acme.test"],
  ])("a %i-minute grant: %s", async (minutes, reason) => {
    const t = await testTeam(MEMBERS);
    await start(t, "tom@acme.test", "team_settings", minutes);
    expect(await t.core.explain(t.seeded.accountId, "tom@acme.test", "team_settings")).toMatchObject({
      allowed: true,
      reason,
    });
  });
});

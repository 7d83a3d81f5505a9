import { describe, expect, it } from "vitest";
import { setPermission } from "../helpers/core.js";
import { refusalOf } from "../helpers/refusals.js";
import { reject } from "../helpers/requests.js";
import { testTeam } from "../helpers/team.js";

/** PRODUCT §5: reading the audit log — newest first, by pages, one Save one change, and who it names. */

const OWNER = "owner@acme.test";

const team = testTeam;

describe("the audit log", () => {
  it("shows the newest N entries, oldest first, and needs Team Settings", async () => {
    const { core, owner } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom" });
    const last = await core.auditLog(owner, 2);
    expect(last.map((e) => e.action)).toEqual(["member.activated", "member.edited"]);
  });

  it("one Save of the permissions form is one change however many cells it toggled, even at the same instant as others", async () => {
    // The manual clock never moves: every entry has the same time, actor and source.
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await setPermission(core, owner, { role: "admin", permission: "billing", allowed: false });
    await core.setPermissions(owner, {
      admin: ["team_settings", "billing", "export_users"],
      teammate: ["export_users"],
    });
    await setPermission(core, owner, { role: "teammate", permission: "billing", allowed: true });
    const log = await core.fullAuditLog(seeded.accountId);
    const save = log.filter((e) => e.batch === log.at(-2)?.batch);
    expect(save.length).toBeGreaterThan(4);
    expect(new Set(save.map((e) => e.action))).toEqual(new Set(["permission.granted", "permission.revoked"]));
    expect(log.at(-1)?.batch).toBe(log.at(-1)?.seq);
    expect(await core.verifyAudit(seeded.accountId)).toEqual({ ok: true, entries: log.length });

    const page = await core.auditChanges(owner, { last: 2, before: null });
    expect(page.entries.map((e) => e.seq)).toEqual([...save.map((e) => e.seq), log.at(-1)?.seq]);
    expect(page.older).toBe(save[0]?.seq);
    const older = await core.auditChanges(owner, { last: 1, before: page.older });
    expect(older.entries.map((e) => e.action)).toEqual(["permission.revoked"]);
    expect(older.before).toBe(page.older);
  });

  it("pages back to the first entry, naming the members its entries name, and needs Team Settings", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0TM");
    const seen: number[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = await core.auditChanges(owner, { last: 2, before });
      seen.unshift(...page.entries.map((e) => e.seq));
      if (page.older === null) break;
      before = page.older;
    }
    expect(seen).toEqual((await core.fullAuditLog(seeded.accountId)).map((e) => e.seq));
    const newest = await core.auditChanges(owner, { last: 1, before: null });
    expect(newest.people).toEqual([{ email: "tm@acme.test", name: null, slackUserId: "U0TM" }]);
    expect(
      (await refusalOf(() => core.auditChanges(seeded.as("tm@acme.test"), { last: 5, before: null }))).code,
    ).toBe("FORBIDDEN");
  });

  it("a request's entries name who asked for it", async () => {
    const { core, owner, seeded } = await team([
      { email: "tm@acme.test", role: "teammate" },
      { email: "ad@acme.test", role: "admin" },
    ]);
    const request = await core.requests.file(seeded.as("ad@acme.test"), {
      kind: "member.edit",
      member: { email: "tm@acme.test" },
      role: "admin",
    });
    await reject(core.requests, owner, request.id, "Not now");
    const page = await core.auditChanges(owner, { last: 2, before: null });
    expect(page.entries.map((e) => e.action)).toEqual(["request.filed", "request.rejected"]);
    expect(page.requesters).toEqual({ [request.id]: "ad@acme.test" });
    expect(page.people.map((p) => p.email).sort()).toEqual(["ad@acme.test", OWNER]);
  });
});

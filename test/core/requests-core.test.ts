import { afterEach, describe, expect, it } from "vitest";
import type { RawChangeIntent } from "../../src/core/intents.js";
import { refusedWith, said } from "../helpers/refusals.js";
import { manualClock, openCore, seedTeam } from "../helpers/team.js";

/**
 * PRODUCT §3 at the core's door: what a request may be filed for, where it goes, how its copies in
 * Slack are tracked, and who each audit entry names.
 */
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const team = async () => {
  const clock = manualClock();
  const wired = await openCore(undefined, clock);
  closers.push(wired.close);
  const seeded = await seedTeam(wired.core, [
    { email: "o2@acme.test", role: "owner" },
    { email: "admin@acme.test", role: "admin" },
    { email: "tm@acme.test", role: "teammate" },
    { email: "new@acme.test", role: "teammate", status: "invited" },
  ]);
  const admin = seeded.as("admin@acme.test");
  const owner = seeded.as("owner@acme.test");
  return { ...wired, clock, seeded, admin, owner };
};
const promote: RawChangeIntent = { kind: "member.edit", member: { email: "tm@acme.test" }, role: "admin" };

describe("filing", () => {
  it("would file an overrulable change, not one that is already so, nor junk — and checking writes nothing", async () => {
    const { core, seeded, admin } = await team();
    const before = (await core.fullAuditLog(seeded.accountId)).length;
    expect(await core.requests.wouldFile(admin, promote)).toBe(true);
    expect(
      await core.requests.wouldFile(admin, {
        kind: "permission.set",
        role: "admin",
        permission: "billing",
        allowed: true,
      }),
    ).toBe(false);
    expect(
      await core.requests.wouldFile(admin, { kind: "member.remove", member: { email: "ghost@acme.test" } }),
    ).toBe(false);
    expect(await core.requests.wouldFile(admin, { kind: "member.teleport" })).toBe(false);
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(before);
    expect((await core.requests.list(admin)).filed).toEqual([]);
  });

  it("the same change asked twice by the same person is one request; another change or person is another", async () => {
    const { core, seeded, admin } = await team();
    const first = await core.requests.file(admin, promote);
    expect((await core.requests.file(admin, { ...promote, member: { email: "TM@acme.test" } })).id).toBe(
      first.id,
    );
    expect((await core.requests.file(admin, { ...promote, role: "owner" })).id).not.toBe(first.id);
    expect((await core.requests.file(seeded.as("tm@acme.test"), promote)).id).not.toBe(first.id);
    expect(
      (await core.fullAuditLog(seeded.accountId)).filter((e) => e.action === "request.filed"),
    ).toHaveLength(3);
  });

  it("says what the change does to the member as they are now", async () => {
    const { core, admin } = await team();
    expect(
      (await core.requests.file(admin, { kind: "invite.revoke", member: { email: "new@acme.test" } })).effect,
    ).toBe("Revokes the invite for new@acme.test.");
    expect(
      (await core.requests.file(admin, { kind: "member.remove", member: { email: "tm@acme.test" } })).effect,
    ).toBe("Removes tm@acme.test (Teammate, active) from the team.");
  });
});

describe("where a request goes, and what Slack has been told", () => {
  it("to the approvals channel when set, else to each active Owner linked to Slack", async () => {
    const { core, seeded, owner } = await team();
    expect(await core.requests.destinations(seeded.accountId)).toEqual([]);
    await core.linkSlackUser(seeded.accountId, "o2@acme.test", "U0O2");
    await core.linkSlackUser(seeded.accountId, "admin@acme.test", "U0ADMIN"); // linked, but no Owner
    expect(await core.requests.destinations(seeded.accountId)).toEqual(["U0O2"]);
    await core.setApprovalsChannel(owner, "C0APPROVE");
    expect(await core.requests.destinations(seeded.accountId)).toEqual(["C0APPROVE"]);
  });

  it("a request is to post until every place has it, then to announce once decided, then done", async () => {
    const { core, seeded, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    const ids = (list: { id: string }[]) => list.map((r) => r.id);
    expect(ids(await core.requests.toPost())).toEqual([id]);
    await core.requests.markPosted(seeded.accountId, id, [{ to: "U1", channel: "D1", ts: "1.1" }], false);
    expect(ids(await core.requests.toPost())).toEqual([id]);
    expect((await core.requests.get(seeded.accountId, id)).posts).toEqual([
      { to: "U1", channel: "D1", ts: "1.1" },
    ]);
    await core.requests.markPosted(seeded.accountId, id, [{ to: "U1", channel: "D1", ts: "1.1" }]);
    expect(await core.requests.toPost()).toEqual([]);
    expect(await core.requests.toAnnounce()).toEqual([]); // still pending: nothing to announce
    await core.requests.approve(owner, id);
    expect(ids(await core.requests.toAnnounce())).toEqual([id]);
    await core.requests.markAnnounced(seeded.accountId, id);
    expect(await core.requests.toAnnounce()).toEqual([]);
  });
});

describe("deciding", () => {
  it("an approval answers with what was applied; a failed one with why", async () => {
    const { core, admin, owner } = await team();
    const applied = await core.requests.approve(owner, (await core.requests.file(admin, promote)).id);
    expect(applied).toMatchObject({
      applied: true,
      result: { changed: true, kind: "member.edited", fields: { role: { after: "admin" } } },
    });
    const again = await core.requests.file(admin, {
      kind: "member.remove",
      member: { email: "tm@acme.test" },
    });
    await core.removeMember(owner, { email: "tm@acme.test" });
    const failed = await core.requests.approve(owner, again.id);
    expect(failed).toMatchObject({ applied: false, request: { status: "failed" } });
    expect(failed.applied ? "" : said(failed.error).message).toBe(
      "tm@acme.test is not a member of this team. Check the address, or invite them first.",
    );
  });

  it("a rejection's reason has a name's character rules (PRODUCT §1): hidden characters are refused, and the request stays open", async () => {
    const { core, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    for (const reason of ["not\u{E0001} now", "not\u206a now", "not\u17b4 now", "x".repeat(501)])
      await expect(core.requests.reject(owner, id, reason)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await core.requests.get(admin.accountId, id)).status).toBe("pending");
    const rejected = await core.requests.reject(owner, id, "  Not this week 🙅‍♀️  ");
    expect(rejected).toMatchObject({ status: "rejected", reason: "Not this week 🙅‍♀️" });
  });

  it("a request expires at its time exactly: at that moment a decision closes it", async () => {
    const { core, clock, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    clock.advanceHours(168);
    expect(await refusedWith(core.requests.approve(owner, id))).toContain("This request has expired.");
    expect((await core.requests.get(admin.accountId, id)).status).toBe("expired");
  });

  it("each audit entry names who acted and through which door", async () => {
    const { core, seeded, admin, owner } = await team();
    const log = () => core.fullAuditLog(seeded.accountId);
    await core.activate(seeded.accountId, "new@acme.test");
    expect((await log()).at(-1)).toMatchObject({
      actor: "operator",
      source: "cli",
      action: "member.activated",
    });
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0TM");
    expect((await log()).at(-1)).toMatchObject({
      actor: "system",
      source: "slack",
      action: "member.slack_linked",
    });
    const { id } = await core.requests.file(admin, promote);
    expect((await log()).at(-1)).toMatchObject({
      actor: "admin@acme.test",
      source: "cli",
      action: "request.filed",
    });
    await core.requests.approve(owner, id);
    const [change, approval] = (await log()).slice(-2);
    expect(change).toMatchObject({
      actor: "owner@acme.test",
      source: "approval",
      action: "member.role_changed",
      requestId: id,
    });
    expect(approval).toMatchObject({
      actor: "owner@acme.test",
      source: "approval",
      action: "request.approved",
      requestId: id,
    });
  });
});

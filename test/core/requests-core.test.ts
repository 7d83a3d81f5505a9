import { afterEach, describe, expect, it } from "vitest";
import type { RawChangeIntent } from "../../src/core/intents.js";
import { manualClock, openCore, seedTeam } from "../helpers/team.js";

/**
 * PRODUCT §3 at the core's door: what a request may be filed for, where it goes, how its copies in
 * Slack are tracked, and who each audit entry names.
 */
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const team = () => {
  const clock = manualClock();
  const wired = openCore(":memory:", clock);
  closers.push(wired.close);
  const seeded = seedTeam(wired.core, [
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
  it("would file an overrulable change, not one that is already so, nor junk — and checking writes nothing", () => {
    const { core, seeded, admin } = team();
    const before = core.fullAuditLog(seeded.accountId).length;
    expect(core.requests.wouldFile(admin, promote)).toBe(true);
    expect(
      core.requests.wouldFile(admin, {
        kind: "permission.set",
        role: "admin",
        permission: "billing",
        allowed: true,
      }),
    ).toBe(false);
    expect(
      core.requests.wouldFile(admin, { kind: "member.remove", member: { email: "ghost@acme.test" } }),
    ).toBe(false);
    expect(core.requests.wouldFile(admin, { kind: "member.teleport" })).toBe(false);
    expect(core.fullAuditLog(seeded.accountId)).toHaveLength(before);
    expect(core.requests.list(admin).filed).toEqual([]);
  });

  it("the same change asked twice by the same person is one request; another change or person is another", () => {
    const { core, seeded, admin } = team();
    const first = core.requests.file(admin, promote);
    expect(core.requests.file(admin, { ...promote, member: { email: "TM@acme.test" } }).id).toBe(first.id);
    expect(core.requests.file(admin, { ...promote, role: "owner" }).id).not.toBe(first.id);
    expect(core.requests.file(seeded.as("tm@acme.test"), promote).id).not.toBe(first.id);
    expect(core.fullAuditLog(seeded.accountId).filter((e) => e.action === "request.filed")).toHaveLength(3);
  });

  it("says what the change does to the member as they are now", () => {
    const { core, admin } = team();
    expect(
      core.requests.file(admin, { kind: "invite.revoke", member: { email: "new@acme.test" } }).effect,
    ).toBe("Revokes the invite for new@acme.test.");
    expect(
      core.requests.file(admin, { kind: "member.remove", member: { email: "tm@acme.test" } }).effect,
    ).toBe("Removes tm@acme.test (Teammate, active) from the team.");
  });
});

describe("where a request goes, and what Slack has been told", () => {
  it("to the approvals channel when set, else to each active Owner linked to Slack", () => {
    const { core, seeded, owner } = team();
    expect(core.requests.destinations(seeded.accountId)).toEqual([]);
    core.linkSlackUser(seeded.accountId, "o2@acme.test", "U0O2");
    core.linkSlackUser(seeded.accountId, "admin@acme.test", "U0ADMIN"); // linked, but no Owner
    expect(core.requests.destinations(seeded.accountId)).toEqual(["U0O2"]);
    core.setApprovalsChannel(owner, "C0APPROVE");
    expect(core.requests.destinations(seeded.accountId)).toEqual(["C0APPROVE"]);
  });

  it("a request is to post until every place has it, then to announce once decided, then done", () => {
    const { core, seeded, admin, owner } = team();
    const { id } = core.requests.file(admin, promote);
    const ids = (list: { id: string }[]) => list.map((r) => r.id);
    expect(ids(core.requests.toPost())).toEqual([id]);
    core.requests.markPosted(seeded.accountId, id, [{ to: "U1", channel: "D1", ts: "1.1" }], false);
    expect(ids(core.requests.toPost())).toEqual([id]);
    expect(core.requests.get(seeded.accountId, id).posts).toEqual([{ to: "U1", channel: "D1", ts: "1.1" }]);
    core.requests.markPosted(seeded.accountId, id, [{ to: "U1", channel: "D1", ts: "1.1" }]);
    expect(core.requests.toPost()).toEqual([]);
    expect(core.requests.toAnnounce()).toEqual([]); // still pending: nothing to announce
    core.requests.approve(owner, id);
    expect(ids(core.requests.toAnnounce())).toEqual([id]);
    core.requests.markAnnounced(seeded.accountId, id);
    expect(core.requests.toAnnounce()).toEqual([]);
  });
});

describe("deciding", () => {
  it("an approval answers with what was applied; a failed one with why", () => {
    const { core, admin, owner } = team();
    const applied = core.requests.approve(owner, core.requests.file(admin, promote).id);
    expect(applied).toMatchObject({
      applied: true,
      result: { changed: true, action: "member.role_changed" },
    });
    const again = core.requests.file(admin, { kind: "member.remove", member: { email: "tm@acme.test" } });
    core.removeMember(owner, { email: "tm@acme.test" });
    const failed = core.requests.approve(owner, again.id);
    expect(failed).toMatchObject({ applied: false, request: { status: "failed" } });
    expect(failed.applied ? "" : failed.error.message).toBe(
      "tm@acme.test is not a member of this team. Check the address, or invite them first.",
    );
  });

  it("a request expires at its time exactly: at that moment a decision closes it", () => {
    const { core, clock, admin, owner } = team();
    const { id } = core.requests.file(admin, promote);
    clock.advanceHours(168);
    expect(() => core.requests.approve(owner, id)).toThrow("This request has expired.");
    expect(core.requests.get(admin.accountId, id).status).toBe("expired");
  });

  it("each audit entry names who acted and through which door", () => {
    const { core, seeded, admin, owner } = team();
    const log = () => core.fullAuditLog(seeded.accountId);
    core.activate(seeded.accountId, "new@acme.test");
    expect(log().at(-1)).toMatchObject({ actor: "operator", source: "cli", action: "member.activated" });
    core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0TM");
    expect(log().at(-1)).toMatchObject({ actor: "system", source: "slack", action: "member.slack_linked" });
    const { id } = core.requests.file(admin, promote);
    expect(log().at(-1)).toMatchObject({ actor: "admin@acme.test", source: "cli", action: "request.filed" });
    core.requests.approve(owner, id);
    const [change, approval] = log().slice(-2);
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

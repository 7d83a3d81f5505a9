import { afterEach, describe, expect, it, vi } from "vitest";
import type { RawChangeIntent } from "../../src/core/intents.js";
import { removeMember, setApprovalsChannel } from "../helpers/core.js";
import { refusedWith, said } from "../helpers/refusals.js";
import { approve, reject } from "../helpers/requests.js";
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
    await setApprovalsChannel(core, owner, "C0APPROVE");
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
    await approve(core.requests, owner, id);
    expect(ids(await core.requests.toAnnounce())).toEqual([id]);
    await core.requests.markAnnounced(seeded.accountId, id);
    expect(await core.requests.toAnnounce()).toEqual([]);
  });
});

describe("deciding", () => {
  it("an approval answers with what was applied; a failed one with why", async () => {
    const { core, admin, owner } = await team();
    const applied = await approve(core.requests, owner, (await core.requests.file(admin, promote)).id);
    expect(applied).toMatchObject({
      applied: true,
      result: { changed: true, kind: "member.edited", fields: { role: { after: "admin" } } },
    });
    const again = await core.requests.file(admin, {
      kind: "member.remove",
      member: { email: "tm@acme.test" },
    });
    await removeMember(core, owner, { email: "tm@acme.test" });
    const failed = await approve(core.requests, owner, again.id);
    expect(failed).toMatchObject({ applied: false, request: { status: "failed" } });
    expect(failed.applied ? "" : said(failed.error).message).toBe(
      "tm@acme.test is not a member of this team. Check the address, or invite them first.",
    );
  });

  it("a rejection's reason has a name's character rules (PRODUCT §1): hidden characters are refused, and the request stays open", async () => {
    const { core, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    for (const reason of ["not\u{E0001} now", "not\u206a now", "not\u17b4 now", "x".repeat(501)])
      await expect(reject(core.requests, owner, id, reason)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await core.requests.get(admin.accountId, id)).status).toBe("pending");
    const rejected = await reject(core.requests, owner, id, "  Not this week 🙅‍♀️  ");
    expect(rejected).toMatchObject({ status: "rejected", reason: "Not this week 🙅‍♀️" });
  });

  it("a request expires at its time exactly: at that moment a decision closes it", async () => {
    const { core, clock, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    clock.advanceHours(168);
    expect(await refusedWith(approve(core.requests, owner, id))).toContain("This request has expired.");
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
    await approve(core.requests, owner, id);
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

describe("one decision per click: what the door must ask first comes back, with nothing written", () => {
  const pendingAndUnlogged = async (ctx: Awaited<ReturnType<typeof team>>, id: string, before: number) => {
    expect((await ctx.core.requests.get(ctx.admin.accountId, id)).status).toBe("pending");
    expect(await ctx.core.fullAuditLog(ctx.seeded.accountId)).toHaveLength(before);
  };

  it("temporary access asks how long — at most the time asked — unless the door said (a number, or the time asked)", async () => {
    const ctx = await team();
    const { core, seeded, owner } = ctx;
    const asked = await core.requests.file(seeded.as("tm@acme.test"), {
      kind: "grant.start",
      member: { email: "tm@acme.test" },
      permission: "team_settings",
      minutes: 90,
      reason: "quarter close",
    });
    const before = (await core.fullAuditLog(seeded.accountId)).length;
    const answer = await core.requests.decide(owner, asked.id, { decision: "approve", confirmed: true });
    expect(answer).toMatchObject({
      kind: "needsDuration",
      askedMinutes: 90,
      maxMinutes: 90,
      request: { id: asked.id },
    });
    await pendingAndUnlogged(ctx, asked.id, before);
    const longer = await core.requests.decide(owner, asked.id, {
      decision: "approve",
      confirmed: true,
      minutes: 91,
    });
    expect(longer).toMatchObject({ kind: "refused", error: { code: "INVALID_INPUT" } });
    await pendingAndUnlogged(ctx, asked.id, before);
    const approved = await core.requests.decide(owner, asked.id, {
      decision: "approve",
      confirmed: true,
      minutes: "asked",
    });
    expect(approved).toMatchObject({ kind: "approved", outcome: { applied: true } });
  });

  it("a change sensitive now, not confirmed by the door, asks first, its effect described on the team as it is now", async () => {
    const ctx = await team();
    const { core, admin, owner } = ctx;
    const { id } = await core.requests.file(admin, {
      kind: "member.remove",
      member: { email: "tm@acme.test" },
    });
    await core.change(owner, { kind: "member.edit", member: { email: "tm@acme.test" }, role: "owner" });
    const before = (await core.fullAuditLog(ctx.seeded.accountId)).length;
    const answer = await core.requests.decide(owner, id, { decision: "approve", confirmed: false });
    expect(answer).toMatchObject({ kind: "needsConfirmation", why: "sensitive" });
    expect(answer.kind === "needsConfirmation" && answer.request.effect).toContain(
      "Removes tm@acme.test (Owner, active)",
    );
    await pendingAndUnlogged(ctx, id, before);
    expect(await core.requests.decide(owner, id, { decision: "approve", confirmed: true })).toMatchObject({
      kind: "approved",
      outcome: { applied: true, request: { status: "approved" } },
    });
  });

  it("a change that is not sensitive applies at once, confirmed or not", async () => {
    const { core, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    expect(await core.requests.decide(owner, id, { decision: "approve", confirmed: false })).toMatchObject({
      kind: "approved",
      outcome: { applied: true },
    });
  });

  it("Reject asks why only of someone who may decide; with a reason given (or none), it rejects", async () => {
    const ctx = await team();
    const { core, seeded, admin, owner } = ctx;
    const { id } = await core.requests.file(admin, promote);
    const before = (await core.fullAuditLog(seeded.accountId)).length;
    expect(await core.requests.decide(owner, id, { decision: "reject" })).toMatchObject({
      kind: "needsReason",
      request: { id },
    });
    expect(await core.requests.decide(seeded.as("tm@acme.test"), id, { decision: "reject" })).toMatchObject({
      kind: "refused",
      error: { code: "FORBIDDEN" },
    });
    await pendingAndUnlogged(ctx, id, before);
    expect(await core.requests.decide(owner, id, { decision: "reject", reason: null })).toMatchObject({
      kind: "rejected",
      request: { status: "rejected", reason: null },
    });
    const own = await core.requests.file(seeded.as("o2@acme.test"), promote);
    expect(
      await core.requests.decide(seeded.as("o2@acme.test"), own.id, { decision: "reject" }),
    ).toMatchObject({
      kind: "refused",
      error: { code: "SELF_APPROVAL" },
    });
  });

  it("refusals are answers, not throws: no such request, already decided, expired (closed then by the system)", async () => {
    const { core, clock, seeded, admin, owner } = await team();
    expect(await core.requests.decide(owner, "RNOSUCH", { decision: "reject" })).toMatchObject({
      kind: "refused",
      error: { code: "INVALID_INPUT" },
    });
    expect(await core.requests.decide(owner, "not an id", { decision: "reject" })).toMatchObject({
      kind: "refused",
      error: { code: "INVALID_INPUT" },
    });
    const decided = await core.requests.file(admin, promote);
    await reject(core.requests, owner, decided.id, null);
    expect(
      await core.requests.decide(seeded.as("o2@acme.test"), decided.id, {
        decision: "approve",
        confirmed: true,
      }),
    ).toMatchObject({ kind: "refused", error: { code: "REQUEST_CLOSED" } });
    const late = await core.requests.file(admin, {
      kind: "member.edit",
      member: { email: "new@acme.test" },
      role: "admin",
    });
    clock.advanceHours(168);
    expect(await core.requests.decide(owner, late.id, { decision: "reject" })).toMatchObject({
      kind: "refused",
      error: { code: "REQUEST_CLOSED" },
    });
    expect((await core.requests.get(admin.accountId, late.id)).status).toBe("expired");
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "system",
      action: "request.expired",
    });
  });
});

describe("one read of the request per decision", () => {
  it("an Approve click reads the request once to decide and once to answer, and the members and matrix once", async () => {
    const { core, store, admin, owner } = await team();
    const { id } = await core.requests.file(admin, promote);
    // A read of the request, whichever layer the engine's store answers it from (one may delegate to the other).
    let reads = 0;
    let inside = 0;
    for (const reader of [store, store.requests]) {
      const original = reader.getRequest.bind(reader);
      vi.spyOn(reader, "getRequest").mockImplementation(async (accountId, requestId) => {
        if (inside === 0) reads++;
        inside++;
        try {
          return await original(accountId, requestId);
        } finally {
          inside--;
        }
      });
    }
    const snapshots = vi.spyOn(store, "decisionBasis");
    const answer = await core.requests.decide(owner, id, { decision: "approve", confirmed: false });
    expect(answer).toMatchObject({ kind: "approved", outcome: { applied: true } });
    expect(reads).toBe(2);
    expect(snapshots).toHaveBeenCalledTimes(1);
  });
});

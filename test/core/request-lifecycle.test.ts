import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";
import type { AccessCore } from "../../src/core/access-core.js";
import { removeMember } from "../helpers/core.js";
import { closeTeams, codeOf, errorOf, OWNER, team } from "../helpers/core-team.js";
import { refusedWith } from "../helpers/refusals.js";
import { mayDecide } from "../helpers/requests.js";

/** PRODUCT §3: a change request from filing to its decision, cancellation or expiry, and who may decide it. */

const requestId = (result: Awaited<ReturnType<typeof runCommand>>): string => {
  if (result.type !== "request_filed") throw new Error(`expected a filed request, got ${result.type}`);
  return result.request.id;
};

const pending = (result: Awaited<ReturnType<typeof runCommand>>) => {
  if (result.type !== "requests") throw new Error(`expected requests, got ${result.type}`);
  return { toDecide: result.toDecide.map((r) => r.id), filed: result.filed.map((r) => r.id) };
};

const roleOf = async (core: AccessCore, accountId: string, email: string) =>
  (await core.apiMember(accountId, email)).role;

afterEach(closeTeams);

describe("§3 change requests", () => {
  const withRequest = async () => {
    const wired = await team([
      { email: "o2@acme.test", role: "owner" },
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    const id = requestId(await wired.run("admin@acme.test", "request", "role", "tm@acme.test", "admin"));
    return { ...wired, id };
  };

  it("approving a request that has expired but was not yet swept is REQUEST_CLOSED and changes nothing", async () => {
    const { core, seeded, clock, run, id } = await withRequest();
    clock.advanceHours(169);
    const refusal = await errorOf(() => run(OWNER, "approve", id));
    expect(refusal.code).toBe("REQUEST_CLOSED");
    expect(refusal.message).toContain("expired");
    expect(await roleOf(core, seeded.accountId, "tm@acme.test")).toBe("teammate");
    // The request is closed as expired on the spot, and a later decision hears the same.
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "system",
      action: "request.expired",
      target: { type: "request", id },
    });
    expect(await codeOf(() => run("o2@acme.test", "reject", id))).toBe("REQUEST_CLOSED");
  });

  it("a request expires at REQUEST_TTL_HOURS exactly; just before, it is approved and applied", async () => {
    const early = await withRequest();
    early.clock.advanceHours(167.99);
    const result = await early.run(OWNER, "approve", early.id);
    expect(result).toMatchObject({ type: "request_approved", outcome: { applied: true } });
    expect(await roleOf(early.core, early.seeded.accountId, "tm@acme.test")).toBe("admin");

    const late = await withRequest();
    late.clock.advanceHours(168);
    expect(await codeOf(() => late.run(OWNER, "approve", late.id))).toBe("REQUEST_CLOSED");
    expect(await codeOf(() => late.run("admin@acme.test", "cancel", late.id))).toBe("REQUEST_CLOSED");
  });

  it("rejecting an expired, unswept request is REQUEST_CLOSED too", async () => {
    const { core, seeded, clock, run, id } = await withRequest();
    clock.advanceHours(200);
    expect(await errorOf(() => run(OWNER, "reject", id, "too", "late"))).toMatchObject({
      code: "REQUEST_CLOSED",
      message: "This request has expired. Ask again if the change is still needed.",
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({ action: "request.expired" });
  });

  it("an approval applies the change as the approving Owner and audits both names", async () => {
    const { core, seeded, run, id } = await withRequest();
    const result = await run(OWNER, "approve", id.toLowerCase());
    expect(result).toMatchObject({
      type: "request_approved",
      outcome: {
        applied: true,
        request: { id, status: "approved", decidedBy: OWNER, outcome: { applied: true } },
      },
    });
    const log = await core.fullAuditLog(seeded.accountId);
    expect(log.at(-2)).toMatchObject({
      actor: OWNER,
      source: "approval",
      action: "member.role_changed",
      requestId: id,
    });
    expect(log.at(-1)).toMatchObject({
      actor: OWNER,
      source: "approval",
      action: "request.approved",
      requestId: id,
      after: { applied: true, requester: "admin@acme.test" },
    });
    expect(await codeOf(() => run("o2@acme.test", "approve", id))).toBe("REQUEST_CLOSED");
  });

  it("a request that can no longer apply is closed as failed, with why, and nothing of it applies", async () => {
    const { core, seeded, run, owner, id } = await withRequest();
    await removeMember(core, owner, { email: "tm@acme.test" });
    const result = await run("o2@acme.test", "approve", id);
    expect(result).toMatchObject({
      type: "request_approved",
      outcome: { applied: false, request: { status: "failed", decidedBy: "o2@acme.test" } },
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "request.approved",
      after: { applied: false },
    });
    const again = await errorOf(() => run(OWNER, "approve", id));
    expect(again.code).toBe("REQUEST_CLOSED");
    expect(again.message).toContain("could not be applied");
    expect(again.message).toContain("o2@acme.test");
  });

  it("only Owners decide; the requester cannot decide their own request", async () => {
    const { run, id } = await withRequest();
    expect(await codeOf(() => run("tm@acme.test", "approve", id))).toBe("FORBIDDEN");
    expect(await codeOf(() => run("admin@acme.test", "approve", id))).toBe("FORBIDDEN");
    expect(await codeOf(() => run("tm@acme.test", "reject", id))).toBe("FORBIDDEN");
    const own = await withRequest();
    const ownId = requestId(await own.run(OWNER, "request", "role", "tm@acme.test", "admin"));
    expect(await codeOf(() => own.run(OWNER, "approve", ownId))).toBe("SELF_APPROVAL");
    expect(await codeOf(() => own.run(OWNER, "reject", ownId))).toBe("SELF_APPROVAL");
    expect(await codeOf(() => own.run("o2@acme.test", "approve", ownId))).toBe("ok");
  });

  it("a rejection closes the request with its reason; only the requester may cancel", async () => {
    const { core, seeded, run, id } = await withRequest();
    expect(await codeOf(() => run(OWNER, "cancel", id))).toBe("FORBIDDEN");
    expect(await run(OWNER, "reject", id, "not", "now")).toMatchObject({
      type: "request_closed",
      request: { status: "rejected", decidedBy: OWNER, reason: "not now" },
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "request.rejected",
      after: { reason: "not now" },
    });
    expect(await roleOf(core, seeded.accountId, "tm@acme.test")).toBe("teammate");
    const cancelled = await errorOf(() => run("admin@acme.test", "cancel", id));
    expect(cancelled.message).toBe(`This request was already rejected by ${OWNER}.`);
  });

  it("the requester may cancel while pending; the request is then closed", async () => {
    const { core, seeded, run, id } = await withRequest();
    expect(await run("admin@acme.test", "cancel", id)).toMatchObject({ request: { status: "cancelled" } });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "admin@acme.test",
      action: "request.cancelled",
    });
    expect(await codeOf(() => run(OWNER, "approve", id))).toBe("REQUEST_CLOSED");
    expect(pending(await run(OWNER, "requests")).toDecide).toEqual([]);
  });

  it("Owners do not see their own requests among those to decide, only among those they filed", async () => {
    const { run } = await withRequest();
    const mine = requestId(await run(OWNER, "request", "remove", "tm@acme.test"));
    const forOwner = pending(await run(OWNER, "requests"));
    expect(forOwner.toDecide).not.toContain(mine);
    expect(forOwner.toDecide).toHaveLength(1);
    expect(forOwner.filed).toEqual([mine]);
    expect(pending(await run("o2@acme.test", "requests")).toDecide).toHaveLength(2);
    expect(pending(await run("o2@acme.test", "requests")).toDecide).toContain(mine);
  });

  it("members who are not Owners see only what they filed, nothing to decide", async () => {
    const { run, id } = await withRequest();
    expect(pending(await run("admin@acme.test", "requests"))).toEqual({ toDecide: [], filed: [id] });
    expect(pending(await run("tm@acme.test", "requests"))).toEqual({ toDecide: [], filed: [] });
  });

  it("expired requests are not listed as pending, even before the sweep closes them", async () => {
    const { run, clock, id } = await withRequest();
    clock.advanceHours(167.99);
    expect(pending(await run(OWNER, "requests")).toDecide).toEqual([id]);
    clock.advanceHours(0.01);
    expect(pending(await run(OWNER, "requests"))).toEqual({ toDecide: [], filed: [] });
    expect(pending(await run("admin@acme.test", "requests"))).toEqual({ toDecide: [], filed: [] });
  });

  it("the sweep closes expired requests once and audits each as expired by the system", async () => {
    const { core, seeded, clock, id } = await withRequest();
    expect(await core.requests.expire()).toEqual([]);
    clock.advanceHours(168);
    expect((await core.requests.expire()).map((r) => [r.id, r.status])).toEqual([[id, "expired"]]);
    expect(await core.requests.expire()).toEqual([]);
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "system",
      source: "system",
      action: "request.expired",
      target: { type: "request", id },
    });
  });

  it("a request is filed with its expiry REQUEST_TTL_HOURS later and audited as filed", async () => {
    const { core, seeded, run } = await withRequest();
    const result = await run("admin@acme.test", "request", "perms", "grant", "teammate", "team_settings");
    expect(result).toMatchObject({
      type: "request_filed",
      request: {
        status: "pending",
        requesterEmail: "admin@acme.test",
        createdAt: "2026-01-01T00:00:00.000Z",
        expiresAt: "2026-01-08T00:00:00.000Z",
      },
    });
    expect(requestId(result)).toMatch(/^R[A-HJ-NP-Z2-9]{6}$/);
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "admin@acme.test",
      action: "request.filed",
      after: { change: "perms grant teammate team_settings" },
    });
  });

  it("an unknown request id is INVALID_INPUT", async () => {
    const { run } = await withRequest();
    expect(await codeOf(() => run(OWNER, "approve", "RZZZZZZ"))).toBe("INVALID_INPUT");
    expect(await codeOf(() => run(OWNER, "approve", "not-an-id"))).toBe("INVALID_INPUT");
  });
  it("filing a request changes nothing until an Owner approves it", async () => {
    const { core, seeded, run } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    await run("admin@acme.test", "request", "role", "tm@acme.test", "admin");
    expect(await roleOf(core, seeded.accountId, "tm@acme.test")).toBe("teammate");
    expect((await core.fullAuditLog(seeded.accountId)).slice(entries).map((e) => e.action)).toEqual([
      "request.filed",
    ]);
  });

  it("a request for what is already so is refused before it is filed", async () => {
    const { run } = await withRequest();
    expect(await codeOf(() => run("admin@acme.test", "request", "role", "tm@acme.test", "teammate"))).toBe(
      "INVALID_INPUT",
    );
  });

  it("once swept, a decision on an expired request hears that it expired", async () => {
    const { core, clock, run, id } = await withRequest();
    clock.advanceHours(168);
    await core.requests.expire();
    expect((await errorOf(() => run(OWNER, "approve", id))).message).toBe(
      "This request has expired. Ask again if the change is still needed.",
    );
  });

  it("the Approve button is offered to Owners other than the requester, while the request is open", async () => {
    const { core, seeded, clock, id } = await withRequest();
    const may = (email: string) => codeOf(() => mayDecide(core.requests, seeded.as(email), id));
    expect(await may(OWNER)).toBe("ok");
    expect(await may("admin@acme.test")).toBe("FORBIDDEN");
    const other = await withRequest();
    await other.run(OWNER, "reject", other.id);
    expect(
      await codeOf(() => mayDecide(other.core.requests, other.seeded.as("o2@acme.test"), other.id)),
    ).toBe("REQUEST_CLOSED");
    clock.advanceHours(168);
    expect(await may(OWNER)).toBe("REQUEST_CLOSED");
  });

  it("without an approvals channel, requests go to the active Owners linked to Slack", async () => {
    const { core, seeded } = await team([
      { email: "o2@acme.test", role: "owner" },
      { email: "o3@acme.test", role: "owner" },
      { email: "io@acme.test", role: "owner", status: "invited" },
      { email: "admin@acme.test", role: "admin" },
    ]);
    for (const [email, slack] of [
      [OWNER, "U0OWNER"],
      ["o3@acme.test", "U0O3"],
      ["io@acme.test", "U0IO"],
      ["admin@acme.test", "U0ADMIN"],
    ] as const)
      await core.linkSlackUser(seeded.accountId, email, slack);
    const linked = (await core.requests.ownersInSlack(seeded.accountId)).map((m) => m.slackUserId);
    expect(linked.sort()).toEqual(["U0O3", "U0OWNER"]);
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

import { describe, expect, it } from "vitest";
import { listMembers } from "../helpers/core.js";
import { testTeam } from "../helpers/team.js";

/** PRODUCT rule 1: the team list — filters, pages, invites and their mail. */

const OWNER = "owner@acme.test";

const team = testTeam;

describe("rule 1: the team list", () => {
  const listed = () =>
    team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
      { email: "inv@acme.test", role: "teammate", status: "invited" },
      { email: "gone@acme.test", role: "admin", status: "removed" },
    ]);

  it("filters by role and by status, and never shows removed members unless asked", async () => {
    const { core, owner } = await listed();
    const emails = async (filter: Parameters<typeof listMembers>[2]) =>
      (await listMembers(core, owner, filter)).members.map((m) => m.email);
    expect(await emails({})).toEqual([OWNER, "admin@acme.test", "inv@acme.test", "tm@acme.test"]);
    expect(await emails({ role: "teammate" })).toEqual(["inv@acme.test", "tm@acme.test"]);
    expect(await emails({ status: "invited" })).toEqual(["inv@acme.test"]);
    expect(await emails({ includeRemoved: true })).toContain("gone@acme.test");
  });

  it("pages through the team and says how many match in all", async () => {
    const { core, owner } = await listed();
    const page = await listMembers(core, owner, {}, { offset: 1, limit: 2 });
    expect(page.members.map((m) => m.email)).toEqual(["admin@acme.test", "inv@acme.test"]);
    expect(page).toMatchObject({ total: 4, offset: 1 });
    expect(await listMembers(core, owner, { role: "teammate" }, { offset: 0, limit: 1 })).toMatchObject({
      total: 2,
      offset: 0,
    });
    expect(await listMembers(core, owner, { status: "active" })).toMatchObject({ total: 3, offset: 0 });
  });

  it("shows an invite's state and its mail; active members have none", async () => {
    const { core, owner, clock } = await listed();
    const byEmail = async () => new Map((await listMembers(core, owner)).members.map((m) => [m.email, m]));
    expect((await byEmail()).get("inv@acme.test")?.invite).toEqual({
      state: "pending",
      expiresAt: "2026-01-08T00:00:00.000Z",
      mail: "queued",
    });
    expect((await byEmail()).get("tm@acme.test")?.invite).toBeNull();
    clock.advanceHours(168);
    expect((await byEmail()).get("inv@acme.test")?.invite?.state).toBe("expired");
  });
});

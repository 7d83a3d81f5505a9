import { describe, expect, it } from "vitest";
import type { ActorContext } from "../../src/core/access-core.js";
import { MEMBER_ACTIONS, type MemberAction } from "../../src/core/dashboard.js";
import type { RawChangeIntent } from "../../src/core/intents.js";
import { ROLES } from "../../src/core/roles.js";
import { removeMember } from "../helpers/core.js";
import { refusedWith } from "../helpers/refusals.js";
import { grantAll, testTeam } from "../helpers/team.js";

/**
 * The team: two owners, two admins, a teammate, and invited people of each lower rank. Admins and
 * teammates hold Team Settings, so the rank rules (not the feature gate) decide what they may do.
 */
const team = async () => {
  const t = await testTeam([
    { email: "owner2@acme.test", role: "owner" },
    { email: "admin@acme.test", role: "admin" },
    { email: "admin2@acme.test", role: "admin" },
    { email: "tm@acme.test", role: "teammate" },
    { email: "tm2@acme.test", role: "teammate" },
    { email: "inv-admin@acme.test", role: "admin", status: "invited" },
    { email: "inv-tm@acme.test", role: "teammate", status: "invited" },
  ]);
  await grantAll(t.core, t.seeded, ["team_settings"]);
  return t;
};

const actionsOf = async (
  t: Awaited<ReturnType<typeof team>>,
  viewer: ActorContext,
  email: string,
): Promise<MemberAction[]> =>
  (await t.core.dashboard.teamPage(viewer)).rows.find((r) => r.member.email === email)?.actions ?? [];

// viewer × member → exactly the menu. "self" rows: nobody changes their own role or removes themselves.
const TABLE: [string, string, MemberAction[]][] = [
  ["owner@acme.test", "owner@acme.test", ["edit"]],
  ["owner@acme.test", "owner2@acme.test", ["edit", "role", "remove"]],
  ["owner@acme.test", "admin@acme.test", ["edit", "role", "remove"]],
  ["owner@acme.test", "tm@acme.test", ["edit", "role", "remove"]],
  ["owner@acme.test", "inv-admin@acme.test", ["edit", "role", "resend", "revoke"]],
  ["owner@acme.test", "inv-tm@acme.test", ["edit", "role", "resend", "revoke"]],
  ["admin@acme.test", "owner@acme.test", []],
  ["admin@acme.test", "admin@acme.test", ["edit"]],
  ["admin@acme.test", "admin2@acme.test", []],
  // An admin may give only Teammate, which a teammate already is: no "Change role".
  ["admin@acme.test", "tm@acme.test", ["edit", "remove"]],
  ["admin@acme.test", "inv-admin@acme.test", []],
  ["admin@acme.test", "inv-tm@acme.test", ["edit", "resend", "revoke"]],
  ["tm@acme.test", "tm@acme.test", ["edit"]],
  ["tm@acme.test", "tm2@acme.test", []],
  ["tm@acme.test", "admin@acme.test", []],
  ["tm@acme.test", "inv-tm@acme.test", []],
];

describe("a team row's menu offers exactly what the rules allow", () => {
  it.each(TABLE)("%s looking at %s is offered %j", async (viewer, member, expected) => {
    const t = await team();
    expect(await actionsOf(t, t.seeded.as(viewer), member)).toEqual(expected);
  });

  // Each action's change, as the rules judge it now (a dry run changes nothing).
  const intentsFor = (action: MemberAction, email: string): RawChangeIntent[] => {
    const member = { email };
    switch (action) {
      case "edit":
        return [{ kind: "member.edit", member, name: "Renamed" }];
      case "role":
        return ROLES.map((role) => ({ kind: "member.edit", member, role }));
      case "resend":
        return [{ kind: "invite.resend", member }];
      case "revoke":
        return [{ kind: "invite.revoke", member }];
      case "remove":
        return [{ kind: "member.remove", member }];
    }
  };
  const allowed = async (
    t: Awaited<ReturnType<typeof team>>,
    viewer: ActorContext,
    intent: RawChangeIntent,
  ) => {
    try {
      return (await t.core.change(viewer, intent, { dryRun: true })).changed;
    } catch {
      return false;
    }
  };

  it("for every viewer and member: offered ⇔ the core would make that change now", async () => {
    const t = await team();
    const people = TABLE.map(([viewer]) => viewer).filter((v, i, all) => all.indexOf(v) === i);
    const members = (await t.core.dashboard.teamPage(t.owner)).rows.map((r) => r.member.email);
    let checked = 0;
    for (const viewer of people) {
      const ctx = t.seeded.as(viewer);
      for (const email of members) {
        const offered = await actionsOf(t, ctx, email);
        const invited = email.startsWith("inv-");
        for (const action of MEMBER_ACTIONS) {
          // Removing someone invited is offered once, as "Cancel invite" (revoke).
          let would = false;
          if (!(invited && action === "remove"))
            for (const intent of intentsFor(action, email)) would ||= await allowed(t, ctx, intent);
          expect({ viewer, email, action, offered: offered.includes(action) }).toEqual({
            viewer,
            email,
            action,
            offered: would,
          });
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * 8 * MEMBER_ACTIONS.length);
  });

  it("a removed member has no row actions and is not a choice", async () => {
    const t = await team();
    await removeMember(t.core, t.owner, { email: "tm2@acme.test" });
    expect(await t.core.dashboard.memberChoice(t.owner, { email: "tm2@acme.test" })).toBeNull();
  });

  it("the roles offered in Change role are the ones the viewer may give, never the current one", async () => {
    const t = await team();
    expect((await t.core.dashboard.memberChoice(t.owner, { email: "admin@acme.test" }))?.roles).toEqual([
      "owner",
      "teammate",
    ]);
    expect(
      (await t.core.dashboard.memberChoice(t.seeded.as("admin@acme.test"), { email: "inv-tm@acme.test" }))
        ?.roles,
    ).toEqual([]);
  });
});

describe("the team page", () => {
  it("counts the members matching the filter and the whole team", async () => {
    const t = await team();
    const page = await t.core.dashboard.teamPage(t.owner, { status: "invited" }, { offset: 0, limit: 1 });
    expect({ rows: page.rows.length, matching: page.matching, total: page.total }).toEqual({
      rows: 1,
      matching: 2,
      total: 8,
    });
  });

  it("is refused without Team Settings, as the list is", async () => {
    const t = await testTeam([{ email: "tm@acme.test", role: "teammate" }]);
    expect(await refusedWith(t.core.dashboard.teamPage(t.seeded.as("tm@acme.test")))).toMatch(
      /Team Settings/,
    );
  });
});

describe("an invited person's own view of their invite", () => {
  it("names the inviter, the role and when it was sent; nobody else has one", async () => {
    const t = await team();
    const invite = await t.core.dashboard.invitation(t.seeded.as("inv-admin@acme.test"));
    expect(invite).toMatchObject({
      accountName: "Acme",
      role: "admin",
      inviter: { email: "owner@acme.test" },
      state: "pending",
      sentAt: t.clock.now().toISOString(),
    });
    expect(await t.core.dashboard.invitation(t.seeded.as("tm@acme.test"))).toBeNull();
    expect(await t.core.dashboard.invitation(t.seeded.as("nobody@acme.test"))).toBeNull();
  });

  it("says when the invite has expired", async () => {
    const t = await team();
    t.clock.advanceHours(169);
    expect((await t.core.dashboard.invitation(t.seeded.as("inv-tm@acme.test")))?.state).toBe("expired");
  });
});

import { describe, expect, it } from "vitest";
import { removeMember, setFourEyes } from "../helpers/core.js";
import { said } from "../helpers/refusals.js";
import { approve } from "../helpers/requests.js";
import { testTeam } from "../helpers/team.js";

/**
 * Rule 9 never files a request nobody can approve: the Owner a change demotes or removes cannot
 * approve it (nobody changes their own role or removes themselves), so with only two Owners the
 * other is told at once that a second Owner is needed, as the only Owner is.
 */

const TWO_OWNERS = [
  { email: "olga@acme.test", role: "owner" as const },
  { email: "ann@acme.test", role: "admin" as const },
];

const refusal = (p: Promise<unknown>) =>
  p.then(
    (r) => ({ code: "none", message: JSON.stringify(r) }),
    (e: unknown) => ({ code: said(e).code, message: said(e).message }),
  );

describe("four-eyes with two Owners, when the change is about the other Owner", () => {
  it("demoting the other Owner is refused with SECOND_OWNER_NEEDED, naming them, instead of a request only they could approve", async () => {
    const { core, owner } = await testTeam(TWO_OWNERS);
    await setFourEyes(core, owner, true);
    const demoted = await refusal(core.changeRole(owner, { email: "olga@acme.test" }, "admin"));
    expect(demoted.code).toBe("SECOND_OWNER_NEEDED");
    expect(demoted.message).toContain("olga@acme.test, whom it is about");
    expect((await core.requests.list(owner)).filed).toEqual([]);
  });

  it("removing the other Owner is refused the same way", async () => {
    const { core, owner } = await testTeam(TWO_OWNERS);
    await setFourEyes(core, owner, true);
    expect((await refusal(removeMember(core, owner, { email: "olga@acme.test" }))).code).toBe(
      "SECOND_OWNER_NEEDED",
    );
  });

  it("with a third Owner the demotion is held for them, and they can approve it", async () => {
    const { core, owner, seeded } = await testTeam([
      ...TWO_OWNERS,
      { email: "otto@acme.test", role: "owner" as const },
    ]);
    await setFourEyes(core, owner, true);
    const held = await core.changeRole(owner, { email: "olga@acme.test" }, "admin");
    expect(held.kind).toBe("request.filed");
    const approved = await approve(
      core.requests,
      seeded.as("otto@acme.test"),
      held.kind === "request.filed" ? held.requestId : "",
    );
    expect(approved.applied).toBe(true);
  });
});

describe("four-eyes when a request is approved: two Owners, never one behind a teammate's name", () => {
  const team = async () => {
    const t = await testTeam([
      { email: "olga@acme.test", role: "owner" as const },
      { email: "tim@acme.test", role: "teammate" as const },
    ]);
    await setFourEyes(t.core, t.owner, true);
    return t;
  };

  it("a teammate's request to remove an Owner, approved by one Owner, is refused and stays pending", async () => {
    const { core, owner, seeded } = await team();
    const asked = await core.requests.file(seeded.as("tim@acme.test"), {
      kind: "member.remove",
      member: { email: "olga@acme.test" },
    });
    const refused = await refusal(approve(core.requests, owner, asked.id));
    expect(refused.code).toBe("SECOND_OWNER_NEEDED");
    expect(refused.message).toContain("Make the change yourself instead");
    expect(refused.message).not.toMatch(/four-eyes off/i);
    expect((await core.whoami(seeded.as("olga@acme.test"))).role).toBe("owner");
    expect((await core.requests.list(owner)).toDecide.map((r) => r.id)).toContain(asked.id);
  });

  it("a teammate's request to turn four-eyes off is refused to one Owner the same way", async () => {
    const { core, owner, seeded } = await team();
    const asked = await core.requests.file(seeded.as("tim@acme.test"), {
      kind: "settings.four_eyes",
      on: false,
    });
    expect((await refusal(approve(core.requests, owner, asked.id))).code).toBe("SECOND_OWNER_NEEDED");
    expect((await core.settings(owner)).fourEyes).toBe(true);
  });

  it("an Owner's own request for it is what the other Owner approves; a teammate's unguarded request any Owner approves", async () => {
    const { core, owner, seeded } = await team();
    const mine = await core.requests.file(seeded.as("olga@acme.test"), {
      kind: "settings.four_eyes",
      on: false,
    });
    expect((await approve(core.requests, owner, mine.id)).applied).toBe(true);
    expect((await core.settings(owner)).fourEyes).toBe(false);
    await setFourEyes(core, owner, true);
    const billing = await core.requests.file(seeded.as("tim@acme.test"), {
      kind: "grant.start",
      member: { email: "tim@acme.test" },
      permission: "team_settings",
      minutes: 60,
      reason: null,
    });
    expect((await refusal(approve(core.requests, owner, billing.id))).code).toBe("SECOND_OWNER_NEEDED");
    const add = await core.requests.file(seeded.as("tim@acme.test"), {
      kind: "member.add",
      email: "pal@acme.test",
      role: "teammate",
      name: null,
      phone: null,
    });
    expect((await approve(core.requests, owner, add.id)).applied).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
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
    (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
  );

describe("four-eyes with two Owners, when the change is about the other Owner", () => {
  it("demoting the other Owner is refused with SECOND_OWNER_NEEDED, naming them, instead of a request only they could approve", async () => {
    const { core, owner } = await testTeam(TWO_OWNERS);
    await core.setFourEyes(owner, true);
    const demoted = await refusal(core.changeRole(owner, { email: "olga@acme.test" }, "admin"));
    expect(demoted.code).toBe("SECOND_OWNER_NEEDED");
    expect(demoted.message).toContain("olga@acme.test, whom it is about");
    expect((await core.requests.list(owner)).filed).toEqual([]);
  });

  it("removing the other Owner is refused the same way", async () => {
    const { core, owner } = await testTeam(TWO_OWNERS);
    await core.setFourEyes(owner, true);
    expect((await refusal(core.removeMember(owner, { email: "olga@acme.test" }))).code).toBe(
      "SECOND_OWNER_NEEDED",
    );
  });

  it("with a third Owner the demotion is held for them, and they can approve it", async () => {
    const { core, owner, seeded } = await testTeam([
      ...TWO_OWNERS,
      { email: "otto@acme.test", role: "owner" as const },
    ]);
    await core.setFourEyes(owner, true);
    const held = await core.changeRole(owner, { email: "olga@acme.test" }, "admin");
    expect(held.action).toBe("request.filed");
    const approved = await core.requests.approve(seeded.as("otto@acme.test"), held.detail ?? "");
    expect(approved.applied).toBe(true);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { AccessCore } from "../../src/core/access-core.js";
import { removeMember, revokeInvite } from "../helpers/core.js";
import { closeTeams, codeOf, OWNER, team } from "../helpers/core-team.js";
import { outcome } from "../helpers/team.js";

/** PRODUCT rule 5: the last active Owner cannot be demoted or removed; invited Owners do not count. */

const roleOf = async (core: AccessCore, accountId: string, email: string) =>
  (await core.apiMember(accountId, email)).role;

afterEach(closeTeams);

describe("rule 5: only active Owners count toward the last Owner", () => {
  it("an invited Owner does not let an admin's request to demote the only active Owner be filed", async () => {
    const { run } = await team([
      { email: "pending-owner@acme.test", role: "owner", status: "invited" },
      { email: "admin@acme.test", role: "admin" },
    ]);
    // Filing checks the change as another Owner would make it: the only active Owner cannot be demoted.
    expect(await codeOf(() => run("admin@acme.test", "request", "role", OWNER, "admin"))).toBe("LAST_OWNER");
    expect(await codeOf(() => run("admin@acme.test", "request", "remove", OWNER))).toBe("LAST_OWNER");
  });

  it("with a second active Owner the same request may be filed", async () => {
    const { run } = await team([
      { email: "o2@acme.test", role: "owner" },
      { email: "admin@acme.test", role: "admin" },
    ]);
    expect(await codeOf(() => run("admin@acme.test", "request", "role", OWNER, "admin"))).toBe("ok");
  });

  it("an invited Owner may be demoted, removed or revoked while only one Owner is active", async () => {
    const { core, owner, seeded } = await team([
      { email: "io1@acme.test", role: "owner", status: "invited" },
      { email: "io2@acme.test", role: "owner", status: "invited" },
      { email: "io3@acme.test", role: "owner", status: "invited" },
    ]);
    expect(await outcome(() => core.changeRole(owner, { email: "io1@acme.test" }, "admin"))).toBe("ok");
    expect(await outcome(() => removeMember(core, owner, { email: "io2@acme.test" }))).toBe("ok");
    expect(await outcome(() => revokeInvite(core, owner, { email: "io3@acme.test" }))).toBe("ok");
    expect(await roleOf(core, seeded.accountId, "io1@acme.test")).toBe("admin");
  });

  it("an Owner may be promoted to while only one Owner is active, and the promoted one counts", async () => {
    const { core, owner, seeded, run } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    expect(await outcome(() => core.changeRole(owner, { email: "admin@acme.test" }, "owner"))).toBe("ok");
    expect(await roleOf(core, seeded.accountId, "admin@acme.test")).toBe("owner");
    // Now two active Owners: one may demote the other.
    expect(await codeOf(() => run("admin@acme.test", "role", OWNER, "teammate"))).toBe("ok");
  });

  it("the only active Owner's admins and teammates may be removed", async () => {
    const { core, owner } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    expect(await outcome(() => removeMember(core, owner, { email: "admin@acme.test" }))).toBe("ok");
    expect(await outcome(() => core.changeRole(owner, { email: "tm@acme.test" }, "admin"))).toBe("ok");
  });
});

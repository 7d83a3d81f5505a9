import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";
import { openCore, seedTeam } from "../helpers/team.js";

/** Rule 7: every refusal names the rule in plain words — the words a member reads in Slack. */

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const setup = () => {
  const wired = openCore();
  closers.push(wired.close);
  const seeded = seedTeam(wired.core, [
    { email: "o2@acme.test", role: "owner" },
    { email: "admin@acme.test", role: "admin" },
    { email: "a2@acme.test", role: "admin" },
    { email: "tm@acme.test", role: "teammate" },
    { email: "inv-admin@acme.test", role: "admin", status: "invited" },
    { email: "inv-owner@acme.test", role: "owner", status: "invited" },
  ]);
  const owner = seeded.as("owner@acme.test");
  for (const permission of ["team_settings", "access_permissions"] as const)
    wired.core.setPermission(owner, { role: "admin", permission, allowed: true });
  return { core: wired.core, owner, admin: seeded.as("admin@acme.test"), as: seeded.as };
};

const said = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
  throw new Error("expected a refusal");
};

describe("rule 7: refusals say which rule", () => {
  it("acting on an Owner: only Owners can", () => {
    const { core, admin } = setup();
    expect(said(() => core.removeMember(admin, { email: "o2@acme.test" }))).toBe(
      "RANK_TOO_LOW: Only Owners can remove an Owner.",
    );
    expect(said(() => core.changeRole(admin, { email: "o2@acme.test" }, "teammate"))).toBe(
      "RANK_TOO_LOW: Only Owners can change the role of an Owner.",
    );
    expect(said(() => core.resendInvite(admin, { email: "inv-owner@acme.test" }))).toBe(
      "RANK_TOO_LOW: Only Owners can resend an Owner.",
    );
  });

  it("acting on an equal: only on members ranked below you", () => {
    const { core, admin } = setup();
    expect(said(() => core.removeMember(admin, { email: "a2@acme.test" }))).toBe(
      "RANK_TOO_LOW: Admins can only remove members ranked below them; Admin is not.",
    );
    expect(said(() => core.editMember(admin, { email: "a2@acme.test" }, { name: "A" }))).toBe(
      "RANK_TOO_LOW: Admins can only edit members ranked below them; Admin is not.",
    );
    expect(said(() => core.revokeInvite(admin, { email: "inv-admin@acme.test" }))).toBe(
      "RANK_TOO_LOW: Admins can only revoke members ranked below them; Admin is not.",
    );
  });

  it("handing out a role: only roles ranked below your own; Owner only by Owners", () => {
    const { core, admin } = setup();
    expect(said(() => core.addMember(admin, { email: "x@acme.test", role: "owner" }))).toBe(
      "RANK_TOO_LOW: Only Owners can make someone an Owner.",
    );
    expect(said(() => core.addMember(admin, { email: "x@acme.test", role: "admin" }))).toBe(
      "RANK_TOO_LOW: Admins can only assign roles ranked below their own; Admin is not.",
    );
    expect(said(() => core.changeRole(admin, { email: "tm@acme.test" }, "admin"))).toBe(
      "RANK_TOO_LOW: Admins can only assign roles ranked below their own; Admin is not.",
    );
  });

  it("changing a column: nobody changes the Owner column; others only columns below their own", () => {
    const { core, admin, owner } = setup();
    const ownerColumn = "FORBIDDEN: Owners always hold every permission; nobody can change the Owner column.";
    expect(
      said(() => core.setPermission(owner, { role: "owner", permission: "billing", allowed: false })),
    ).toBe(ownerColumn);
    expect(
      said(() => core.setPermission(admin, { role: "owner", permission: "billing", allowed: false })),
    ).toBe(ownerColumn);
    expect(
      said(() => core.setPermission(admin, { role: "admin", permission: "billing", allowed: false })),
    ).toBe("RANK_TOO_LOW: Admins can only change what roles ranked below them may do; Admin is not.");
  });

  it("a missing permission is named, with the member's role", () => {
    const { core, as } = setup();
    const tm = as("tm@acme.test");
    expect(said(() => core.addMember(tm, { email: "x@acme.test" }))).toBe(
      "FORBIDDEN: You need the Team Settings permission to invite members. Your role (Teammate) does not have it.",
    );
    expect(
      said(() => core.setPermission(tm, { role: "teammate", permission: "billing", allowed: false })),
    ).toBe(
      "FORBIDDEN: You need the Access Permissions permission to change what roles may do. Your role (Teammate) does not have it.",
    );
    expect(said(() => core.setApprovalsChannel(tm, "C0X"))).toBe(
      "FORBIDDEN: Only Owners can change settings.",
    );
  });

  it("rule 4 and rule 5 in words", () => {
    const { core, owner, admin } = setup();
    expect(said(() => core.changeRole(owner, { email: "owner@acme.test" }, "admin"))).toBe(
      "OWN_ROLE: Nobody can change their own role. Ask another Owner.",
    );
    expect(said(() => core.removeMember(admin, { email: "admin@acme.test" }))).toBe(
      "OWN_ROLE: Nobody can remove themselves. Ask another Owner.",
    );
    core.changeRole(owner, { email: "o2@acme.test" }, "admin");
    // Filing a request checks the change as another Owner would make it: the last Owner stays.
    expect(said(() => runCommand({ core, actor: admin }, ["request", "remove", "owner@acme.test"]))).toBe(
      "LAST_OWNER: The account must keep at least one active Owner.",
    );
  });

  it("rule 6 in words: invited, removed and unknown people", () => {
    const { core, owner, as } = setup();
    expect(said(() => core.whoami(as("inv-admin@acme.test")))).toBe(
      "NOT_ACTIVE: Your invite has not been accepted yet. Accept it before you act on the team.",
    );
    core.removeMember(owner, { email: "tm@acme.test" });
    const notMember = "NOT_A_MEMBER: You are not a member of this team. Ask an Owner to invite you.";
    expect(said(() => core.whoami(as("tm@acme.test")))).toBe(notMember);
    expect(said(() => core.whoami(as("nobody@acme.test")))).toBe(notMember);
    expect(said(() => core.removeMember(owner, { email: "tm@acme.test" }))).toBe(
      "NO_SUCH_MEMBER: tm@acme.test is not a member of this team.",
    );
    expect(said(() => core.removeMember(owner, { slackUserId: "U0NOBODY" }))).toBe(
      "NO_SUCH_MEMBER: <@U0NOBODY> is not a member of this team.",
    );
  });
});

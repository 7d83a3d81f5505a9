import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";

import {
  listMembers,
  removeMember,
  revokeInvite,
  setApprovalsChannel,
  setPermission,
} from "../helpers/core.js";

import { slackWords } from "../helpers/refusals.js";

import { openCore, seedTeam } from "../helpers/team.js";

/** Rule 7: every refusal names the rule in plain words — the words a member reads in Slack. */

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const setup = async () => {
  const wired = await openCore();
  closers.push(wired.close);
  const seeded = await seedTeam(wired.core, [
    { email: "o2@acme.test", role: "owner" },
    { email: "admin@acme.test", role: "admin" },
    { email: "a2@acme.test", role: "admin" },
    { email: "tm@acme.test", role: "teammate" },
    { email: "inv-admin@acme.test", role: "admin", status: "invited" },
    { email: "inv-owner@acme.test", role: "owner", status: "invited" },
  ]);
  const owner = seeded.as("owner@acme.test");
  for (const permission of ["team_settings", "access_permissions"] as const)
    await setPermission(wired.core, owner, { role: "admin", permission, allowed: true });
  return { core: wired.core, owner, admin: seeded.as("admin@acme.test"), as: seeded.as };
};

const said = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
  } catch (error) {
    const { code } = error as { code: string };
    return `${code}: ${slackWords(error)}`;
  }
  throw new Error("expected a refusal");
};

describe("rule 7: refusals say which rule, and what to do", () => {
  it("acting on an Owner: only Owners can", async () => {
    const { core, admin } = await setup();
    expect(await said(() => core.editMember(admin, { email: "o2@acme.test" }, { name: "O" }))).toBe(
      "RANK_TOO_LOW: Only Owners can change an Owner. Ask an Owner to do it.",
    );
    expect(await said(() => removeMember(core, admin, { email: "o2@acme.test" }))).toBe(
      "RANK_TOO_LOW: Only Owners can remove an Owner. Ask an Owner to do it.",
    );
    expect(await said(() => core.changeRole(admin, { email: "o2@acme.test" }, "teammate"))).toBe(
      "RANK_TOO_LOW: Only Owners can change the role of an Owner. Ask an Owner to do it.",
    );
    expect(await said(() => core.resendInvite(admin, { email: "inv-owner@acme.test" }))).toBe(
      "RANK_TOO_LOW: Only Owners can resend the invite for an Owner. Ask an Owner to do it.",
    );
  });

  it("acting on an equal: what you can do, and who to ask for the rest", async () => {
    const { core, admin } = await setup();
    expect(await said(() => core.editMember(admin, { email: "a2@acme.test" }, { name: "A" }))).toBe(
      "RANK_TOO_LOW: As an Admin you can change Teammates only; ask an Owner to change another Admin.",
    );
    expect(await said(() => removeMember(core, admin, { email: "a2@acme.test" }))).toBe(
      "RANK_TOO_LOW: As an Admin you can remove Teammates only; ask an Owner to remove another Admin.",
    );
    expect(await said(() => revokeInvite(core, admin, { email: "inv-admin@acme.test" }))).toBe(
      "RANK_TOO_LOW: As an Admin you can cancel invites for Teammates only; ask an Owner to cancel the invite for another Admin.",
    );
  });

  it("a teammate holding Team Settings still acts on nobody: they are told so", async () => {
    const { core, owner, as } = await setup();
    await setPermission(core, owner, { role: "teammate", permission: "team_settings", allowed: true });
    const tm = as("tm@acme.test");
    expect(await said(() => removeMember(core, tm, { email: "admin@acme.test" }))).toBe(
      "RANK_TOO_LOW: As a Teammate you can't remove other members; ask an Owner to remove an Admin.",
    );
    expect(await said(() => core.addMember(tm, { email: "x@acme.test", role: "teammate" }))).toBe(
      "RANK_TOO_LOW: As a Teammate you can't give anyone a role; only an Owner or an Admin can make someone a Teammate.",
    );
  });

  it("handing out a role: what you can hand out, and who can hand out the rest", async () => {
    const { core, admin } = await setup();
    expect(await said(() => core.addMember(admin, { email: "x@acme.test", role: "owner" }))).toBe(
      "RANK_TOO_LOW: Only Owners can make someone an Owner. Ask an Owner to do it.",
    );
    const adminAssigningAdmin =
      "RANK_TOO_LOW: As an Admin you can make people Teammates only; only an Owner can make someone an Admin.";
    expect(await said(() => core.addMember(admin, { email: "x@acme.test", role: "admin" }))).toBe(
      adminAssigningAdmin,
    );
    expect(await said(() => core.changeRole(admin, { email: "tm@acme.test" }, "admin"))).toBe(
      adminAssigningAdmin,
    );
  });

  it("changing a column: nobody changes the Owner column; others only columns below their own", async () => {
    const { core, admin, owner } = await setup();
    const ownerColumn =
      "FORBIDDEN: Owners always have every permission; nobody can change what Owners may do.";
    expect(
      await said(() => setPermission(core, owner, { role: "owner", permission: "billing", allowed: false })),
    ).toBe(ownerColumn);
    expect(
      await said(() => setPermission(core, admin, { role: "owner", permission: "billing", allowed: false })),
    ).toBe(ownerColumn);
    expect(
      await said(() => setPermission(core, admin, { role: "admin", permission: "billing", allowed: false })),
    ).toBe(
      "RANK_TOO_LOW: As an Admin you can change only what Teammates may do; ask an Owner to change what Admins may do.",
    );
  });

  it("a missing permission is named, with the role that lacks it and who to ask", async () => {
    const { core, as } = await setup();
    const tm = as("tm@acme.test");
    expect(await said(() => core.addMember(tm, { email: "x@acme.test" }))).toBe(
      "FORBIDDEN: You need the Team Settings permission to invite members, and Teammates don't have it. Ask an Owner to do it for you.",
    );
    expect(await said(() => listMembers(core, tm))).toBe(
      "FORBIDDEN: You need the Team Settings permission to see the team, and Teammates don't have it. Ask an Owner if you need it.",
    );
    expect(
      await said(() => setPermission(core, tm, { role: "teammate", permission: "billing", allowed: false })),
    ).toBe(
      "FORBIDDEN: You need the Access Permissions permission to change what roles may do, and Teammates don't have it. Ask an Owner to do it for you.",
    );
    expect(await said(() => setApprovalsChannel(core, tm, "C0X"))).toBe(
      "FORBIDDEN: Only Owners can change settings. Ask an Owner to do it.",
    );
  });

  it("rule 4 and rule 5 in words", async () => {
    const { core, owner, admin } = await setup();
    expect(await said(() => core.changeRole(owner, { email: "owner@acme.test" }, "admin"))).toBe(
      "OWN_ROLE: Nobody can change their own role. Ask another Owner to change yours.",
    );
    expect(await said(() => core.changeRole(admin, { email: "admin@acme.test" }, "teammate"))).toBe(
      "OWN_ROLE: Nobody can change their own role. Ask an Owner to change yours.",
    );
    expect(await said(() => removeMember(core, admin, { email: "admin@acme.test" }))).toBe(
      "OWN_ROLE: Nobody can remove themselves. Ask an Owner to remove you.",
    );
    await core.changeRole(owner, { email: "o2@acme.test" }, "admin");
    // Filing a request checks the change as another Owner would make it: the last Owner stays.
    expect(
      await said(() => runCommand({ core, actor: admin }, ["request", "remove", "owner@acme.test"])),
    ).toBe(
      "LAST_OWNER: The team must always keep an active Owner, and this would leave it with none. Make someone else an Owner first.",
    );
  });

  it("rule 6 in words: invited, removed and unknown people", async () => {
    const { core, owner, as } = await setup();
    expect(await said(() => core.whoami(as("inv-admin@acme.test")))).toBe(
      "NOT_ACTIVE: You have not accepted your invite yet. Open the link in your invite email to join the team; if it has expired, ask an Owner to send a new one.",
    );
    await removeMember(core, owner, { email: "tm@acme.test" });
    const notMember = "NOT_A_MEMBER: You are not a member of this team. Ask an Owner to invite you.";
    expect(await said(() => core.whoami(as("tm@acme.test")))).toBe(notMember);
    expect(await said(() => core.whoami(as("nobody@acme.test")))).toBe(notMember);
    expect(await said(() => removeMember(core, owner, { email: "tm@acme.test" }))).toBe(
      "NO_SUCH_MEMBER: tm@acme.test is not a member of this team. Check the address, or invite them first.",
    );
    expect(await said(() => removeMember(core, owner, { slackUserId: "U0NOBODY" }))).toBe(
      "NO_SUCH_MEMBER: <@U0NOBODY> is not a member of this team. Invite them first.",
    );
  });

  it("an invite that is not pending any more, and an invite asked for twice", async () => {
    const { core, owner } = await setup();
    expect(await said(() => core.resendInvite(owner, { email: "tm@acme.test" }))).toBe(
      "INVALID_INPUT: tm@acme.test has already joined the team, so there is no invite to resend.",
    );
    expect(await said(() => core.addMember(owner, { email: "inv-admin@acme.test" }))).toBe(
      "ALREADY_MEMBER: inv-admin@acme.test is already invited; to send them a new link, resend the invite.",
    );
  });
});

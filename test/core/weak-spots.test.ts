import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";
import type { AccessCore } from "../../src/core/access-core.js";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import { type Said, said } from "../helpers/refusals.js";
import { manualClock, openCore, outcome, seedTeam } from "../helpers/team.js";

/**
 * Rules that mutation testing showed no test would notice breaking. Each test names the rule and
 * checks it the way a user would notice: through the core's use-cases and the `/team` grammar.
 */

const OWNER = "owner@acme.test";
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

type Status = "active" | "invited" | "removed";
type Role = "owner" | "admin" | "teammate";

const team = async (members: { email: string; role: Role; status?: Status }[] = []) => {
  const clock = manualClock();
  const wired = await openCore(undefined, clock);
  closers.push(wired.close);
  const seeded = await seedTeam(wired.core, members);
  const run = (email: string, ...words: string[]) =>
    runCommand({ core: wired.core, actor: seeded.as(email) }, words);
  return { ...wired, clock, seeded, run, owner: seeded.as(OWNER) };
};

/** The error code a call throws ("ok" when it returns). */
const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) return String(error.code);
    throw error;
  }
};

const errorOf = async (fn: () => unknown): Promise<Said> => {
  try {
    await fn();
  } catch (error) {
    return said(error);
  }
  throw new Error("expected a refusal");
};

const mails = async (wired: {
  store: { listMail(): Promise<{ recipient: string; mail: { kind: string } }[]> };
}) => (await wired.store.listMail()).map((row) => `${row.mail.kind} → ${row.recipient}`);

/** The raw token of the newest invite mailed to `email` (only the outbox ever holds it). */
const tokenFor = async (
  wired: { store: { listMail(): Promise<{ recipient: string; mail: unknown }[]> } },
  email: string,
) => {
  const invites = (await wired.store.listMail())
    .map((row) => row.mail as { kind: string; to: string; token?: string })
    .filter((mail) => mail.kind === "invite" && mail.to === email);
  const token = invites.at(-1)?.token;
  if (!token) throw new Error(`no invite mailed to ${email}`);
  return token;
};

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

describe("§6 linking Slack users: a member linked to one Slack user is not taken over by another", () => {
  it("re-linking a member already linked to another Slack user is refused, and the first link stays", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect((await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST")).changed).toBe(true);
    const refusal = await errorOf(() => core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0SECOND"));
    expect(refusal.code).toBe("NOT_A_MEMBER");
    expect(refusal.message).toContain("linked to another Slack user");
    expect((await core.findLinkedMember(seeded.accountId, "U0FIRST"))?.email).toBe("tm@acme.test");
    expect(await core.findLinkedMember(seeded.accountId, "U0SECOND")).toBeNull();
    expect(
      (await core.whoami({ accountId: seeded.accountId, actor: { slackUserId: "U0FIRST" }, source: "slack" }))
        .email,
    ).toBe("tm@acme.test");
  });

  it("linking the same Slack user again changes nothing and audits nothing", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST");
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    expect(await core.linkSlackUser(seeded.accountId, "TM@acme.test", "U0FIRST")).toMatchObject({
      changed: false,
      why: { of: "slack_link", member: { email: "tm@acme.test", role: "teammate" } },
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("a first link is audited from no Slack user to the new one", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST");
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "system",
      source: "slack",
      action: "member.slack_linked",
      target: { type: "member", email: "tm@acme.test" },
      before: { slackUserId: null },
      after: { slackUserId: "U0FIRST" },
    });
  });

  it("linking a removed member is refused (NOT_A_MEMBER) and links nobody", async () => {
    const { core, seeded } = await team([{ email: "gone@acme.test", role: "admin", status: "removed" }]);
    const refusal = await errorOf(() => core.linkSlackUser(seeded.accountId, "gone@acme.test", "U0GONE"));
    expect(refusal.code).toBe("NOT_A_MEMBER");
    expect(await core.findLinkedMember(seeded.accountId, "U0GONE")).toBeNull();
    expect(await codeOf(() => core.linkSlackUser(seeded.accountId, "nobody@acme.test", "U0NOBODY"))).toBe(
      "NOT_A_MEMBER",
    );
  });

  it("a linked member who is later removed is no longer found by their Slack user", async () => {
    const { core, seeded, owner } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0TM");
    await core.removeMember(owner, { email: "tm@acme.test" });
    expect(await core.findLinkedMember(seeded.accountId, "U0TM")).toBeNull();
  });
});

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
    expect(await outcome(() => core.removeMember(owner, { email: "io2@acme.test" }))).toBe("ok");
    expect(await outcome(() => core.revokeInvite(owner, { email: "io3@acme.test" }))).toBe("ok");
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
    expect(await outcome(() => core.removeMember(owner, { email: "admin@acme.test" }))).toBe("ok");
    expect(await outcome(() => core.changeRole(owner, { email: "tm@acme.test" }, "admin"))).toBe("ok");
  });
});

describe("rule 4 and rule 2: editing your own name and phone", () => {
  it("an Admin with Team Settings may edit their own name and phone", async () => {
    const { core, owner, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    await core.setPermission(owner, { role: "admin", permission: "team_settings", allowed: true });
    const me = seeded.as("admin@acme.test");
    expect(await core.editMember(me, { email: "admin@acme.test" }, { name: "Ada Lovelace" })).toMatchObject({
      changed: true,
      kind: "member.edited",
    });
    expect(
      await outcome(() => core.editMember(me, { email: "admin@acme.test" }, { phone: "+447700900123" })),
    ).toBe("ok");
    const view = (await core.listMembers(owner)).members.find((m) => m.email === "admin@acme.test");
    expect(view).toMatchObject({ name: "Ada Lovelace", phone: "+447700900123", role: "admin" });
  });

  it("a Teammate with Team Settings may edit their own name, but not another Teammate's", async () => {
    const { core, owner, seeded } = await team([
      { email: "tm@acme.test", role: "teammate" },
      { email: "tm2@acme.test", role: "teammate" },
    ]);
    await core.setPermission(owner, { role: "teammate", permission: "team_settings", allowed: true });
    const me = seeded.as("tm@acme.test");
    expect(await outcome(() => core.editMember(me, { email: "tm@acme.test" }, { name: "Tom" }))).toBe("ok");
    expect(await outcome(() => core.editMember(me, { email: "tm2@acme.test" }, { name: "Tim" }))).toBe(
      "RANK_TOO_LOW",
    );
  });

  it("editing your own name to the same role is not a role change", async () => {
    const { core, owner } = await team();
    const edited = await core.editMember(owner, { email: OWNER }, { name: "Olivia", role: "owner" });
    expect(edited).toMatchObject({ changed: true, kind: "member.edited", member: { role: "owner" } });
    expect(edited).not.toHaveProperty("fields.role");
  });

  it("an edit of name and phone is audited with both fields before and after", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom", phone: "+447700900123" });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "member.edited",
      target: { type: "member", email: "tm@acme.test" },
      before: { name: null, phone: null },
      after: { name: "Tom", phone: "+447700900123" },
    });
    await core.editMember(owner, { email: "tm@acme.test" }, { phone: null });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      before: { phone: "+447700900123" },
      after: { phone: null },
    });
  });

  it("an edit with a name, a phone and a new role writes the edit and the role change separately", async () => {
    const { core, owner, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const result = await core.editMember(owner, { email: "tm@acme.test" }, { name: "Tom", role: "admin" });
    expect(result).toMatchObject({
      changed: true,
      kind: "member.edited",
      member: { role: "admin" },
      fields: { role: { before: "teammate", after: "admin" } },
    });
    const [edited, roleChanged] = (await core.fullAuditLog(seeded.accountId)).slice(-2);
    expect(edited).toMatchObject({ action: "member.edited", before: { name: null }, after: { name: "Tom" } });
    expect(roleChanged).toMatchObject({
      action: "member.role_changed",
      before: { role: "teammate" },
      after: { role: "admin" },
    });
  });

  it("an edit that asks for what is already so says which fields were asked about", async () => {
    const { core, owner } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect(
      await core.editMember(owner, { email: "tm@acme.test" }, { name: null, role: "teammate" }),
    ).toMatchObject({
      changed: false,
      kind: "unchanged",
      why: { of: "member", asked: ["name", "role"], member: { role: "teammate" } },
    });
    await core.editMember(owner, { email: "tm@acme.test" }, { phone: "+447700900123" });
    expect(await core.editMember(owner, { email: "tm@acme.test" }, { phone: "+447700900123" })).toMatchObject(
      {
        changed: false,
        why: { asked: ["phone"] },
      },
    );
  });
});

describe("the Permissions form: saving columns", () => {
  it("saving one role's column leaves the other role's column as it was", async () => {
    const { core, owner } = await team();
    const saved = await core.setPermissions(owner, { admin: ["billing", "team_settings"] });
    expect(saved).toMatchObject({ changed: true, kind: "permissions.changed" });
    expect(saved).toHaveProperty("cells.length", 6);
    const { matrix } = await core.permissions(owner);
    expect(matrix.admin).toEqual(["team_settings", "billing"]);
    expect(matrix.teammate).toEqual([
      "export_users",
      "add_users",
      "bulk_tag_users",
      "billing",
      "api_key",
      "whatsapp_setup",
    ]);
  });

  it("an empty column takes every permission from that role", async () => {
    const { core, owner } = await team();
    await core.setPermissions(owner, { teammate: [] });
    expect((await core.permissions(owner)).matrix.teammate).toEqual([]);
    expect((await core.permissions(owner)).matrix.admin).toHaveLength(6);
  });

  it("saving the matrix as it is changes nothing and audits nothing", async () => {
    const { core, owner, seeded } = await team();
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    const { matrix } = await core.permissions(owner);
    expect(
      await core.setPermissions(owner, { admin: matrix.admin ?? [], teammate: matrix.teammate ?? [] }),
    ).toMatchObject({
      changed: false,
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("each toggled cell is audited with what it was before", async () => {
    const { core, owner, seeded } = await team();
    await core.setPermissions(owner, {
      admin: ["team_settings", "export_users", "add_users", "bulk_tag_users", "billing", "api_key"],
    });
    const entries = (await core.fullAuditLog(seeded.accountId)).slice(-2);
    expect(entries.map(({ action, target, before, after }) => ({ action, target, before, after }))).toEqual([
      {
        action: "permission.granted",
        target: { type: "role", role: "admin" },
        before: { team_settings: false },
        after: { team_settings: true },
      },
      {
        action: "permission.revoked",
        target: { type: "role", role: "admin" },
        before: { whatsapp_setup: true },
        after: { whatsapp_setup: false },
      },
    ]);
  });

  it("the owner column cannot be saved, and an Admin cannot save the Admin column", async () => {
    const { core, owner, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(await codeOf(() => core.setPermissions(owner, { owner: [] }))).toBe("FORBIDDEN");
    await core.setPermission(owner, { role: "admin", permission: "access_permissions", allowed: true });
    const admin = seeded.as("admin@acme.test");
    expect(await codeOf(() => core.setPermissions(admin, { admin: [] }))).toBe("RANK_TOO_LOW");
    expect(await codeOf(() => core.setPermissions(admin, { teammate: ["billing"] }))).toBe("ok");
    expect((await core.permissions(owner)).matrix.admin).toContain("access_permissions");
  });

  it("saving the form needs Access Permissions", async () => {
    const { core, seeded } = await team([{ email: "admin@acme.test", role: "admin" }]);
    expect(await codeOf(() => core.setPermissions(seeded.as("admin@acme.test"), { teammate: [] }))).toBe(
      "FORBIDDEN",
    );
  });
});

describe("the audit of a permission change", () => {
  it("records the cell as it was before and as it is after, for a grant and for a revoke", async () => {
    const { core, owner, seeded } = await team();
    expect(
      await core.setPermission(owner, { role: "admin", permission: "team_settings", allowed: true }),
    ).toMatchObject({
      changed: true,
      kind: "permissions.changed",
      cells: [{ role: "admin", permission: "team_settings", allowed: true }],
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: OWNER,
      action: "permission.granted",
      target: { type: "role", role: "admin" },
      before: { team_settings: false },
      after: { team_settings: true },
    });
    expect(
      await core.setPermission(owner, { role: "teammate", permission: "billing", allowed: false }),
    ).toMatchObject({
      kind: "permissions.changed",
      cells: [{ role: "teammate", permission: "billing", allowed: false }],
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "permission.revoked",
      target: { type: "role", role: "teammate" },
      before: { billing: true },
      after: { billing: false },
    });
  });

  it("a toggle to what the role already has says so and audits nothing", async () => {
    const { core, owner, seeded } = await team();
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    expect(
      await core.setPermission(owner, { role: "admin", permission: "team_settings", allowed: false }),
    ).toMatchObject({
      changed: false,
      why: { of: "permission", role: "admin", permission: "team_settings", allowed: false },
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });
});

describe("the default matrix is exactly PRODUCT §1's table", () => {
  it("a new account's Admins and Teammates hold everything but Team Settings and Access Permissions", async () => {
    const { core, owner } = await team();
    const everyday = ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"];
    expect((await core.permissions(owner)).matrix).toEqual({
      owner: [...PERMISSION_KEYS],
      admin: everyday,
      teammate: everyday,
    });
    expect(PERMISSION_KEYS).toEqual(["team_settings", "access_permissions", ...everyday]);
  });

  it("the authorization check follows the defaults for every permission and role", async () => {
    const { core, seeded } = await team([
      { email: "admin@acme.test", role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
    ]);
    for (const permission of PERMISSION_KEYS) {
      const everyday = permission !== "team_settings" && permission !== "access_permissions";
      expect(await core.can(seeded.accountId, OWNER, permission)).toBe(true);
      expect(await core.can(seeded.accountId, "admin@acme.test", permission)).toBe(everyday);
      expect(await core.can(seeded.accountId, "tm@acme.test", permission)).toBe(everyday);
    }
  });
});

describe("the operator's activate verb", () => {
  it("activating an already-active member is refused with INVALID_INPUT and audits nothing", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    const refusal = await errorOf(() => core.activate(seeded.accountId, "tm@acme.test"));
    expect(refusal.code).toBe("INVALID_INPUT");
    expect(refusal.message).toContain("already active");
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("activating a removed or unknown member is NO_SUCH_MEMBER", async () => {
    const { core, seeded } = await team([{ email: "gone@acme.test", role: "teammate", status: "removed" }]);
    expect(await codeOf(() => core.activate(seeded.accountId, "gone@acme.test"))).toBe("NO_SUCH_MEMBER");
    expect(await codeOf(() => core.activate(seeded.accountId, "nobody@acme.test"))).toBe("NO_SUCH_MEMBER");
  });

  it("activating an invited member uses up their invite and is audited as the operator", async () => {
    const wired = await team([{ email: "new@acme.test", role: "admin", status: "invited" }]);
    const token = await tokenFor(wired, "new@acme.test");
    expect(await wired.core.activate(wired.seeded.accountId, "New@acme.test")).toMatchObject({
      changed: true,
      kind: "member.activated",
      member: { email: "new@acme.test", role: "admin" },
    });
    expect((await wired.core.fullAuditLog(wired.seeded.accountId)).at(-1)).toMatchObject({
      actor: "operator",
      source: "cli",
      action: "member.activated",
      before: { status: "invited" },
      after: { status: "active" },
    });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("INVITE_USED");
  });
});

describe("§4 mails go to active members only: the invited learn of changes from their invite", () => {
  it("a role change mails an active member, not an invited one", async () => {
    const wired = await team([
      { email: "active@acme.test", role: "teammate" },
      { email: "invited@acme.test", role: "teammate", status: "invited" },
    ]);
    const before = (await mails(wired)).length;
    await wired.core.changeRole(wired.owner, { email: "active@acme.test" }, "admin");
    await wired.core.changeRole(wired.owner, { email: "invited@acme.test" }, "admin");
    expect((await mails(wired)).slice(before)).toEqual(["role_changed → active@acme.test"]);
    const mail = (await wired.store.listMail()).at(-1)?.mail;
    expect(mail).toMatchObject({
      kind: "role_changed",
      accountName: "Acme",
      role: "admin",
      permissions: ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"],
    });
  });

  it("a removal mails an active member, not an invited one", async () => {
    const wired = await team([
      { email: "active@acme.test", role: "teammate" },
      { email: "invited@acme.test", role: "teammate", status: "invited" },
    ]);
    const before = (await mails(wired)).length;
    await wired.core.removeMember(wired.owner, { email: "invited@acme.test" });
    await wired.core.removeMember(wired.owner, { email: "active@acme.test" });
    expect((await mails(wired)).slice(before)).toEqual(["removed → active@acme.test"]);
  });

  it("editing only a name or phone mails nobody", async () => {
    const wired = await team([{ email: "active@acme.test", role: "teammate" }]);
    const before = (await mails(wired)).length;
    await wired.core.editMember(
      wired.owner,
      { email: "active@acme.test" },
      { name: "Al", phone: "+447700900123" },
    );
    expect((await mails(wired)).slice(before)).toEqual([]);
  });

  it("an invite mail carries the account, the inviter, the role and its permissions; a resend says so", async () => {
    const wired = await team();
    await wired.core.editMember(wired.owner, { email: OWNER }, { name: "Olivia" });
    await wired.core.addMember(wired.owner, { email: "new@acme.test", role: "admin", name: "Nia" });
    await wired.core.resendInvite(wired.owner, { email: "new@acme.test" });
    const [first, resent] = (await wired.store.listMail()).map((row) => row.mail);
    const common = {
      kind: "invite",
      to: "new@acme.test",
      accountName: "Acme",
      inviter: { name: "Olivia", email: OWNER },
      role: "admin",
      permissions: ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"],
      expiresAt: "2026-01-08T00:00:00.000Z",
    };
    expect(first).toMatchObject({ ...common, resent: false });
    expect(resent).toMatchObject({ ...common, resent: true });
  });
});

describe("§4 invite links: a revoked or replaced link says revoked, never used", () => {
  it("a revoked invite's link is shown as revoked and refused as INVITE_INVALID", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test", role: "admin" });
    const token = await tokenFor(wired, "new@acme.test");
    expect(await wired.core.inviteByToken(token)).toMatchObject({
      state: "pending",
      email: "new@acme.test",
      role: "admin",
      accountName: "Acme",
      inviter: { email: OWNER },
      expiresAt: "2026-01-08T00:00:00.000Z",
    });
    await wired.core.revokeInvite(wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(token)).state).toBe("revoked");
    const refusal = await errorOf(() => wired.core.acceptInvite(token));
    expect(refusal.code).toBe("INVITE_INVALID");
    expect(refusal.message).toContain("revoked");
  });

  it("a resent invite kills the old link (revoked); the new one works once, then says used", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const old = await tokenFor(wired, "new@acme.test");
    await wired.core.resendInvite(wired.owner, { email: "new@acme.test" });
    const fresh = await tokenFor(wired, "new@acme.test");
    expect((await wired.core.inviteByToken(old)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(old))).toBe("INVITE_INVALID");
    expect(await wired.core.acceptInvite(fresh)).toMatchObject({
      changed: true,
      kind: "invite.accepted",
      accountId: wired.seeded.accountId,
    });
    expect((await wired.core.whoami(wired.seeded.as("new@acme.test"))).status).toBe("active");
    expect((await wired.core.inviteByToken(fresh)).state).toBe("accepted");
    expect(await codeOf(() => wired.core.acceptInvite(fresh))).toBe("INVITE_USED");
    expect((await wired.core.inviteByToken(old)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(old))).toBe("INVITE_INVALID");
  });

  it("the link of a removed-then-invited-again email is revoked; the new invite's link works", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const first = await tokenFor(wired, "new@acme.test");
    await wired.core.removeMember(wired.owner, { email: "new@acme.test" });
    expect((await wired.core.inviteByToken(first)).state).toBe("revoked");
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const second = await tokenFor(wired, "new@acme.test");
    expect((await wired.core.inviteByToken(first)).state).toBe("revoked");
    expect(await codeOf(() => wired.core.acceptInvite(first))).toBe("INVITE_INVALID");
    expect((await wired.core.inviteByToken(second)).state).toBe("pending");
    expect(await codeOf(() => wired.core.acceptInvite(second))).toBe("ok");
  });

  it("an invite expires after INVITE_TTL_HOURS exactly: INVITE_EXPIRED, and the member stays invited", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const token = await tokenFor(wired, "new@acme.test");
    wired.clock.advanceHours(168);
    expect((await wired.core.inviteByToken(token)).state).toBe("expired");
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("INVITE_EXPIRED");
    expect((await wired.core.apiMember(wired.seeded.accountId, "new@acme.test")).status).toBe("invited");
  });

  it("an invite accepted just before it expires works", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    const token = await tokenFor(wired, "new@acme.test");
    wired.clock.advanceHours(167.99);
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("ok");
  });

  it("an unknown link is 'unknown' and INVITE_INVALID", async () => {
    const wired = await team();
    expect(await wired.core.inviteByToken("no-such-token")).toEqual({ state: "unknown" });
    expect(await codeOf(() => wired.core.acceptInvite("no-such-token"))).toBe("INVITE_INVALID");
  });

  it("accepting is audited as the invited person, with source system", async () => {
    const wired = await team();
    await wired.core.addMember(wired.owner, { email: "new@acme.test" });
    await wired.core.acceptInvite(await tokenFor(wired, "new@acme.test"));
    expect((await wired.core.fullAuditLog(wired.seeded.accountId)).at(-1)).toMatchObject({
      actor: "new@acme.test",
      source: "system",
      action: "invite.accepted",
      before: { status: "invited" },
      after: { status: "active" },
    });
  });
});

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
    await core.removeMember(owner, { email: "tm@acme.test" });
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
    const may = (email: string) => codeOf(() => core.requests.assertMayDecide(seeded.as(email), id));
    expect(await may(OWNER)).toBe("ok");
    expect(await may("admin@acme.test")).toBe("FORBIDDEN");
    const other = await withRequest();
    await other.run(OWNER, "reject", other.id);
    expect(
      await codeOf(() => other.core.requests.assertMayDecide(other.seeded.as("o2@acme.test"), other.id)),
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

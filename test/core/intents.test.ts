import { describe, expect, it } from "vitest";
import {
  type ChangeIntent,
  describeEffect,
  describeIntent,
  type EffectFacts,
  intentFromJson,
  intentTarget,
  intentToJson,
  isSensitive,
  parseIntent,
} from "../../src/core/intents.js";
import { defaultMatrix, type Matrix } from "../../src/core/permissions.js";
import type { Role } from "../../src/core/roles.js";

/**
 * What a change request says it asks for, and what it does, is what the Owners decide on: these
 * sentences are the contract of a request post (§3), and a stored intent must read back the same.
 */
const intent = (raw: unknown): ChangeIntent => parseIntent(raw);
const tom = { email: "tom@acme.test", role: "teammate" as const, status: "active", name: "Tom", phone: null };
const facts = (f: Partial<EffectFacts> = {}): EffectFacts => ({ target: tom, activeWithRole: 0, ...f });

describe("a change as the /team grammar writes it (describeIntent)", () => {
  it.each([
    [{ kind: "member.add", email: "Bob@Acme.test" }, "add bob@acme.test teammate"],
    [
      {
        kind: "member.add",
        email: "bob@acme.test",
        role: "admin",
        name: "Bob Stone",
        phone: "+447700900123",
      },
      "add bob@acme.test admin Bob Stone --phone +447700900123",
    ],
    [{ kind: "member.edit", member: { email: "tom@acme.test" }, role: "admin" }, "role tom@acme.test admin"],
    [{ kind: "member.edit", member: { slackUserId: "U0TOM" }, role: "owner" }, "role <@U0TOM> owner"],
    [
      { kind: "member.edit", member: { email: "tom@acme.test" }, name: "Thomas", phone: null, role: "admin" },
      "edit tom@acme.test --name Thomas --phone none --role admin",
    ],
    [{ kind: "member.edit", member: { email: "tom@acme.test" }, name: "" }, "edit tom@acme.test --name none"],
    [{ kind: "member.remove", member: { email: "tom@acme.test" } }, "remove tom@acme.test"],
    [{ kind: "invite.resend", member: { email: "new@acme.test" } }, "resend new@acme.test"],
    [{ kind: "invite.revoke", member: { slackUserId: "U0NEW" } }, "revoke <@U0NEW>"],
    [
      { kind: "permission.set", role: "admin", permission: "Team-Settings", allowed: true },
      "perms grant admin team_settings",
    ],
    [
      { kind: "permission.set", role: "teammate", permission: "billing", allowed: false },
      "perms revoke teammate billing",
    ],
    [
      { kind: "permission.save", columns: { admin: ["billing", "api_key"], teammate: [] } },
      "perms save admin=billing,api_key teammate=none",
    ],
    [{ kind: "settings.approvals", channel: "C0APPROVE" }, "settings approvals C0APPROVE"],
    [{ kind: "settings.approvals", channel: null }, "settings approvals none"],
  ])("%j → %s", (raw, words) => {
    expect(describeIntent(intent(raw))).toBe(words);
  });
});

describe("what a change would do, as the Owners read it (describeEffect)", () => {
  it.each([
    [
      { kind: "member.add", email: "bob@acme.test", role: "admin" },
      facts({ target: null }),
      "Invites bob@acme.test as Admin.",
    ],
    [
      { kind: "member.edit", member: { email: "tom@acme.test" }, role: "admin" },
      facts(),
      "tom@acme.test: Teammate → Admin.",
    ],
    [
      { kind: "member.edit", member: { email: "ghost@acme.test" }, role: "admin" },
      facts({ target: null }),
      "ghost@acme.test: ? → Admin.",
    ],
    [
      { kind: "member.edit", member: { email: "tom@acme.test" }, name: "Thomas", phone: "+447700900123" },
      facts(),
      "tom@acme.test: name Tom → Thomas, phone none → +447700900123.",
    ],
    [
      { kind: "member.edit", member: { email: "tom@acme.test" }, name: null, role: "admin" },
      facts(),
      "tom@acme.test: name Tom → none, role Teammate → Admin.",
    ],
    [
      { kind: "member.remove", member: { email: "tom@acme.test" } },
      facts(),
      "Removes tom@acme.test (Teammate, active) from the team.",
    ],
    [
      { kind: "member.remove", member: { slackUserId: "U0X" } },
      facts({ target: null }),
      "Removes <@U0X> from the team.",
    ],
    [
      { kind: "invite.resend", member: { email: "tom@acme.test" } },
      facts(),
      "Sends tom@acme.test a new invite link; the old one stops working.",
    ],
    [
      { kind: "invite.revoke", member: { email: "tom@acme.test" } },
      facts(),
      "Revokes the invite for tom@acme.test.",
    ],
    [
      { kind: "permission.set", role: "admin", permission: "billing", allowed: true },
      facts({ activeWithRole: 1 }),
      "Admins: Billing off → on. Affects 1 active member.",
    ],
    [
      { kind: "permission.set", role: "teammate", permission: "billing", allowed: false },
      facts({ activeWithRole: 3 }),
      "Teammates: Billing on → off. Affects 3 active members.",
    ],
    [
      { kind: "permission.save", columns: { admin: ["billing"], teammate: [] } },
      facts(),
      "Admins: Billing. Teammates: nothing.",
    ],
    [{ kind: "settings.approvals", channel: "C0APPROVE" }, facts(), "Approvals channel → channel C0APPROVE."],
    [{ kind: "settings.approvals", channel: null }, facts(), "Approvals channel → none (DMs to Owners)."],
  ])("%j → %s", (raw, f, sentence) => {
    expect(describeEffect(intent(raw), f)).toBe(sentence);
  });
});

describe("a stored change reads back exactly, or not at all", () => {
  it("round-trips every kind through its versioned JSON", () => {
    const all = [
      intent({ kind: "member.add", email: "bob@acme.test", name: "Bob" }),
      intent({ kind: "member.edit", member: { slackUserId: "U0TOM" }, phone: null }),
      intent({ kind: "permission.save", columns: { teammate: ["billing"] } }),
      intent({ kind: "settings.approvals", channel: null }),
    ];
    for (const i of all) {
      expect(JSON.parse(intentToJson(i))).toEqual({ v: 1, intent: i });
      expect(intentFromJson(intentToJson(i))).toEqual(i);
    }
  });

  it.each([
    [
      "a newer version",
      JSON.stringify({ v: 2, intent: { kind: "member.remove", member: { email: "a@b.co" } } }),
    ],
    ["an unknown kind", JSON.stringify({ v: 1, intent: { kind: "member.teleport" } })],
    [
      "a damaged email",
      JSON.stringify({ v: 1, intent: { kind: "member.remove", member: { email: "nope" } } }),
    ],
    ["not JSON", "{"],
  ])("%s reads as nothing (null), never as some other change", (_what, json) => {
    expect(intentFromJson(json)).toBeNull();
  });

  it("a bad change is INVALID_INPUT naming the field", () => {
    expect(() => parseIntent({ kind: "member.add", email: "not an email" })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", field: "email" }),
    );
    expect(() => parseIntent({ kind: "member.edit", member: { email: "a@b.co" }, role: "god" })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", field: "role" }),
    );
    expect(() => parseIntent(null)).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
  });

  it("names the member a change acts on, and none for account-wide changes", () => {
    expect(intentTarget(intent({ kind: "member.add", email: "B@acme.test" }))).toEqual({
      email: "b@acme.test",
    });
    for (const kind of ["member.remove", "invite.resend", "invite.revoke"] as const)
      expect(intentTarget(intent({ kind, member: { slackUserId: "U0TOM" } }))).toEqual({
        slackUserId: "U0TOM",
      });
    expect(intentTarget(intent({ kind: "member.edit", member: { email: "t@a.co" }, role: "admin" }))).toEqual(
      {
        email: "t@a.co",
      },
    );
    expect(
      intentTarget(intent({ kind: "permission.set", role: "admin", permission: "billing", allowed: true })),
    ).toBeNull();
    expect(intentTarget(intent({ kind: "permission.save", columns: {} }))).toBeNull();
    expect(intentTarget(intent({ kind: "settings.approvals", channel: null }))).toBeNull();
  });
});

describe("which approvals ask for a confirmation first (isSensitive)", () => {
  // The default matrix: Admins and Teammates hold everything but Team Settings and Access Permissions.
  const matrix = defaultMatrix();
  const tomIs = (role: Role | null) => ({ targetRole: role, matrix });
  it.each([
    ["inviting an Owner", { kind: "member.add", email: "o@acme.test", role: "owner" }, null, true],
    ["inviting an Admin", { kind: "member.add", email: "a@acme.test", role: "admin" }, null, false],
    [
      "making a Teammate an Owner",
      { kind: "member.edit", member: { email: "t@x.test" }, role: "owner" },
      "teammate",
      true,
    ],
    [
      "making an Owner an Admin",
      { kind: "member.edit", member: { email: "t@x.test" }, role: "admin" },
      "owner",
      true,
    ],
    [
      "making a Teammate an Admin",
      { kind: "member.edit", member: { email: "t@x.test" }, role: "admin" },
      "teammate",
      false,
    ],
    [
      "an Owner's phone",
      { kind: "member.edit", member: { email: "t@x.test" }, phone: "+447700900123" },
      "owner",
      false,
    ],
    [
      "an Owner's name, their role asked as it is",
      { kind: "member.edit", member: { email: "t@x.test" }, name: "O", role: "owner" },
      "owner",
      false,
    ],
    ["removing an Owner", { kind: "member.remove", member: { email: "t@x.test" } }, "owner", true],
    ["removing an Admin", { kind: "member.remove", member: { email: "t@x.test" } }, "admin", false],
    [
      "a new invite link for an Owner",
      { kind: "invite.resend", member: { email: "t@x.test" } },
      "owner",
      true,
    ],
    ["cancelling an Owner's invite", { kind: "invite.revoke", member: { email: "t@x.test" } }, "owner", true],
    [
      "a new invite link for a Teammate",
      { kind: "invite.resend", member: { email: "t@x.test" } },
      "teammate",
      false,
    ],
    [
      "Team Settings for Admins",
      { kind: "permission.set", role: "admin", permission: "team_settings", allowed: true },
      null,
      true,
    ],
    [
      "Access Permissions off for Teammates",
      { kind: "permission.set", role: "teammate", permission: "access_permissions", allowed: false },
      null,
      true,
    ],
    [
      "the API key for Teammates",
      { kind: "permission.set", role: "teammate", permission: "api_key", allowed: false },
      null,
      true,
    ],
    [
      "Billing for Admins",
      { kind: "permission.set", role: "admin", permission: "billing", allowed: false },
      null,
      false,
    ],
    [
      "a Save that changes only everyday permissions",
      {
        kind: "permission.save",
        columns: { admin: ["export_users", "add_users", "bulk_tag_users", "api_key", "whatsapp_setup"] },
      },
      null,
      false,
    ],
    [
      "a Save that takes the API key from Admins",
      {
        kind: "permission.save",
        columns: { admin: ["export_users", "add_users", "bulk_tag_users", "billing", "whatsapp_setup"] },
      },
      null,
      true,
    ],
    [
      "a Save that gives Teammates Team Settings",
      {
        kind: "permission.save",
        columns: {
          teammate: [
            "team_settings",
            "export_users",
            "add_users",
            "bulk_tag_users",
            "billing",
            "api_key",
            "whatsapp_setup",
          ],
        },
      },
      null,
      true,
    ],
    ["moving where requests are posted", { kind: "settings.approvals", channel: "C0NEW" }, null, true],
  ] as const)("%s", (_label, raw, role, sensitive) => {
    expect(isSensitive(intent(raw), tomIs(role))).toBe(sensitive);
  });

  it("moving someone into a role that runs the team is sensitive once that role holds Team Settings or Access Permissions", () => {
    const admins = defaultMatrix();
    const runTheTeam: Matrix = {
      ...admins,
      admin: new Set([...admins.admin, "team_settings", "access_permissions"]),
    };
    const promote = intent({ kind: "member.edit", member: { email: "t@x.test" }, role: "admin" });
    const inviteAdmin = intent({ kind: "member.add", email: "a@acme.test", role: "admin" });
    expect(isSensitive(promote, { targetRole: "teammate", matrix: admins })).toBe(false);
    expect(isSensitive(promote, { targetRole: "teammate", matrix: runTheTeam })).toBe(true);
    expect(isSensitive(inviteAdmin, { targetRole: null, matrix: runTheTeam })).toBe(true);
    // Taking the API key away by a move counts too.
    const noKey: Matrix = {
      ...admins,
      teammate: new Set([...admins.teammate].filter((k) => k !== "api_key")),
    };
    const demote = intent({ kind: "member.edit", member: { email: "t@x.test" }, role: "teammate" });
    expect(isSensitive(demote, { targetRole: "admin", matrix: noKey })).toBe(true);
  });
});

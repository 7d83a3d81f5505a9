import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, messageText, type Person, startHarness } from "../helpers/slack-harness.js";

/**
 * Every /team subcommand as owner, admin, teammate and non-members, through the real Bolt app with
 * signed requests. Each row runs on a fresh workspace, so successful changes do not leak into others.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

/** What the user sees, whether it came back in the acknowledgement or later on the response_url. */
const reply = async (person: Person, text: string): Promise<string> => {
  const r = await h.slash(person, text);
  expect(r.http.status).toBe(200);
  return messageText(r.message ?? (await h.responseTo(r.responseId)));
};

const OK = (snippet: string) => ({ ok: snippet });
/** A refusal, known by its words: Slack never shows the code (that stays with --json and the API). */
const REFUSED = (label: string, words: string) => ({ refused: label, words });
type Expect = { ok: string } | { refused: string; words: string };

const NOT_A_MEMBER = REFUSED("not a member", "You are not a member of this team");
const NEEDS_TEAM_SETTINGS = REFUSED("no Team Settings", "You need the Team Settings permission");
const NEEDS_ACCESS_PERMISSIONS = REFUSED(
  "no Access Permissions",
  "You need the Access Permissions permission",
);
const OWNER_COLUMN = REFUSED("the Owner column", "Owners always have every permission");
const OWNERS_ONLY = REFUSED("Owners only", "Only Owners can change settings.");
const OWN_ROLE = REFUSED("own role", "Nobody can change their own role. Ask another Owner to change yours.");
const UNKNOWN = REFUSED("unknown command", "There is no");

const TABLE: [string, Record<"owner" | "admin" | "teammate" | "stranger", Expect>][] = [
  [
    "help",
    {
      owner: OK("/team commands"),
      admin: OK("/team commands"),
      teammate: OK("/team commands"),
      stranger: OK("/team commands"),
    },
  ],
  [
    "whoami",
    {
      owner: OK("You are *Owner*"),
      admin: OK("You are *Admin*"),
      teammate: OK("You are *Teammate*"),
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "list",
    {
      owner: OK("5 members"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "list admin active",
    {
      owner: OK("1 of 5 members (Admins, active)"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "add <mailto:new@acme.test|new@acme.test> admin New Person",
    {
      owner: OK("Invited new@acme.test as Admin"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "role <@U0TEAM|tm> admin",
    {
      owner: OK("<@U0TEAM> is now an Admin (was a Teammate)."),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "role owner2@acme.test teammate",
    {
      owner: OK("owner2@acme.test is now a Teammate (was an Owner)."),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "remove tm@acme.test",
    {
      owner: OK("Remove *tm@acme.test* from the team?"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "resend invited@acme.test",
    {
      owner: OK("Sent invited@acme.test a new invite"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "revoke invited@acme.test",
    {
      owner: OK("Cancelled the invite for invited@acme.test; the link in their email no longer works."),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "perms",
    {
      owner: OK("Edit permissions"),
      admin: OK("Your permissions"),
      teammate: OK("Your permissions"),
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "perms revoke teammate billing",
    {
      owner: OK("Teammates can no longer use Billing."),
      admin: NEEDS_ACCESS_PERMISSIONS,
      teammate: NEEDS_ACCESS_PERMISSIONS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "perms grant owner billing",
    {
      owner: OWNER_COLUMN,
      admin: NEEDS_ACCESS_PERMISSIONS,
      teammate: NEEDS_ACCESS_PERMISSIONS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "audit 5",
    {
      owner: OK("Audit log"),
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "settings",
    {
      owner: OK("Approvals channel"),
      admin: OK("Approvals channel"),
      teammate: OK("Approvals channel"),
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "settings approvals <#C0APPROVE|approvals>",
    {
      owner: OK("posted in <#C0APPROVE>"),
      admin: OWNERS_ONLY,
      teammate: OWNERS_ONLY,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "role owner@acme.test admin",
    {
      owner: OWN_ROLE,
      admin: NEEDS_TEAM_SETTINGS,
      teammate: NEEDS_TEAM_SETTINGS,
      stranger: NOT_A_MEMBER,
    },
  ],
  [
    "launch rockets",
    {
      owner: UNKNOWN,
      admin: UNKNOWN,
      teammate: UNKNOWN,
      stranger: NOT_A_MEMBER,
    },
  ],
];

describe("each subcommand for each kind of person", () => {
  for (const [text, byPerson] of TABLE) {
    for (const person of ["owner", "admin", "teammate", "stranger"] as const) {
      const expected = byPerson[person];
      it(`${person}: /team ${text} → ${"ok" in expected ? "ok" : `refused (${expected.refused})`}`, async () => {
        const seen = await reply(person, text);
        if ("ok" in expected) {
          expect(seen).toContain(expected.ok);
          expect(seen).not.toContain(":no_entry_sign:");
        } else {
          expect(seen).toContain(expected.words);
          expect(seen).not.toMatch(/[A-Z]+_[A-Z_]+/);
        }
        expect(seen).toContain('"response_type":"ephemeral"');
      });
    }
  }

  it("an invited member is told to accept first; a removed one that they are not a member", async () => {
    expect(await reply("invited", "whoami")).toContain("You have not accepted your invite yet.");
    expect(await reply("removed", "whoami")).toContain(
      "You are not a member of this team (Slack knows you as removed@acme.test). Ask an Owner to invite you.",
    );
  });

  it("a member found by email is linked, and later commands need no users.info call", async () => {
    await reply("admin", "whoami");
    const lookups = h.fake.callsTo("users.info").length;
    const second = await h.slash("admin", "whoami");
    expect(second.message).not.toBeNull(); // answered in the acknowledgement itself
    expect(h.fake.callsTo("users.info")).toHaveLength(lookups);
    expect((await h.running.core.findLinkedMember(h.accountId, "U0ADMIN"))?.email).toBe("admin@acme.test");
  });

  it("an admin granted Team Settings manages teammates but not admins or owners", async () => {
    await reply("owner", "perms grant admin team_settings");
    expect(await reply("admin", "role tm@acme.test teammate")).toContain("Nothing to change");
    expect(await reply("admin", "resend invited@acme.test")).toContain("Sent invited@acme.test");
    expect(await reply("admin", "role tm@acme.test admin")).toContain(
      "As an Admin you can make people Teammates only; only an Owner can make someone an Admin.",
    );
    expect(await reply("admin", "remove owner@acme.test")).toContain(
      "Only Owners can remove an Owner. Ask an Owner to do it.",
    );
  });
});

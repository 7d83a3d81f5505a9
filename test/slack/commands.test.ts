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
const REFUSED = (code: string) => ({ refused: code });
type Expect = { ok: string } | { refused: string };

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
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "list",
    {
      owner: OK("5 members"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "list admin active",
    {
      owner: OK("1 of 5 members (Admins, active)"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "add <mailto:new@acme.test|new@acme.test> admin New Person",
    {
      owner: OK("Invited new@acme.test as Admin"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "role <@U0TEAM|tm> admin",
    {
      owner: OK("tm@acme.test is now Admin"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "role owner2@acme.test teammate",
    {
      owner: OK("owner2@acme.test is now Teammate"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "remove tm@acme.test",
    {
      owner: OK("Remove *tm@acme.test* from the team?"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "resend invited@acme.test",
    {
      owner: OK("Sent invited@acme.test a new invite"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "revoke invited@acme.test",
    {
      owner: OK("Revoked the invite for invited@acme.test"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "perms",
    {
      owner: OK("Edit permissions"),
      admin: OK("Your permissions"),
      teammate: OK("Your permissions"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "perms revoke teammate billing",
    {
      owner: OK("Teammates may no longer use Billing"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "perms grant owner billing",
    {
      owner: REFUSED("FORBIDDEN"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "audit 5",
    {
      owner: OK("Audit log"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "settings",
    {
      owner: OK("Approvals channel"),
      admin: OK("Approvals channel"),
      teammate: OK("Approvals channel"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "settings approvals <#C0APPROVE|approvals>",
    {
      owner: OK("posted in <#C0APPROVE>"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "role owner@acme.test admin",
    {
      owner: REFUSED("OWN_ROLE"),
      admin: REFUSED("FORBIDDEN"),
      teammate: REFUSED("FORBIDDEN"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
  [
    "launch rockets",
    {
      owner: REFUSED("INVALID_INPUT"),
      admin: REFUSED("INVALID_INPUT"),
      teammate: REFUSED("INVALID_INPUT"),
      stranger: REFUSED("NOT_A_MEMBER"),
    },
  ],
];

describe("each subcommand for each kind of person", () => {
  for (const [text, byPerson] of TABLE) {
    for (const person of ["owner", "admin", "teammate", "stranger"] as const) {
      const expected = byPerson[person];
      it(`${person}: /team ${text} → ${"ok" in expected ? "ok" : expected.refused}`, async () => {
        const seen = await reply(person, text);
        if ("ok" in expected) {
          expect(seen).toContain(expected.ok);
          expect(seen).not.toContain(":no_entry_sign:");
        } else {
          expect(seen).toContain(`\`${expected.refused}\``);
        }
        expect(seen).toContain('"response_type":"ephemeral"');
      });
    }
  }

  it("an invited member is told to accept first; a removed one that they are not a member", async () => {
    expect(await reply("invited", "whoami")).toContain("`NOT_ACTIVE`");
    expect(await reply("removed", "whoami")).toContain("`NOT_A_MEMBER`");
  });

  it("a member found by email is linked, and later commands need no users.info call", async () => {
    await reply("admin", "whoami");
    const lookups = h.fake.callsTo("users.info").length;
    const second = await h.slash("admin", "whoami");
    expect(second.message).not.toBeNull(); // answered in the acknowledgement itself
    expect(h.fake.callsTo("users.info")).toHaveLength(lookups);
    expect(h.running.core.findLinkedMember(h.accountId, "U0ADMIN")?.email).toBe("admin@acme.test");
  });

  it("an admin granted Team Settings manages teammates but not admins or owners", async () => {
    await reply("owner", "perms grant admin team_settings");
    expect(await reply("admin", "role tm@acme.test teammate")).toContain("Nothing to change");
    expect(await reply("admin", "resend invited@acme.test")).toContain("Sent invited@acme.test");
    expect(await reply("admin", "role tm@acme.test admin")).toContain("`RANK_TOO_LOW`");
    expect(await reply("admin", "remove owner@acme.test")).toContain("Only Owners can remove an Owner");
  });
});

import { describe, expect, it } from "vitest";
import { describeAsk, describeChange } from "../../commands/lib/describe.js";
import type { ChangeResult, MemberFieldChanges } from "../../src/core/decide.js";
import { type IntentKind, parseIntent } from "../../src/core/intents.js";
import { type MemberAbout, made, unchanged } from "../../src/core/outcomes.js";
import { slackFormatter } from "../../src/slack/format.js";

/**
 * The sentences a person reads after a change, and before asking the Owners for one — the same on
 * every surface, with the surface's way of showing people and typed text.
 */

describe("what asking the Owners asks, in words (describeAsk)", () => {
  const ASKS = {
    "member.add": [
      { kind: "member.add", email: "new@acme.test", role: "admin", name: "Nia New" },
      "invite new@acme.test as an Admin, named Nia New",
    ],
    "member.edit": [
      { kind: "member.edit", member: { email: "tom@acme.test" }, role: "admin" },
      "make tom@acme.test an Admin",
    ],
    "member.remove": [
      { kind: "member.remove", member: { email: "tom@acme.test" } },
      "remove tom@acme.test from the team",
    ],
    "invite.resend": [
      { kind: "invite.resend", member: { email: "tom@acme.test" } },
      "resend the invite for tom@acme.test",
    ],
    "invite.revoke": [
      { kind: "invite.revoke", member: { email: "tom@acme.test" } },
      "cancel the invite for tom@acme.test",
    ],
    "permission.set": [
      { kind: "permission.set", role: "teammate", permission: "billing", allowed: false },
      "stop Teammates using Billing",
    ],
    "permission.save": [
      { kind: "permission.save", columns: { admin: ["team_settings", "billing"], teammate: [] } },
      "let Admins use only Team Settings and Billing and let Teammates use nothing",
    ],
    "settings.approvals": [
      { kind: "settings.approvals", channel: "C0APPROVE" },
      "post change requests in C0APPROVE",
    ],
    "settings.four_eyes": [{ kind: "settings.four_eyes", on: true }, "turn four-eyes on"],
    "grant.start": [
      { kind: "grant.start", member: { email: "tom@acme.test" }, permission: "export_users", minutes: 120 },
      "give tom@acme.test Export Users for 2 hours",
    ],
    "grant.extend": [
      { kind: "grant.extend", member: { email: "tom@acme.test" }, permission: "billing", minutes: 30 },
      "give tom@acme.test Billing for 30 minutes longer",
    ],
    "grant.end": [
      { kind: "grant.end", member: { email: "tom@acme.test" }, permission: "billing" },
      "end tom@acme.test's temporary Billing",
    ],
    "apikey.rotate": [
      { kind: "apikey.rotate", graceHours: 0 },
      "rotate the organisation API key, stopping the old one at once",
    ],
  } satisfies Record<IntentKind, [unknown, string]>;

  it.each(Object.entries(ASKS))("%s", (_kind, [raw, words]) => {
    expect(describeAsk(parseIntent(raw))).toBe(words);
  });

  it("an edit of several fields says each, and a cleared one as cleared", () => {
    const intent = parseIntent({
      kind: "member.edit",
      member: { email: "tom@acme.test" },
      name: "Thomas",
      phone: null,
    });
    expect(describeAsk(intent)).toBe("change tom@acme.test's name to Thomas and clear their phone");
    expect(describeAsk(parseIntent({ kind: "member.edit", member: { email: "t@a.co" }, phone: "" }))).toBe(
      "clear t@a.co's phone",
    );
  });

  it("in Slack: a member named by mention is mentioned, a channel linked, typed text escaped", () => {
    expect(
      describeAsk(parseIntent({ kind: "member.remove", member: { slackUserId: "U0TOM" } }), slackFormatter),
    ).toBe("remove <@U0TOM> from the team");
    expect(
      describeAsk(parseIntent({ kind: "settings.approvals", channel: "C0APPROVE" }), slackFormatter),
    ).toBe("post change requests in <#C0APPROVE>");
    expect(
      describeAsk(
        parseIntent({ kind: "member.edit", member: { email: "t@a.co" }, name: "<!here>" }),
        slackFormatter,
      ),
    ).toBe("change t@a.co's name to &lt;!here&gt;");
  });
});

describe("what a change did, named (describeChange)", () => {
  const tom: MemberAbout = {
    email: "tom@acme.test",
    name: "Tom",
    slackUserId: null,
    role: "teammate",
    status: "active",
  };
  const edited = (fields: MemberFieldChanges, member: Partial<MemberAbout> = {}): ChangeResult =>
    made("member.edited", { member: { ...tom, ...member }, fields });

  it("an edit: each field before → after, the member as the reader knew them", () => {
    expect(
      describeChange(edited({ phone: { before: "+447700900123", after: "+447700900999" } }), slackFormatter),
    ).toBe("Tom's phone is now +447700900999 (was +447700900123).");
    expect(
      describeChange(
        edited(
          {
            name: { before: "Tom", after: "Thomas" },
            phone: { before: "+447700900123", after: null },
          },
          { name: "Thomas" },
        ),
        slackFormatter,
      ),
    ).toBe("Tom's name is now Thomas (was Tom); phone cleared (was +447700900123).");
  });

  it("a role: the member by mention when linked, by email in a terminal", () => {
    const promoted = edited(
      { role: { before: "teammate", after: "admin" } },
      { slackUserId: "U0TOM", role: "admin" },
    );
    expect(describeChange(promoted, slackFormatter)).toBe("<@U0TOM> is now an Admin (was a Teammate).");
    expect(describeChange(promoted)).toBe("tom@acme.test is now an Admin (was a Teammate).");
  });

  it("an edit of the role with other fields names all of them", () => {
    expect(
      describeChange(
        edited({ name: { before: null, after: "Tom" }, role: { before: "teammate", after: "owner" } }),
      ),
    ).toBe("tom@acme.test's name is now Tom; role is now Owner (was Teammate).");
  });

  it("a Save of the permissions form names every cell, by role", () => {
    expect(
      describeChange(
        made("permissions.changed", {
          cells: [
            { role: "teammate", permission: "billing", allowed: true },
            { role: "admin", permission: "billing", allowed: true },
            { role: "admin", permission: "team_settings", allowed: true },
            { role: "teammate", permission: "export_users", allowed: false },
          ],
        }),
      ),
    ).toBe(
      "Admins can now use Billing and Team Settings; Teammates can now use Billing; Teammates can no longer use Export Users.",
    );
  });

  it("removing someone invited cancels their invite; removing someone active removes them", () => {
    const removed = (status: MemberAbout["status"]) => made("member.removed", { member: { ...tom, status } });
    expect(describeChange(removed("invited"))).toBe(
      "Cancelled the invite for tom@acme.test; the link in their email no longer works.",
    );
    expect(describeChange(removed("active"), slackFormatter)).toBe("Removed Tom from the team.");
  });

  it("a name typed with Slack markup neither notifies nor formats", () => {
    const sentence = describeChange(
      edited({ name: { before: "Tom", after: "<!channel>" } }, { name: "<!channel>" }),
      slackFormatter,
    );
    expect(sentence).toBe("Tom's name is now &lt;!channel&gt; (was Tom).");
  });

  describe("temporary access and four-eyes", () => {
    const grant = (
      kind: "grant.started" | "grant.extended" | "grant.ended",
      endsAt = "2026-03-02T14:30:00.000Z",
    ) =>
      made(kind, {
        member: { ...tom, name: null, slackUserId: "U0TOM" },
        permission: "export_users",
        until: endsAt,
      });
    const now = new Date("2026-03-02T12:30:00.000Z");

    it.each([
      ["grant.started", "tom@acme.test has Export Users until 14:30 UTC (ends by itself)."],
      ["grant.extended", "tom@acme.test's temporary Export Users now lasts until 14:30 UTC."],
      ["grant.ended", "tom@acme.test's temporary Export Users has ended."],
    ] as const)("%s, in a terminal: the end in UTC words counted from now", (kind, words) => {
      expect(describeChange(grant(kind), undefined, now)).toBe(words);
    });

    it("an end beyond a day names its date", () => {
      expect(describeChange(grant("grant.started", "2026-03-04T09:00:00.000Z"), undefined, now)).toBe(
        "tom@acme.test has Export Users until 4 Mar 09:00 UTC (ends by itself).",
      );
    });

    it("in Slack: the holder mentioned, the end in the reader's own time", () => {
      expect(describeChange(grant("grant.started"), slackFormatter)).toMatch(
        /^<@U0TOM> has Export Users until <!date\^\d+\^[^|]+\|[^>]+> \(ends by itself\)\.$/,
      );
    });

    it("a grant that changes nothing says what already holds", () => {
      expect(describeChange(unchanged({ of: "grant.by_role", member: tom, permission: "billing" }))).toBe(
        "Nothing to change: Teammates already have Billing.",
      );
    });

    it("four-eyes on, off, and already so", () => {
      expect(describeChange(made("setting.changed", { setting: "four_eyes", value: true }))).toMatch(
        /^Four-eyes is now on: .*need a second Owner's approval\.$/,
      );
      expect(describeChange(made("setting.changed", { setting: "four_eyes", value: false }))).toBe(
        "Four-eyes is now off: Owners' changes apply at once.",
      );
      expect(describeChange(unchanged({ of: "setting", setting: "four_eyes", value: true }))).toBe(
        "Nothing to change: four-eyes is already on.",
      );
    });
  });
});

import { describe, expect, it } from "vitest";
import type { AuditPage } from "../../src/core/accounts.js";
import { legacyAuditTarget } from "../../src/core/audit.js";
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEntry,
  type AuditSource,
  type AuditTarget,
} from "../../src/core/model.js";
import { auditMessage } from "../../src/slack/blocks/audit.js";

/** Every action the core writes reads as a sentence in Slack: the table a new action must join. */

const AT = "2026-03-04T10:02:00.000Z";
const DATE = "<!date^1772618520^{date_short_pretty} at {time}|4 March 2026 at 10:02 UTC>";

let seq = 0;
const entry = (
  action: string,
  target: string | AuditTarget,
  after: unknown,
  more: Partial<Pick<AuditEntry, "actor" | "source" | "before" | "requestId" | "batch">> = {},
): AuditEntry => {
  seq++;
  return {
    seq,
    at: AT,
    actor: "olivia@acme.test",
    source: "slack" as AuditSource,
    action,
    target: typeof target === "string" ? legacyAuditTarget(target) : target,
    before: null,
    after,
    requestId: null,
    batch: seq,
    prevHash: "",
    hash: "",
    ...more,
  };
};

const PEOPLE = [
  { email: "olivia@acme.test", name: "Olivia", slackUserId: "U0OLIVIA" },
  { email: "tom@acme.test", name: "Tom", slackUserId: "U0TOM" },
  { email: "nia@acme.test", name: "Nia <!channel>", slackUserId: null },
];

/** The one line a page of these entries shows (they are one change when they share a batch). */
const line = (...entries: AuditEntry[]): string => {
  const page: AuditPage = {
    entries,
    people: PEOPLE,
    requesters: { RABC234: "nia@acme.test" },
    before: null,
    older: null,
  };
  const message = auditMessage(page, 20);
  const sections = message.blocks.filter((b) => b.type === "section");
  expect(sections).toHaveLength(1);
  const text = (sections[0] as { text: { text: string } }).text.text;
  expect(text.split("\n")).toHaveLength(1);
  expect(text.startsWith(`${DATE} — `)).toBe(true);
  return text.slice(DATE.length + 3);
};

const SENTENCES = {
  "account.created": [
    entry("account.created", "account:T0ACME", { name: "Acme" }, { actor: "operator", source: "cli" }),
    "The operator set up the account Acme",
  ],
  "member.added": [
    entry("member.added", "tom@acme.test", { email: "tom@acme.test", role: "teammate", status: "invited" }),
    "<@U0OLIVIA> invited <@U0TOM> as Teammate",
  ],
  "member.edited": [
    entry("member.edited", "tom@acme.test", { phone: "+447700900999" }, { before: { phone: null } }),
    "<@U0OLIVIA> changed <@U0TOM>'s phone",
  ],
  "member.role_changed": [
    entry("member.role_changed", "tom@acme.test", { role: "admin" }, { before: { role: "teammate" } }),
    "<@U0OLIVIA> made <@U0TOM> an Admin",
  ],
  "member.removed": [
    entry("member.removed", "tom@acme.test", { status: "removed" }, { before: { status: "active" } }),
    "<@U0OLIVIA> removed <@U0TOM> from the team",
  ],
  "member.activated": [
    entry("member.activated", "tom@acme.test", { status: "active" }, { actor: "operator", source: "cli" }),
    "The operator activated <@U0TOM> without the invite mail",
  ],
  "member.slack_linked": [
    entry("member.slack_linked", "tom@acme.test", { slackUserId: "U0TOM" }, { actor: "system" }),
    "Rolecall linked tom@acme.test to <@U0TOM>",
  ],
  "invite.sent": [
    entry("invite.sent", "nia@acme.test", { expiresAt: AT }),
    "<@U0OLIVIA> sent Nia &lt;!channel&gt; an invite",
  ],
  "invite.resent": [
    entry("invite.resent", "nia@acme.test", { expiresAt: AT }),
    "<@U0OLIVIA> sent Nia &lt;!channel&gt; a new invite link",
  ],
  "invite.revoked": [
    entry("invite.revoked", "nia@acme.test", { status: "removed" }),
    "<@U0OLIVIA> cancelled Nia &lt;!channel&gt;'s invite",
  ],
  "invite.accepted": [
    entry(
      "invite.accepted",
      "tom@acme.test",
      { status: "active" },
      { actor: "tom@acme.test", source: "system" },
    ),
    "<@U0TOM> accepted the invite and joined the team",
  ],
  "permission.granted": [
    entry("permission.granted", "role:admin", { billing: true }, { before: { billing: false } }),
    "Admins can now use Billing (by <@U0OLIVIA>)",
  ],
  "permission.revoked": [
    entry("permission.revoked", "role:teammate", { export_users: false }, { source: "cli" }),
    "Teammates can no longer use Export Users (by <@U0OLIVIA>, from the CLI)",
  ],
  "setting.changed": [
    entry("setting.changed", "setting:approvals_channel", { channel: "C0APPROVE" }),
    "<@U0OLIVIA> set the approvals channel to <#C0APPROVE>",
  ],
  "apikey.rotated": [
    entry("apikey.rotated", "account:api_key", {
      prefix: "rc_new",
      oldKeyWorksUntil: "2026-03-05T10:02:00.000Z",
    }),
    "<@U0OLIVIA> rotated the organisation API key; the old key works until <!date^1772704920^{date_short_pretty} at {time}|5 March 2026 at 10:02 UTC>",
  ],
  "request.filed": [
    entry(
      "request.filed",
      "request:RABC234",
      { change: "role tom@acme.test admin" },
      { actor: "nia@acme.test" },
    ),
    "Nia &lt;!channel&gt; filed request RABC234 asking for `role tom@acme.test admin`",
  ],
  "request.approved": [
    entry("request.approved", "request:RABC234", { applied: false, why: "Only Owners can change an Owner." }),
    "<@U0OLIVIA> approved request RABC234 from Nia &lt;!channel&gt;, but it could not be applied: Only Owners can change an Owner",
  ],
  "request.rejected": [
    entry("request.rejected", "request:RABC234", { reason: "Not *now* <!here>" }),
    "<@U0OLIVIA> rejected request RABC234 from Nia &lt;!channel&gt;: Not *\u200bnow*\u200b &lt;!here&gt;",
  ],
  "request.cancelled": [
    entry("request.cancelled", "request:RABC234", null, { actor: "nia@acme.test" }),
    "Nia &lt;!channel&gt; cancelled request RABC234",
  ],
  "request.expired": [
    entry("request.expired", "request:RABC234", null, { actor: "system", source: "system" }),
    "Request RABC234 from Nia &lt;!channel&gt; expired with no decision",
  ],
  "app.installed": [
    entry("app.installed", "installation:T0ACME", { reinstall: true, scopes: ["commands"] }),
    "<@U0OLIVIA> reinstalled Rolecall in Slack",
  ],
  "app.uninstalled": [
    entry(
      "app.uninstalled",
      "installation:T0ACME",
      { reason: "tokens_revoked" },
      { actor: "system", source: "slack" },
    ),
    "Slack revoked Rolecall's access; it no longer posts in this workspace",
  ],
  "grant.requested": [
    entry(
      "grant.requested",
      "request:RABC234",
      { change: "grant tom@acme.test export_users for 2h audit" },
      {
        actor: "tom@acme.test",
      },
    ),
    "<@U0TOM> asked for temporary access (request RABC234): `grant tom@acme.test export_users for 2h audit`",
  ],
  "grant.started": [
    entry("grant.started", "tom@acme.test", {
      permission: "export_users",
      until: "2026-03-02T14:30:00.000Z",
      reason: "<!channel> audit",
    }),
    "<@U0OLIVIA> gave <@U0TOM> Export Users until <!date^1772461800^{date_short_pretty} at {time}|2 March 2026 at 14:30 UTC> (&lt;!channel&gt; audit)",
  ],
  "grant.extended": [
    entry("grant.extended", "tom@acme.test", { permission: "billing", until: "2026-03-02T16:30:00.000Z" }),
    "<@U0OLIVIA> extended <@U0TOM>'s Billing until <!date^1772469000^{date_short_pretty} at {time}|2 March 2026 at 16:30 UTC>",
  ],
  "grant.ended": [
    entry("grant.ended", "tom@acme.test", { permission: "billing", endedBy: "olivia@acme.test" }),
    "<@U0OLIVIA> ended <@U0TOM>'s temporary Billing",
  ],
  "grant.expired": [
    entry("grant.expired", "tom@acme.test", null, {
      actor: "system",
      source: "system",
      before: { permission: "team_settings", until: "2026-03-02T14:30:00.000Z" },
    }),
    "<@U0TOM>'s temporary Team Settings ended at its time",
  ],
} satisfies Record<AuditAction, [AuditEntry, string]>;

describe("every audit action reads as a sentence", () => {
  it.each(AUDIT_ACTIONS.map((action) => [action, ...SENTENCES[action]] as const))(
    "%s",
    (_action, written, sentence) => {
      expect(line(written)).toBe(sentence);
    },
  );

  it("an action this version does not know still reads as a sentence, never its name or JSON", () => {
    expect(line(entry("grant.delegated", "tom@acme.test", { permission: "billing", until: AT }))).toBe(
      "<@U0OLIVIA> made a change to <@U0TOM> (grant delegated)",
    );
  });

  it("a member nobody linked or named is their escaped email; an unknown one too", () => {
    expect(line(entry("member.role_changed", "x_y@elsewhere.test", { role: "owner" }))).toBe(
      "<@U0OLIVIA> made x_y@elsewhere.test an Owner",
    );
  });
});

describe("a change that wrote several entries reads as one", () => {
  it("a Save of the permissions form: every cell, by role, in catalog order", () => {
    const first = seq + 1;
    const cells = [
      entry("permission.revoked", "role:teammate", { export_users: false }, { batch: first }),
      entry("permission.granted", "role:admin", { billing: true }, { batch: first }),
      entry("permission.granted", "role:admin", { team_settings: true }, { batch: first }),
      entry("permission.revoked", "role:admin", { api_key: false }, { batch: first }),
    ];
    expect(line(...cells)).toBe(
      "Admins can now use Team Settings and Billing, and can no longer use Organisation API key; " +
        "Teammates can no longer use Export Users (by <@U0OLIVIA>)",
    );
  });

  it("adding a member says the invite once; an approval names the request and who asked", () => {
    const added = seq + 1;
    expect(
      line(
        entry("member.added", "nia@acme.test", { role: "admin", status: "invited" }, { batch: added }),
        entry("invite.sent", "nia@acme.test", { expiresAt: AT }, { batch: added }),
      ),
    ).toBe("<@U0OLIVIA> invited Nia &lt;!channel&gt; as Admin");
    const approved = seq + 1;
    const by = { batch: approved, source: "approval" as const, requestId: "RABC234" };
    expect(
      line(
        entry("member.role_changed", "tom@acme.test", { role: "owner" }, by),
        entry("request.approved", "request:RABC234", { applied: true, requester: "nia@acme.test" }, by),
      ),
    ).toBe("<@U0OLIVIA> made <@U0TOM> an Owner (approving request RABC234 from Nia &lt;!channel&gt;)");
  });
});

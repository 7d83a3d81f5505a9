import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { blockProblems } from "../helpers/block-kit-limits.js";
import { setPermission } from "../helpers/core.js";
import { type Harness, type Person, startHarness } from "../helpers/slack-harness.js";
import { blockAction, checked, openedView, viewSubmission } from "../helpers/slack-payloads.js";

/** PRODUCT §5/§6 and issue 12 item 4: `/team audit` in Slack reads as sentences, a change at a time. */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

interface Message {
  text?: string;
  blocks?: {
    type: string;
    text?: { text: string };
    elements?: { text?: string; action_id?: string; value?: string }[];
  }[];
  replace_original?: boolean;
  response_type?: string;
}

const reply = async (person: Person, words: string): Promise<Message> => {
  const r = await h.slash(person, words);
  return (r.message ?? (await h.responseTo(r.responseId))) as Message;
};

/** Everything a reader sees: the header, the context lines, the sections. */
const shown = (m: Message): string =>
  [
    m.text ?? "",
    ...(m.blocks ?? []).flatMap((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => e.text ?? "")]),
  ].join("\n");
/** One line per change, newest first. */
const lines = (m: Message): string[] =>
  (m.blocks ?? []).filter((b) => b.type === "section").flatMap((b) => (b.text?.text ?? "").split("\n"));
const headerOf = (m: Message) => m.blocks?.find((b) => b.type === "header")?.text?.text ?? "";
const olderButton = (m: Message) =>
  m.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === IDS.actions.auditOlder);

const ACTION_NAME = /\b(account|member|invite|permission|setting|apikey|request)s?\.[a-z_]+/;

const clickOlder = async (person: Person, value: string) => {
  const b = blockAction(h.fake, { action_id: IDS.actions.auditOlder, value });
  expect((await h.interact(person, b.payload)).status).toBe(200);
  return (await h.responseTo(b.responseId)) as Message;
};

describe("/team audit reads as sentences", () => {
  it("names people by mention, says the source where it helps, shows local times; no action names or JSON", async () => {
    await reply("teammate", "whoami"); // links the teammate's Slack user
    await reply("owner", "role tm@acme.test admin");
    await h.running.core.editMember(h.as("owner"), { email: "tm@acme.test" }, { phone: "+447700900999" });
    await reply("owner", "add new@acme.test teammate");
    await reply("owner", "settings approvals <#C0APPROVE|approvals>");

    const audit = await reply("owner", "audit 4");
    expect(headerOf(audit)).toBe("Audit log — the latest 4 changes");
    const [approvals, added, phone, role] = lines(audit);
    expect(role).toMatch(/^<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+ UTC> — /);
    expect(role).toContain("— <@U0OWNER> made <@U0TEAM> an Admin");
    expect(phone).toContain("— <@U0OWNER> changed <@U0TEAM>'s phone (from the CLI)");
    expect(added).toContain("— <@U0OWNER> invited new@acme.test as Teammate");
    expect(added).not.toContain("an invite"); // the invite that comes with adding goes unsaid
    expect(approvals).toContain("— <@U0OWNER> set the approvals channel to <#C0APPROVE>");

    const text = shown(audit).replace(/<!date\^[^>]+>/g, "(time)");
    expect(text).not.toMatch(ACTION_NAME);
    expect(text).not.toMatch(/[{}"]|→|\+447700900999/);
    expect(audit.text).toBe("Audit log — the latest 4 changes");
  });

  it("one Save of the permissions form with several cells is one entry", async () => {
    const r = await h.slash("owner", "perms");
    expect(r.http.status).toBe(200);
    const click = blockAction(h.fake, { action_id: IDS.actions.openPermissions, value: "edit" });
    await h.interact("owner", click.payload);
    const view = await openedView(h.fake, click.payload.trigger_id);
    await h.interact(
      "owner",
      viewSubmission(view, {
        perms_admin: checked("team_settings", "export_users", "billing"),
        perms_teammate: checked("export_users", "add_users", "bulk_tag_users", "api_key", "whatsapp_setup"),
      }),
    );
    const log = await h.running.core.fullAuditLog(h.accountId);
    expect(log.filter((e) => e.action.startsWith("permission.")).length).toBe(6); // one row per cell

    const audit = await reply("owner", "audit 1");
    expect(headerOf(audit)).toBe("Audit log — the latest 1 change");
    expect(lines(audit)).toHaveLength(1);
    expect(lines(audit)[0]).toContain(
      "— Admins can now use Team Settings, and can no longer use Add Users, Bulk Tag Users, " +
        "Organisation API key and WhatsApp Business Setup; Teammates can no longer use Billing (by <@U0OWNER>)",
    );
  });

  it("an approval reads as one change that names who asked", async () => {
    await reply("owner", "settings approvals <#C0APPROVE|approvals>");
    const request = await h.running.core.requests.file(h.as("admin"), {
      kind: "member.edit",
      member: { email: "tm@acme.test" },
      role: "admin",
    });
    await reply("owner", `approve ${request.id}`);
    const [approved, filed] = lines(await reply("owner", "audit 2"));
    expect(approved).toContain(
      `— <@U0OWNER> made tm@acme.test an Admin (approving request ${request.id} from admin@acme.test)`,
    );
    expect(filed).toContain(
      `— admin@acme.test filed request ${request.id} asking for \`role tm@acme.test admin\` (from the CLI)`,
    );
  });
});

describe("Older pages through the log", () => {
  it("pages back to the first entry in place, each change once, a Save never split", async () => {
    const core = h.running.core;
    for (let i = 0; i < 6; i++)
      await setPermission(core, h.as("owner"), {
        role: "teammate",
        permission: "billing",
        allowed: i % 2 === 1,
      });
    await core.setPermissions(h.as("owner"), { admin: ["team_settings"], teammate: ["team_settings"] });
    for (let i = 0; i < 6; i++)
      await setPermission(core, h.as("owner"), {
        role: "admin",
        permission: "billing",
        allowed: i % 2 === 0,
      });

    const first = await reply("owner", "audit 5");
    expect(headerOf(first)).toBe("Audit log — the latest 5 changes");
    const seen = [...lines(first)];
    let page = first;
    for (let i = 0; i < 20; i++) {
      const older = olderButton(page);
      if (!older) break;
      page = await clickOlder("owner", older.value ?? "");
      expect(page).toMatchObject({ response_type: "ephemeral", replace_original: true });
      expect(headerOf(page)).toMatch(/^Audit log — \d+ earlier changes?$/);
      seen.push(...lines(page));
    }
    expect(olderButton(page)).toBeUndefined();
    // Every change once, newest to oldest: the seed's, the twelve toggles and the one Save.
    expect(seen.filter((l) => l.includes("Admins can now use Team Settings"))).toHaveLength(1);
    expect(seen.filter((l) => l.includes("Teammates can now use Team Settings"))).toHaveLength(1);
    expect(seen[0]).toContain("— Admins can no longer use Billing (by <@U0OWNER>, from the CLI)");
    expect(seen.at(-1)).toContain("— The operator set up the account Acme with <@U0OWNER> as its Owner");
    const log = await core.fullAuditLog(h.accountId);
    const changes = new Set(log.map((e) => e.batch ?? e.seq));
    expect(seen).toHaveLength(changes.size);
  });

  it("500 changes asked for: as many as fit in one message, and Older goes on from the oldest shown", async () => {
    const core = h.running.core;
    // Saves that toggle many cells make long sentences: 500 of them cannot fit in one message.
    const some = ["team_settings", "access_permissions", "export_users", "add_users", "bulk_tag_users"];
    for (let i = 0; i < 500; i++) {
      const column = i % 2 === 0 ? some : [];
      await core.setPermissions(h.as("owner"), { admin: column, teammate: column });
    }
    const audit = await reply("owner", "audit 500");
    expect(blockProblems("message", audit.blocks)).toEqual([]);
    const shownFirst = lines(audit).length;
    expect(shownFirst).toBeGreaterThan(100);
    expect(shownFirst).toBeLessThan(500);
    expect(headerOf(audit)).toBe(`Audit log — the latest ${shownFirst} changes`);
    const next = await clickOlder("owner", olderButton(audit)?.value ?? "");
    expect(next.replace_original).toBe(true); // the fake took it: within Slack's limits
    const log = await core.fullAuditLog(h.accountId);
    // The next page starts right below the oldest change the first one showed.
    const changes = [...new Set(log.map((e) => e.batch ?? e.seq))];
    const newestOfNext = log.find((e) => e.seq === changes.at(-1 - shownFirst));
    expect(lines(next)[0]).toContain(
      newestOfNext?.action === "permission.granted" ? "— Admins can now use" : "— Admins can no longer use",
    );
    let seen = shownFirst + lines(next).length;
    for (let page = next; olderButton(page); seen += lines(page).length)
      page = await clickOlder("owner", olderButton(page)?.value ?? "");
    expect(seen).toBe(changes.length);
  });

  it("a tampered or forged Older button is refused in words; Team Settings is checked again", async () => {
    const audit = await reply("owner", "audit 2");
    const value = olderButton(audit)?.value ?? "";
    expect(JSON.parse(value)).toEqual({ before: expect.any(Number), last: 2 });
    for (const forged of [
      "not json",
      JSON.stringify({ before: 0, last: 2 }),
      JSON.stringify({ before: "5; DROP TABLE audit_log", last: 2 }),
      JSON.stringify({ before: 5, last: 100_000 }),
      JSON.stringify({ ...JSON.parse(value), accountId: "other" }),
    ]) {
      const refused = await clickOlder("owner", forged);
      expect(refused).toMatchObject({ response_type: "ephemeral", replace_original: false });
      expect(shown(refused)).toContain("That Older button could not be read; run /team audit again.");
    }
    const teammate = await clickOlder("teammate", value);
    expect(teammate.replace_original).toBe(false);
    expect(shown(teammate)).not.toContain("Audit log");
    expect(shown(teammate)).toMatch(/Team Settings/);
  });
});

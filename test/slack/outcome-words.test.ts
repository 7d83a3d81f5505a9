import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { blockProblems } from "../helpers/block-kit-limits.js";
import { json, rolecall } from "../helpers/cli.js";
import {
  buttonsOf,
  ERROR_CODE_PATTERN,
  type Harness,
  messageText,
  type Person,
  startHarness,
} from "../helpers/slack-harness.js";
import { blockAction, checked, openedView, select, text, viewSubmission } from "../helpers/slack-payloads.js";

/**
 * What a person reads after a change names what changed — each field before → after, each cell of
 * the permission matrix, a cancelled invite as a cancelled invite — through the real app and the
 * strict fake of Slack.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

type Message = { text?: string; blocks?: { type: string; text?: { text: string } }[] };

const slash = async (person: Person, words: string): Promise<Message> => {
  const r = await h.slash(person, words);
  expect(r.http.status).toBe(200);
  return (r.message ?? (await h.responseTo(r.responseId))) as Message;
};

/** The sentence of a change's outcome, as the notification and as the section it leads. */
const outcome = (message: Message): string => {
  expect(blockProblems("message", message.blocks)).toEqual([]);
  return message.text ?? "";
};

const member = (email: string) =>
  json<{ members: { email: string; status: string }[] }>(
    rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
  ).members.find((m) => m.email === email);

describe("an edit names each changed field, before → after", () => {
  it("from the Edit form: only what changed, in words", async () => {
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    await h.interact(
      "owner",
      viewSubmission(view, {
        name: text("Tom Stone"),
        phone: text("+447700900123"),
        role: select("teammate"),
      }),
    );
    expect(outcome((await h.responseTo(r.responseId)) as Message)).toBe(
      "tm@acme.test's name is now Tom Stone; phone is now +447700900123.",
    );

    const again = await h.slash("owner", "edit tm@acme.test");
    const second = await openedView(h.fake, again.triggerId);
    await h.interact(
      "owner",
      viewSubmission(second, {
        name: text("Tom Stone"),
        phone: text("+447700900999"),
        role: select("teammate"),
      }),
    );
    expect(outcome((await h.responseTo(again.responseId)) as Message)).toBe(
      "Tom Stone's phone is now +447700900999 (was +447700900123).",
    );
  });

  it("from the command: a cleared field, a renamed member, and a role", async () => {
    await slash("owner", "edit tm@acme.test --name Tom --phone +447700900123");
    expect(outcome(await slash("owner", "edit tm@acme.test --name Thomas --phone none"))).toBe(
      "Tom's name is now Thomas (was Tom); phone cleared (was +447700900123).",
    );
    expect(outcome(await slash("owner", "role tm@acme.test admin"))).toBe(
      "Thomas is now an Admin (was a Teammate).",
    );
  });

  it("a member linked to Slack is mentioned", async () => {
    await slash("teammate", "whoami"); // links the teammate's Slack user
    expect(outcome(await slash("owner", "edit tm@acme.test --phone +447700900123"))).toBe(
      "<@U0TEAM>'s phone is now +447700900123.",
    );
  });

  it("a typed name is escaped: it neither notifies nor formats", async () => {
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    await h.interact(
      "owner",
      viewSubmission(view, { name: text("<!channel> *Tom*"), role: select("teammate") }),
    );
    const told = outcome((await h.responseTo(r.responseId)) as Message);
    expect(told).toBe("tm@acme.test's name is now &lt;!channel&gt; *\u200bTom*\u200b.");
    expect(messageText(await h.responseTo(r.responseId))).not.toContain("<!channel>");
  });
});

describe("a Save of the permissions form names every cell it changed", () => {
  it("Admins can now use …; Teammates can no longer use …", async () => {
    const click = blockAction(h.fake, { action_id: IDS.actions.openPermissions, value: "edit" });
    await h.interact("owner", click.payload);
    const view = await openedView(h.fake, click.payload.trigger_id);
    await h.interact(
      "owner",
      viewSubmission(view, {
        // Defaults: both roles hold the six everyday permissions, neither Team Settings nor Access Permissions.
        perms_admin: checked(
          "team_settings",
          "export_users",
          "add_users",
          "bulk_tag_users",
          "billing",
          "api_key",
          "whatsapp_setup",
        ),
        perms_teammate: checked("add_users", "bulk_tag_users", "api_key", "whatsapp_setup"),
      }),
    );
    const told = outcome((await h.responseTo(click.responseId)) as Message);
    expect(told).toBe(
      "Admins can now use Team Settings; Teammates can no longer use Export Users and Billing.",
    );
    expect(told).not.toMatch(/Saved \d/);
  });

  it("one toggle from the command says the same way", async () => {
    expect(outcome(await slash("owner", "perms grant teammate team_settings"))).toBe(
      "Teammates can now use Team Settings.",
    );
  });
});

describe("removing someone who has not joined yet is cancelling their invite", () => {
  it("asks to cancel the invite, not to remove access, and says it was cancelled", async () => {
    const asked = await slash("owner", "remove invited@acme.test");
    expect(asked.text).toBe("Cancel the invite for invited@acme.test?");
    expect(messageText(asked)).toContain(
      "Cancel the invite for *invited@acme.test*? The link in their email stops working.",
    );
    expect(messageText(asked)).not.toContain("lose access");
    const buttons = buttonsOf(asked);
    expect(buttons.map((b) => [b.text.text, b.style])).toEqual([
      ["Cancel invite", undefined],
      ["Keep invite", undefined],
    ]);
    expect(blockProblems("message", asked.blocks)).toEqual([]);
    expect(member("invited@acme.test")?.status).toBe("invited");

    const cancel = buttons[0];
    const clicked = blockAction(h.fake, { action_id: cancel?.action_id ?? "", value: cancel?.value ?? "" });
    await h.interact("owner", clicked.payload);
    const told = (await h.responseTo(clicked.responseId)) as Message;
    expect(outcome(told)).toBe(
      "Cancelled the invite for invited@acme.test; the link in their email no longer works.",
    );
    expect(messageText(told)).not.toMatch(ERROR_CODE_PATTERN);
    expect(member("invited@acme.test")).toBeUndefined();
  });

  it("removing an active member keeps its warning and its red button", async () => {
    const asked = await slash("owner", "remove tm@acme.test");
    expect(messageText(asked)).toContain("They lose access at once");
    expect(buttonsOf(asked).map((b) => [b.text.text, b.style])).toEqual([
      ["Remove", "danger"],
      ["Cancel", undefined],
    ]);
  });
});

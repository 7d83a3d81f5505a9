import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { json, rolecall } from "../helpers/cli.js";
import { buttonsOf, type Harness, messageText, startHarness } from "../helpers/slack-harness.js";
import { blockAction, checked, openedView, select, text, viewSubmission } from "../helpers/slack-payloads.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

type Member = { email: string; name: string | null; role: string; status: string; phone: string | null };
const cliMembers = () =>
  json<{ members: Member[] }>(rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"])).members;
const cliMember = (email: string) => cliMembers().find((m) => m.email === email);

describe("the Add member modal", () => {
  it("opens with the trigger_id, offers the roles the actor may hand out, and invites on submit", async () => {
    const r = await h.slash("owner", "add");
    expect(r.http.status).toBe(200);
    const view = await openedView(h.fake, r.triggerId);
    expect(view.callback_id).toBe(IDS.views.addMember);
    const roles = view.blocks.find((b) => b.block_id === "role")?.element?.options as { value: string }[];
    expect(roles.map((o) => o.value)).toEqual(["owner", "admin", "teammate"]);

    const submitted = await h.interact(
      "owner",
      viewSubmission(view, {
        email: text(" New.Person@Acme.test "),
        name: text("New Person"),
        phone: text("+447700900123"),
        role: select("admin"),
      }),
    );
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe("");
    expect(cliMember("new.person@acme.test")).toMatchObject({
      name: "New Person",
      role: "admin",
      status: "invited",
    });
    expect(messageText(await h.responseTo(r.responseId))).toContain("Invited new.person@acme.test as Admin");
  });

  it.each([
    ["a malformed email", { email: text("not an email") }, "email", "valid email"],
    ["an email already on the team", { email: text("tm@acme.test") }, "email", "already a member"],
    ["a bad phone number", { email: text("x@acme.test"), phone: text("12345") }, "phone", "E.164"],
    ["a 10 KB name", { email: text("x@acme.test"), name: text("n".repeat(10_240)) }, "name", "at most 100"],
    [
      "a name with control characters",
      { email: text("x@acme.test"), name: text("Bell\u0007") },
      "name",
      "control",
    ],
    [
      "a name with a bidi override",
      { email: text("x@acme.test"), name: text("Bob\u202enimda") },
      "name",
      "invisible characters",
    ],
    [
      "a name with a zero-width space",
      { email: text("x@acme.test"), name: text("Bo\u200bb") },
      "name",
      "invisible characters",
    ],
  ])(
    "%s comes back inline on the right field, and nothing is written",
    async (_label, values, block, words) => {
      const r = await h.slash("owner", "add");
      const view = await openedView(h.fake, r.triggerId);
      const before = cliMembers().length;
      const submitted = await h.interact(
        "owner",
        viewSubmission(view, { role: select("teammate"), ...values }),
      );
      const body = JSON.parse(submitted.text) as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe("errors");
      expect(Object.keys(body.errors)).toEqual([block]);
      expect(body.errors[block]).toContain(words);
      expect(cliMembers()).toHaveLength(before);
    },
  );

  it("an admin with Team Settings is told they add Teammates (no menu of one), and a forged Owner choice is refused inline", async () => {
    await h.slash("owner", "perms grant admin team_settings");
    const r = await h.slash("admin", "add");
    const view = await openedView(h.fake, r.triggerId);
    expect(view.blocks.find((b) => b.block_id === "role")).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain("They join as *Teammate*.");
    const submitted = await h.interact(
      "admin",
      viewSubmission(view, { email: text("x@acme.test"), role: select("owner") }),
    );
    expect(JSON.parse(submitted.text)).toMatchObject({
      response_action: "errors",
      errors: { role: expect.stringContaining("Only Owners") },
    });
  });

  it("a teammate without Team Settings gets a refusal instead of a form", async () => {
    const r = await h.slash("teammate", "add");
    expect(messageText(r.message ?? (await h.responseTo(r.responseId)))).toContain(
      "You need the Team Settings permission to manage members, and Teammates don't have it.",
    );
    expect(h.fake.callsTo("views.open")).toHaveLength(0);
  });

  it("an owner demoted after opening the form is refused when submitting", async () => {
    const r = await h.slash("owner2", "add");
    const view = await openedView(h.fake, r.triggerId);
    // Another owner demotes them from the CLI, in another process, meanwhile.
    expect(rolecall(h.db, ["--as", "owner@acme.test", "role", "owner2@acme.test", "teammate"]).code).toBe(0);
    const submitted = await h.interact(
      "owner2",
      viewSubmission(view, { email: text("late@acme.test"), role: select("admin") }),
    );
    const body = JSON.parse(submitted.text) as { errors: Record<string, string> };
    expect(Object.values(body.errors).join(" ")).toContain("Team Settings permission");
    expect(cliMember("late@acme.test")).toBeUndefined();
  });
});

describe("the Edit member modal", () => {
  it("opens prefilled and saves name, phone and role", async () => {
    const r = await h.slash("owner", "edit <@U0TEAM>");
    const view = await openedView(h.fake, r.triggerId);
    expect(view.callback_id).toBe(IDS.views.editMember);
    const role = view.blocks.find((b) => b.block_id === "role")?.element?.initial_option as { value: string };
    expect(role.value).toBe("teammate");
    const submitted = await h.interact(
      "owner",
      viewSubmission(view, { name: text("Tom Tester"), phone: text("+15555550123"), role: select("admin") }),
    );
    expect(submitted.text).toBe("");
    expect(cliMember("tm@acme.test")).toMatchObject({
      name: "Tom Tester",
      phone: "+15555550123",
      role: "admin",
    });
  });

  it("a bad phone comes back inline; nothing changes", async () => {
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    const submitted = await h.interact(
      "owner",
      viewSubmission(view, { name: text("X"), phone: text("phone"), role: select("owner") }),
    );
    expect(JSON.parse(submitted.text)).toMatchObject({ errors: { phone: expect.stringContaining("E.164") } });
    expect(cliMember("tm@acme.test")).toMatchObject({ name: null, role: "teammate" });
  });

  it("a name with a text-direction override comes back inline on the name; nothing changes", async () => {
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    const submitted = await h.interact("owner", viewSubmission(view, { name: text("Tom\u2067moT") }));
    expect(JSON.parse(submitted.text)).toMatchObject({
      errors: { name: expect.stringContaining("invisible characters") },
    });
    expect(cliMember("tm@acme.test")).toMatchObject({ name: null });
  });

  it("editing yourself offers no role to change", async () => {
    const r = await h.slash("owner", "edit owner@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    expect(view.blocks.some((b) => b.block_id === "role")).toBe(false);
  });
});

describe("the Permissions modal", () => {
  it("opens from the Edit button with a checkbox group per changeable role and saves the diff", async () => {
    const r = await h.slash("owner", "perms");
    expect(messageText(r.message)).toContain(IDS.actions.openPermissions);
    const click = blockAction(h.fake, { action_id: IDS.actions.openPermissions, value: "edit" });
    expect((await h.interact("owner", click.payload)).status).toBe(200);
    const view = await openedView(h.fake, click.payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.permissions);
    expect(view.blocks.filter((b) => b.type === "input").map((b) => b.block_id)).toEqual([
      "perms_admin",
      "perms_teammate",
    ]);
    expect(messageText(view)).toContain("Owners");

    const submitted = await h.interact(
      "owner",
      viewSubmission(view, {
        perms_admin: checked("team_settings", "export_users", "billing"),
        perms_teammate: checked(),
      }),
    );
    expect(submitted.text).toBe("");
    const matrix = json<{ matrix: Record<string, string[]> }>(
      rolecall(h.db, ["--as", "owner@acme.test", "perms", "--json"]),
    ).matrix;
    expect(matrix.admin).toEqual(["team_settings", "export_users", "billing"]);
    expect(matrix.teammate).toEqual([]);
    expect(matrix.owner).toHaveLength(8);
  });

  it("an admin with Access Permissions sees only the Teammate column to edit, and cannot smuggle in the Admin column", async () => {
    await h.slash("owner", "perms grant admin access_permissions");
    const click = blockAction(h.fake, { action_id: IDS.actions.openPermissions, value: "edit" });
    await h.interact("admin", click.payload);
    const view = await openedView(h.fake, click.payload.trigger_id);
    expect(view.blocks.filter((b) => b.type === "input").map((b) => b.block_id)).toEqual(["perms_teammate"]);
    const forged = {
      ...view,
      blocks: [
        ...view.blocks,
        { type: "input", block_id: "perms_admin", element: { action_id: "perms_input" } },
      ],
    };
    const submitted = await h.interact(
      "admin",
      viewSubmission(forged, { perms_teammate: checked("billing"), perms_admin: checked("team_settings") }),
    );
    expect(JSON.parse(submitted.text)).toMatchObject({ response_action: "errors" });
    expect(await h.running.core.access.can(h.accountId, "admin@acme.test", "team_settings")).toBe(false);
  });
});

describe("removing after a confirmation", () => {
  it("asks first, removes on Remove, and re-checks the rules at the click", async () => {
    const r = await h.slash("owner", "remove tm@acme.test");
    expect(messageText(r.message)).toContain(IDS.actions.confirmRemove);
    expect(cliMember("tm@acme.test")?.status).toBe("active");
    const removeTm = JSON.stringify({ email: "tm@acme.test", kind: "remove" });
    const click = blockAction(h.fake, { action_id: IDS.actions.confirmRemove, value: removeTm });
    await h.interact("owner", click.payload);
    expect(messageText(await h.responseTo(click.responseId))).toContain(
      "Removed tm@acme.test from the team.",
    );
    expect(cliMember("tm@acme.test")).toBeUndefined();

    const again = blockAction(h.fake, { action_id: IDS.actions.confirmRemove, value: removeTm });
    await h.interact("owner", again.payload);
    expect(messageText(await h.responseTo(again.responseId))).toContain(
      "tm@acme.test is not a member of this team. Check the address, or invite them first.",
    );
  });

  it("Cancel invite, clicked after the person joined, removes nobody: it was an invite that was confirmed", async () => {
    const r = await h.slash("owner", "remove invited@acme.test");
    const button = buttonsOf(r.message ?? (await h.responseTo(r.responseId))).find(
      (b) => b.action_id === IDS.actions.confirmRemove,
    );
    expect(button?.text.text).toBe("Cancel invite");
    expect(rolecall(h.db, ["activate", "invited@acme.test"]).code).toBe(0);
    const click = blockAction(h.fake, { action_id: IDS.actions.confirmRemove, value: String(button?.value) });
    await h.interact("owner", click.payload);
    expect(messageText(await h.responseTo(click.responseId))).toContain("already joined");
    expect(cliMember("invited@acme.test")?.status).toBe("active");
  });

  it("a Remove button of another shape is refused as out of date", async () => {
    const click = blockAction(h.fake, { action_id: IDS.actions.confirmRemove, value: "tm@acme.test" });
    await h.interact("owner", click.payload);
    expect(messageText(await h.responseTo(click.responseId))).toContain("That button is out of date");
    expect(cliMember("tm@acme.test")?.status).toBe("active");
  });

  it("Cancel deletes the prompt and removes nobody", async () => {
    const click = blockAction(h.fake, { action_id: IDS.actions.cancel, value: "cancel" });
    await h.interact("owner", click.payload);
    expect(await h.responseTo(click.responseId)).toMatchObject({ delete_original: true });
    expect(cliMember("tm@acme.test")?.status).toBe("active");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { blockProblems, viewProblems } from "../helpers/block-kit-limits.js";
import { type Harness, PEOPLE, type Person, startHarness } from "../helpers/slack-harness.js";
import { homeAction, openedView } from "../helpers/slack-payloads.js";

/**
 * The Block Kit of every surface, for each kind of viewer, kept as reference files under
 * __snapshots__/surfaces (reviewed by eye; a change to any of them shows in review as a diff).
 * Times, request ids and the like are replaced by placeholders so the files only change when what
 * people see changes.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Something to decide, something filed, and an audit trail worth reading.
  await h.slash("owner", "settings approvals <#C0APPROVE|approvals>");
  await h.slash("owner", "edit <@U0TEAM> --name Tom Jones --phone +447700900999");
  await h.slash("admin", "request role tm@acme.test admin");
});
afterAll(() => h.stop());

const normalise = (value: unknown): string =>
  `${JSON.stringify(value, null, 2)}\n`
    .replace(/<!date\^\d+\^/g, "<!date^TIME^")
    .replace(/\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d UTC/g, "DATE UTC")
    .replace(/(?<![A-Za-z0-9])R[0-9A-Z]{6}\b/g, "R_ID")
    .replace(/rc_[\w-]{7}…/g, "rc_KEY…")
    .replace(/trigger-[\w-]+/g, "TRIGGER")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z?/g, "ISO_TIME");

const reference = async (name: string, value: unknown) =>
  expect(normalise(value)).toMatchFileSnapshot(`__snapshots__/surfaces/${name}.json`);

const VIEWERS = ["owner", "admin", "teammate", "invited", "stranger"] as const satisfies readonly Person[];

/** What /team <text> shows this person (the ack's message, or the reply on the response_url). */
const reply = async (who: Person, text: string) => {
  const r = await h.slash(who, text);
  const message = r.message ?? (await h.responseTo(r.responseId));
  expect(blockProblems("message", (message as { blocks?: unknown }).blocks)).toEqual([]);
  return message;
};

const home = async (who: Person) => {
  const userId = PEOPLE[who].id;
  const before = h.fake.callsTo("views.publish").length;
  await h.event({ event: { type: "app_home_opened", user: userId, channel: "D0", tab: "home" } });
  const call = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[before], "views.publish");
  expect(viewProblems(call.args.view)).toEqual([]);
  return call.args.view;
};

describe.each(VIEWERS)("what %s sees", (who) => {
  it("App Home", async () => reference(`home.${who}`, await home(who)));
  it.each(["help", "whoami", "list", "perms", "audit 5", "requests", "apikey", "settings"])(
    "/team %s",
    async (text) => reference(`team-${text.split(" ")[0]}.${who}`, await reply(who, text)),
  );
  it("a change they may not make", async () =>
    reference(`refusal.${who}`, await reply(who, "role owner@acme.test admin")));
});

describe("the forms and posts an Owner sees", () => {
  const openForm = async (payload: ReturnType<typeof homeAction>) => {
    await h.interact("owner", payload);
    const view = await openedView(h.fake, payload.trigger_id);
    expect(viewProblems(view)).toEqual([]);
    return view;
  };
  const rowMenu = (email: string, action: string) =>
    homeAction(h.fake, {
      type: "overflow",
      action_id: IDS.actions.memberAction,
      block_id: email,
      selected: action,
    });

  it("the request post in the approvals channel", async () => {
    const post = await h.fake.waitFor(
      () => h.fake.callsTo("chat.postMessage").find((c) => c.args.channel === "C0APPROVE"),
      "the request post",
    );
    await reference("request-post", { text: post.args.text, blocks: post.args.blocks });
  });
  it("Add member", async () =>
    reference(
      "form-add",
      await openForm(homeAction(h.fake, { type: "button", action_id: IDS.actions.openAdd, value: "add" })),
    ));
  it("Edit", async () => reference("form-edit", await openForm(rowMenu(PEOPLE.teammate.email, "edit"))));
  it("Change role", async () => reference("form-role", await openForm(rowMenu(PEOPLE.admin.email, "role"))));
  it("Cancel invite", async () =>
    reference("form-cancel-invite", await openForm(rowMenu(PEOPLE.invited.email, "revoke"))));
  it("Remove", async () =>
    reference("form-remove", await openForm(rowMenu(PEOPLE.teammate.email, "remove"))));
  it("Edit permissions", async () =>
    reference(
      "form-permissions",
      await openForm(
        homeAction(h.fake, { type: "button", action_id: IDS.actions.openPermissions, value: "edit" }),
      ),
    ));
});

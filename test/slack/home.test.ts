import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { viewProblems } from "../helpers/block-kit-limits.js";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, PEOPLE, startHarness } from "../helpers/slack-harness.js";
import { homeAction, openedView, radio, viewSubmission } from "../helpers/slack-payloads.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { type: string; options?: { value: string }[]; value?: string };
  elements?: { action_id?: string; value?: string }[];
};
type HomeView = { type: string; private_metadata?: string; blocks: Block[] };

/** Opens App Home as this user and returns what Rolecall published. */
const openHome = async (userId: string): Promise<HomeView> => {
  const before = h.fake.callsTo("views.publish").length;
  expect(
    (await h.event({ event: { type: "app_home_opened", user: userId, channel: "D0", tab: "home" } })).status,
  ).toBe(200);
  const call = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[before], "views.publish");
  expect(call.args.user_id).toBe(userId);
  return call.args.view as HomeView;
};

const lastHomeOf = (userId: string): HomeView | undefined =>
  h.fake
    .callsTo("views.publish")
    .filter((c) => c.args.user_id === userId)
    .at(-1)?.args.view as HomeView | undefined;

const row = (view: HomeView, email: string) => view.blocks.find((b) => b.block_id === email);
const menuOf = (view: HomeView, email: string) => {
  const accessory = row(view, email)?.accessory;
  if (!accessory) return [];
  return accessory.type === "overflow" ? (accessory.options ?? []).map((o) => o.value) : [accessory.value];
};

type Member = { email: string; role: string; status: string };
const cliMember = (email: string) =>
  json<{ members: Member[] }>(rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"])).members.find(
    (m) => m.email === email,
  );

/** Chooses an action in a team row's menu on App Home. */
const choose = async (person: "owner" | "admin", email: string, action: string) => {
  const payload = homeAction(h.fake, {
    type: "overflow",
    action_id: IDS.actions.memberAction,
    block_id: email,
    selected: action,
  });
  return { payload, done: await h.interact(person, payload) };
};

describe("App Home, as each kind of person sees it", () => {
  it("an Owner: nothing waiting, themselves in one line, the team with menus, the matrix in words", async () => {
    const view = await openHome(PEOPLE.owner.id);
    const text = messageText(view);
    expect(text).toContain("Nothing needs you right now.");
    expect(text).toContain("*Owner* — all 8 permissions");
    expect(text).toContain("+ Add member");
    expect(text).toContain("Owners only (always)");
    expect(menuOf(view, PEOPLE.teammate.email)).toEqual(["edit", "role", "remove"]);
    expect(menuOf(view, PEOPLE.invited.email)).toEqual(["edit", "role", "resend", "revoke"]);
    // Their own row: only Edit (nobody changes their own role or removes themselves).
    expect(menuOf(view, PEOPLE.owner.email)).toEqual(["edit"]);
    expect(row(view, PEOPLE.removed.email)).toBeUndefined();
  });

  it("an Admin with Team Settings: no Owner or Admin menus, no Change role for a teammate", async () => {
    await h.slash("owner", "perms grant admin team_settings");
    const view = await openHome(PEOPLE.admin.id);
    expect(menuOf(view, PEOPLE.owner.email)).toEqual([]);
    expect(menuOf(view, PEOPLE.teammate.email)).toEqual(["edit", "remove"]);
    expect(messageText(view)).not.toContain("Access permissions");
  });

  it("a Teammate: themselves only, no team and no matrix", async () => {
    const text = messageText(await openHome(PEOPLE.teammate.id));
    expect(text).toContain("*Teammate* — Export Users");
    expect(text).not.toContain("team_controls");
    expect(text).not.toContain(IDS.actions.openPermissions);
  });

  it("an invited person: their invite, who sent it and whom to ask — not 'ask to be invited'", async () => {
    const text = messageText(await openHome(PEOPLE.invited.id));
    expect(text).toContain("Your invite from <@U0OWNER> to join *Acme* as Teammate is in your inbox");
    expect(text).toContain("ask <@U0OWNER> for a new one");
    expect(text).not.toContain("invite you");
  });

  it("a stranger: told they are not on the team, nothing else", async () => {
    const text = messageText(await openHome(PEOPLE.stranger.id));
    expect(text).toContain("not a member of this team");
    expect(text).not.toContain("rolecall_");
  });
});

describe("what needs you comes first", () => {
  it("a requester sees their request with Cancel; an Owner sees it with Approve and Reject, and approving refreshes both", async () => {
    await h.slash("admin", "request role tm@acme.test admin");
    const mine = await openHome(PEOPLE.admin.id);
    const filed = mine.blocks.find((b) => b.accessory?.value?.startsWith("R"));
    expect(filed?.text?.text).toContain("You asked to make tm@acme.test an Admin");
    expect(messageText(mine)).toContain(IDS.actions.requestCancel);

    const owners = await openHome(PEOPLE.owner.id);
    // The request is the first thing after the title.
    expect(owners.blocks[1]?.text?.text).toContain("Waiting for your decision");
    const buttons = owners.blocks.find((b) => b.block_id?.startsWith("request_"))?.elements ?? [];
    expect(buttons.map((e) => e.action_id)).toEqual([IDS.actions.requestApprove, IDS.actions.requestReject]);

    const id = String(buttons[0]?.value);
    await h.interact(
      "owner",
      homeAction(h.fake, { type: "button", action_id: IDS.actions.requestApprove, value: id }),
    );
    await h.fake.waitFor(
      () => (cliMember(PEOPLE.teammate.email)?.role === "admin" ? true : undefined),
      "approval",
    );
    await h.running.slack?.refreshHomes();
    expect(messageText(lastHomeOf(PEOPLE.owner.id))).toContain("Nothing needs you right now.");
    expect(messageText(lastHomeOf(PEOPLE.admin.id))).not.toContain(IDS.actions.requestCancel);
  });
});

describe("each action in a row's menu works end to end", () => {
  it("Change role opens a form with the roles the viewer may give, and submitting changes the role", async () => {
    await openHome(PEOPLE.owner.id);
    const { payload, done } = await choose("owner", PEOPLE.teammate.email, "role");
    expect((await done).status).toBe(200);
    const view = await openedView(h.fake, payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.changeRole);
    const options = (view.blocks.find((b) => b.block_id === "role")?.element?.options ?? []) as {
      value: string;
    }[];
    expect(options.map((o) => o.value)).toEqual(["owner", "admin"]);
    const submitted = await h.interact("owner", viewSubmission(view, { role: radio("admin") }));
    const answer = JSON.parse(submitted.text) as { response_action: string; view: unknown };
    expect(answer.response_action).toBe("update");
    expect(viewProblems(answer.view)).toEqual([]);
    expect(messageText(answer.view)).toContain("tm@acme.test");
    expect(cliMember(PEOPLE.teammate.email)?.role).toBe("admin");
  });

  it("Edit opens the member's form, prefilled", async () => {
    const { payload } = await choose("owner", PEOPLE.teammate.email, "edit");
    const view = await openedView(h.fake, payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.editMember);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ email: PEOPLE.teammate.email });
  });

  it("Resend invite sends a new one and says so", async () => {
    const { payload } = await choose("owner", PEOPLE.invited.email, "resend");
    const answer = await openedView(h.fake, payload.trigger_id);
    expect(messageText(answer)).toContain("invited@acme.test");
  });

  it("Cancel invite asks first, in its own words, then removes the invited member", async () => {
    const { payload } = await choose("owner", PEOPLE.invited.email, "revoke");
    const view = await openedView(h.fake, payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.removeMember);
    expect(messageText(view)).toContain("Cancel the invite for *invited@acme.test*?");
    expect(messageText(view)).not.toContain("lose access");
    expect(cliMember(PEOPLE.invited.email)?.status).toBe("invited");
    const submitted = await h.interact("owner", viewSubmission(view, {}));
    expect(JSON.parse(submitted.text)).toMatchObject({ response_action: "update" });
    expect(cliMember(PEOPLE.invited.email)).toBeUndefined();
  });

  it("Remove from team asks first, then removes", async () => {
    const { payload } = await choose("owner", PEOPLE.teammate.email, "remove");
    const view = await openedView(h.fake, payload.trigger_id);
    expect(messageText(view)).toContain("Remove *tm@acme.test* from the team?");
    await h.interact("owner", viewSubmission(view, {}));
    expect(cliMember(PEOPLE.teammate.email)).toBeUndefined();
  });

  it("a menu drawn before the rules changed is refused when chosen, and nothing changes", async () => {
    await h.slash("owner", "perms grant admin team_settings");
    await openHome(PEOPLE.admin.id);
    await h.slash("owner", "perms revoke admin team_settings");
    const { payload } = await choose("admin", PEOPLE.teammate.email, "remove");
    const answer = await openedView(h.fake, payload.trigger_id);
    expect(messageText(answer)).toContain("Team Settings");
    expect(cliMember(PEOPLE.teammate.email)?.status).toBe("active");
  });

  it("a forged row or action is refused with a clear message and changes nothing", async () => {
    for (const [blockId, action] of [
      ["owner@acme.test", "delete_everything"],
      ["<!channel>", "remove"],
      ["nobody@acme.test", "remove"],
    ] as const) {
      const payload = homeAction(h.fake, {
        type: "overflow",
        action_id: IDS.actions.memberAction,
        block_id: blockId,
        selected: action,
      });
      expect((await h.interact("owner", payload)).status).toBe(200);
      const answer = await openedView(h.fake, payload.trigger_id);
      expect(messageText(answer)).toMatch(/out of date|not on the team|email/i);
    }
    expect(cliMember(PEOPLE.owner.email)?.status).toBe("active");
  });
});

describe("App Home stays current and within Slack's limits", () => {
  it("a change refreshes the Home of the person it affects", async () => {
    await openHome(PEOPLE.teammate.id);
    await h.slash("owner", "role <@U0TEAM> admin");
    await h.running.slack?.refreshHomes();
    expect(messageText(lastHomeOf(PEOPLE.teammate.id))).toContain("*Admin* —");
  });

  it("a change made elsewhere (the CLI, another process) reaches the Home on the next beat", async () => {
    await h.slash("owner", "perms grant admin team_settings");
    const before = messageText(await openHome(PEOPLE.admin.id));
    expect(before).toContain("team_controls");
    expect(rolecall(h.db, ["--as", "owner@acme.test", "remove", "admin@acme.test"]).code).toBe(0);
    await h.running.slack?.refreshHomes();
    const after = messageText(lastHomeOf(PEOPLE.admin.id));
    expect(after).not.toContain("team_controls");
    expect(after).toContain("not a member");
  });

  it("a change that does not touch a Home publishes nothing for it", async () => {
    await openHome(PEOPLE.teammate.id);
    const before = h.fake.callsTo("views.publish").length;
    await h.slash("owner", "settings approvals <#C0APPROVE|approvals>");
    await h.running.slack?.refreshHomes();
    expect(h.fake.callsTo("views.publish")).toHaveLength(before);
  });

  it("paging and filters on Home publish the page asked for and keep it on refresh", async () => {
    await openHome(PEOPLE.owner.id);
    const filter = homeAction(h.fake, {
      type: "static_select",
      action_id: IDS.actions.listFilterStatus,
      selected: JSON.stringify({ status: "invited", page: 1 }),
    });
    await h.interact("owner", filter);
    await h.fake.waitFor(
      () =>
        messageText(lastHomeOf(PEOPLE.owner.id)).includes("1 of 5 members (invited)") ? true : undefined,
      "the filtered Home",
    );
    await h.slash("owner", "add late@acme.test");
    await h.running.slack?.refreshHomes();
    expect(messageText(lastHomeOf(PEOPLE.owner.id))).toContain("2 of 6 members (invited)");
  });

  it("with 10,000 members and 50 pending requests, the Home has at most 100 blocks and pages", async () => {
    const db = new Database(h.db);
    const insert = db.prepare(
      "INSERT INTO members (id, account_id, email, role, status, created_at, updated_at) VALUES (?, ?, ?, 'teammate', 'active', ?, ?)",
    );
    const now = new Date().toISOString();
    db.transaction(() => {
      for (let i = 0; i < 10_000; i++)
        insert.run(`bulk-${i}`, h.accountId, `bulk${String(i).padStart(5, "0")}@acme.test`, now, now);
    })();
    db.close();
    for (let i = 0; i < 50; i++)
      await h.slash("admin", `request role bulk${String(i).padStart(5, "0")}@acme.test admin`);
    const view = await openHome(PEOPLE.owner.id);
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = messageText(view);
    expect(text).toContain("Waiting for your decision* (50)");
    expect(text).toContain("…and 45 more");
    expect(text).toContain("10005 members · page 1 of 501");
    expect(text).toContain("Next");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, startHarness, TEAM_ID } from "../helpers/slack-harness.js";
import { postSigned, SIGNING_SECRET, signature, slashCommandBody } from "../helpers/slack-requests.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

const addBody = () =>
  slashCommandBody({
    text: "add sneaky@acme.test owner",
    userId: "U0OWNER",
    teamId: TEAM_ID,
    responseUrl: h.fake.responseUrl("forged"),
    triggerId: "trigger-forged",
  });
const memberEmails = () =>
  json<{ members: { email: string }[] }>(
    rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
  ).members.map((m) => m.email);
const now = () => Math.floor(Date.now() / 1000);

describe("request signatures", () => {
  it.each([
    ["a forged signature", () => ({ signature: signature(now(), addBody(), "not-the-secret") })],
    ["a signature over another body", () => ({ signature: signature(now(), "text=hello") })],
    ["no signature at all", () => ({ signature: "" })],
    ["a stale timestamp (6 minutes ago)", () => ({ timestamp: now() - 360 })],
    ["a future timestamp (6 minutes ahead)", () => ({ timestamp: now() + 360 })],
  ])("%s → 401 and nothing changes", async (_label, options) => {
    const reply = await postSigned(h.base, addBody(), "application/x-www-form-urlencoded", options());
    expect(reply.status).toBe(401);
    expect(memberEmails()).not.toContain("sneaky@acme.test");
    expect(h.fake.responses).toHaveLength(0);
  });

  it("the same request correctly signed goes through", async () => {
    const reply = await postSigned(h.base, addBody(), "application/x-www-form-urlencoded", {
      secret: SIGNING_SECRET,
    });
    expect(reply.status).toBe(200);
    expect(memberEmails()).toContain("sneaky@acme.test");
  });
});

describe("text that users typed is escaped wherever Slack renders it", () => {
  it("a name with <!channel>, *bold* and & never notifies or formats", async () => {
    await h.slash("owner", "add evil@acme.test teammate <!channel> *bold* & <@U0OWNER>");
    const shown = messageText((await h.slash("owner", "list")).message);
    expect(shown).toContain("&lt;!channel&gt;");
    expect(shown).toContain("&amp;");
    expect(shown).toContain("&lt;@U0OWNER&gt;");
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toContain("*bold*");
    expect(shown).toContain("*\u200bbold*\u200b");
  });
});

describe("a slow or failing Slack Web API never costs the acknowledgement", () => {
  it("users.info held back: the command is acknowledged before Slack answers, and replies after", async () => {
    let release = () => {};
    h.fake.behaviours.set("users.info", { hold: new Promise<void>((r) => (release = r)) });
    const r = await h.slash("admin", "whoami");
    expect(r.http.status).toBe(200);
    expect(h.fake.responses).toHaveLength(0); // acknowledged while users.info is still unanswered
    release();
    expect(messageText(await h.responseTo(r.responseId))).toContain("You are *Admin*");
  });

  it("views.open taking 5 s: /team add is acknowledged at once and the modal still opens", async () => {
    h.fake.behaviours.set("views.open", { delayMs: 5_000 });
    const r = await h.slash("owner", "add");
    expect(r.http.status).toBe(200);
    const call = await h.fake.waitFor(() => h.fake.callsTo("views.open")[0], "views.open");
    expect(call.answered).toBe(false); // we already hold the acknowledgement; Slack has not answered yet
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    await h.fake.waitFor(() => (call.answered ? call : undefined), "the slow views.open to finish");
    expect(h.fake.responses).toHaveLength(0); // it did open: no error was sent to the user
  });

  it.each([
    ["500", { status: 500 }],
    ["429 with Retry-After", { status: 429, retryAfterSeconds: 1 }],
  ])("users.info answering %s: acknowledged, told to retry, process up", async (_label, behaviour) => {
    h.fake.behaviours.set("users.info", behaviour);
    const r = await h.slash("teammate", "whoami");
    expect(r.http.status).toBe(200);
    expect(messageText(await h.responseTo(r.responseId))).toContain("could not reach Slack");
    expect(h.fake.callsTo("users.info").length).toBeGreaterThan(1); // retried
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    h.fake.behaviours.delete("users.info");
    const again = await h.slash("teammate", "whoami");
    expect(messageText(again.message ?? (await h.responseTo(again.responseId)))).toContain(
      "You are *Teammate*",
    );
  });

  it("a trigger_id older than Slack's 3 seconds: the user is told to try again, nothing crashes", async () => {
    h.fake.expectFailure("views.open", "expired_trigger_id");
    const r = await h.slash("owner", "add", { triggerId: h.fake.triggerId(Date.now() - 4_000) });
    expect(r.http.status).toBe(200);
    expect(messageText(await h.responseTo(r.responseId))).toContain("Slack took too long to open the form");
    expect(h.fake.callsTo("views.open")[0]).toMatchObject({ ok: false, error: "expired_trigger_id" });
  });

  it("views.open failing with 500: the user is told, nothing crashes", async () => {
    h.fake.behaviours.set("views.open", { status: 500 });
    const r = await h.slash("owner", "add");
    expect(r.http.status).toBe(200);
    expect(messageText(await h.responseTo(r.responseId))).toContain("Something went wrong");
    expect((await h.slash("owner", "whoami")).message).not.toBeNull();
  });
});

describe("long teams page within Slack's limits", () => {
  it("/team list shows 20 at a time with Next/Previous and filters", async () => {
    const seed = await (await import("../helpers/team.js")).openCore(h.db);
    for (let i = 0; i < 45; i++) {
      await seed.core.addMember(h.as("owner"), {
        email: `bulk${String(i).padStart(2, "0")}@acme.test`,
        role: "teammate",
      });
    }
    seed.close();
    const first = (await h.slash("owner", "list")).message as {
      blocks: { type: string; elements?: { action_id: string; value: string }[] }[];
    };
    expect(first.blocks.length).toBeLessThanOrEqual(50);
    expect(messageText(first)).toContain("50 members · page 1 of 3");
    const next = first.blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "rolecall_list_page");
    expect(next?.value).toBeDefined();

    const { blockAction } = await import("../helpers/slack-payloads.js");
    const click = blockAction(h.fake, { action_id: "rolecall_list_page", value: next?.value ?? "" });
    await h.interact("owner", click.payload);
    const second = await h.responseTo(click.responseId);
    expect(second).toMatchObject({ replace_original: true });
    expect(messageText(second)).toContain("page 2 of 3");
    expect(messageText(second)).toContain("Previous");

    const filter = blockAction(h.fake, {
      action_id: "rolecall_list_filter_role",
      selected: JSON.stringify({ role: "owner", page: 1 }),
    });
    await h.interact("owner", filter.payload);
    const owners = await h.responseTo(filter.responseId);
    expect(messageText(owners)).toContain("2 of 50 members (Owners)");
    expect(messageText(owners)).not.toContain("page 1");
  });

  it("a tampered page value is refused without a crash", async () => {
    const { blockAction } = await import("../helpers/slack-payloads.js");
    const click = blockAction(h.fake, { action_id: "rolecall_list_page", value: '{"page":-4,"role":"god"}' });
    expect((await h.interact("owner", click.payload)).status).toBe(200);
    expect(messageText(await h.responseTo(click.responseId))).toContain(
      "That button is out of date; run /team list again.",
    );
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });
});

describe("App Home", () => {
  const home = async (userId: string) => {
    const before = h.fake.callsTo("views.publish").length;
    const reply = await h.event({
      event: { type: "app_home_opened", user: userId, channel: "D0HOME", tab: "home" },
    });
    expect(reply.status).toBe(200);
    const call = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[before], "views.publish");
    expect(call.args.user_id).toBe(userId);
    return messageText(call.args.view);
  };

  it("an owner sees themselves, the team, and the matrix", async () => {
    const view = await home("U0OWNER");
    expect(view).toContain("*Owner* — all 8 permissions");
    expect(view).toContain('"5 members"');
    expect(view).toContain("Access permissions");
    expect(view).toContain("rolecall_open_permissions");
  });

  it("an admin sees only their own role and permissions by default", async () => {
    const view = await home("U0ADMIN");
    expect(view).toContain("*Admin* — Export Users, Add Users");
    expect(view).not.toContain("team_controls");
    expect(view).not.toContain("rolecall_open_permissions");
  });

  it("a teammate granted Team Settings also sees the team", async () => {
    await h.slash("owner", "perms grant teammate team_settings");
    const view = await home("U0TEAM");
    expect(view).toContain('"5 members"');
    expect(view).not.toContain("rolecall_open_permissions");
  });

  it("an owner of a big team with many pending requests: the Home tab stays within Slack's 100 blocks", async () => {
    const seed = await (await import("../helpers/team.js")).openCore(h.db);
    for (let i = 0; i < 80; i++) await seed.core.addMember(h.as("owner"), { email: `big${i}@acme.test` });
    for (let i = 0; i < 30; i++)
      await seed.core.requests.file(h.as("admin"), { kind: "member.add", email: `ask${i}@acme.test` });
    seed.close();
    await home("U0OWNER");
    expect(h.fake.callsTo("views.publish").at(-1)).toMatchObject({ ok: true });
  });

  it("a stranger is told they are not on the team", async () => {
    expect(await home("U0STRANGER")).toContain("not a member");
  });
});

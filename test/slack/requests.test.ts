import { afterEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { json, rolecall } from "../helpers/cli.js";
import type { RecordedCall } from "../helpers/fake-slack.js";
import {
  buttonsOf,
  ERROR_CODE_PATTERN,
  type Harness,
  messageText,
  PEOPLE,
  type Person,
  startHarness,
} from "../helpers/slack-harness.js";
import { blockAction, openedView, text, viewSubmission } from "../helpers/slack-payloads.js";
import { manualClock } from "../helpers/team.js";

let h: Harness;
afterEach(() => h?.stop());

const start = async (opts: { channel?: boolean; clock?: ReturnType<typeof manualClock> } = {}) => {
  h = await startHarness({}, opts.clock ? { clock: opts.clock } : {});
  if (opts.channel !== false) await h.slash("owner", "settings approvals <#C0APPROVE|approvals>");
  return h;
};

const reply = async (person: Person, words: string) => {
  const r = await h.slash(person, words);
  return r.message ?? (await h.responseTo(r.responseId));
};

/** Files a request as `person` and waits for Slack to get the post(s). */
const file = async (person: Person, change: string, posts = 1) => {
  const before = h.fake.callsTo("chat.postMessage").filter((c) => !c.args.thread_ts).length;
  const shown = messageText(await reply(person, `request ${change}`));
  const id = /request \*(R[A-Z0-9]{6})\*/.exec(shown)?.[1] ?? "";
  expect(id).toMatch(/^R[A-Z0-9]{6}$/);
  await h.fake.waitFor(
    () =>
      h.fake.callsTo("chat.postMessage").filter((c) => !c.args.thread_ts).length >= before + posts
        ? true
        : undefined,
    "the request post",
  );
  return id;
};

const postsOf = (id: string): RecordedCall[] =>
  h.fake
    .callsTo("chat.postMessage")
    .filter((c) => !c.args.thread_ts && messageText(c.args).includes(`Change request ${id}`));

const click = async (person: Person, action: string, value: string) => {
  const b = blockAction(h.fake, { action_id: action, value });
  const res = await h.interact(person, b.payload);
  expect(res.status).toBe(200);
  return b;
};

const settle = () => h.running.slack?.syncRequests();
const members = () =>
  json<{ members: { email: string; role: string; status: string }[] }>(
    rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
  ).members;
const audit = () =>
  json<{ action: string; actor: string; source: string; target: string }[]>(
    rolecall(h.db, ["audit", "--format", "json"]),
  );

describe("asking the Owners, and an Owner approving in the thread", () => {
  it("an admin without Team Settings asks to add a member; an owner approves; everything follows", async () => {
    await start();
    const refused = await reply("admin", "add new@acme.test teammate Nia New");
    expect(messageText(refused)).toContain(
      "You need the Team Settings permission to invite members, and Admins don't have it.",
    );
    expect(messageText(refused)).not.toMatch(ERROR_CODE_PATTERN);
    const ask = buttonsOf(refused).find((e) => e.action_id === IDS.actions.requestAsk);
    // The button carries the typed change itself, not the words.
    expect(JSON.parse(ask?.value ?? "{}")).toEqual({
      kind: "member.add",
      email: "new@acme.test",
      role: "teammate",
      name: "Nia New",
      phone: null,
    });

    const asked = await click("admin", IDS.actions.requestAsk, ask?.value ?? "");
    const filed = messageText(await h.responseTo(asked.responseId));
    const id = /request \*(R[A-Z0-9]{6})\*/.exec(filed)?.[1] ?? "";
    expect(filed).toContain("was sent to the Owners");
    const post = await h.fake.waitFor(() => postsOf(id)[0], "the post in the approvals channel");
    expect(post.args.channel).toBe("C0APPROVE");
    const shown = messageText(post.args);
    expect(shown).toContain("admin@acme.test");
    expect(shown).toContain("Invites new@acme.test as Teammate.");
    const [approve, reject] = buttonsOf(post.args);
    expect(approve).toMatchObject({ action_id: IDS.actions.requestApprove, style: "primary" });
    expect(approve).not.toHaveProperty("confirm"); // inviting a Teammate is not sensitive
    expect(reject).toMatchObject({ action_id: IDS.actions.requestReject });
    expect(reject).not.toHaveProperty("style");

    const approved = await click("owner", IDS.actions.requestApprove, id);
    // Only the Owner who clicked hears it, beside the post (which stays for everyone).
    const confirmation = await h.responseTo(approved.responseId);
    expect(confirmation).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(messageText(confirmation)).toContain(
      `You approved request ${id} — Invited new@acme.test as Teammate`,
    );
    await settle();
    expect(members().find((m) => m.email === "new@acme.test")).toMatchObject({
      status: "invited",
      role: "teammate",
    });
    expect(
      json<{ mail: { to: string }[] }>(rolecall(h.db, ["mail", "list", "--json"])).mail.some(
        (m) => m.to === "new@acme.test",
      ),
    ).toBe(true);
    const thread = h.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts);
    expect(thread?.args).toMatchObject({ channel: "C0APPROVE", thread_ts: expect.any(String) });
    expect(String(thread?.args.text)).toContain(`Request ${id} from <@U0ADMIN>`);
    expect(String(thread?.args.text)).toContain("Approved by <@U0OWNER> — applied");
    const update = h.fake.callsTo("chat.update")[0];
    expect(update?.args).toMatchObject({ channel: "C0APPROVE" });
    expect(messageText(update?.args)).not.toContain(IDS.actions.requestApprove);
    expect(messageText(update?.args)).toContain("Approved by <@U0OWNER> — applied");
    const toRequester = h.fake.callsTo("chat.postMessage").find((c) => c.args.channel === "U0ADMIN");
    expect(String(toRequester?.args.text)).toContain("from <@U0ADMIN>");
    expect(String(toRequester?.args.text)).toContain("Approved by <@U0OWNER> — applied");
    const entries = audit();
    expect(entries.find((e) => e.action === "member.added" && e.target === "new@acme.test")).toMatchObject({
      actor: "owner@acme.test",
      source: "approval",
    });
    expect(entries.some((e) => e.action === "request.filed" && e.actor === "admin@acme.test")).toBe(true);
  });

  it("the requester approving their own request: SELF_APPROVAL, nothing applied", async () => {
    await start();
    const id = await file("owner2", "role tm@acme.test admin");
    const clicked = await click("owner2", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      "You cannot decide your own request; another Owner must.",
    );
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("teammate");
  });

  it("a teammate clicking Approve is refused, ephemerally", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    const clicked = await click("teammate", IDS.actions.requestApprove, id);
    const answer = await h.responseTo(clicked.responseId);
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(messageText(answer)).toContain("Only Owners can approve");
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("teammate");
  });

  it("50 rounds of two owners approving the same request at once: applied exactly once", async () => {
    await start();
    await reply("owner2", "whoami"); // link the second owner
    for (let round = 0; round < 50; round++) {
      const request = await h.running.core.requests.file(h.as("admin"), {
        kind: "member.add",
        email: `r${round}@acme.test`,
      });
      await Promise.all([
        click("owner", IDS.actions.requestApprove, request.id),
        click("owner2", IDS.actions.requestApprove, request.id),
      ]);
    }
    await settle();
    const added = audit().filter((e) => e.action === "member.added" && /^r\d+@/.test(e.target));
    expect(added).toHaveLength(50);
    expect(new Set(added.map((e) => e.target)).size).toBe(50);
    const closed = () =>
      h.fake.responses.filter((r) => messageText(r.body).includes("This request was already approved"));
    await h.fake.waitFor(() => (closed().length >= 50 ? true : undefined), "50 refusals");
    expect(closed()).toHaveLength(50);
  });

  it("Slack redelivering the same click applies the change once", async () => {
    await start();
    const id = await file("admin", "perms grant teammate team_settings");
    await click("owner", IDS.actions.requestApprove, id);
    const again = await click("owner", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(again.responseId))).toContain(
      "already approved by owner@acme.test",
    );
    expect(audit().filter((e) => e.action === "permission.granted")).toHaveLength(1);
  });

  it("a change that became impossible meanwhile: the failure is in the thread, nothing half-applied", async () => {
    await start();
    const id = await file("admin", "remove tm@acme.test");
    expect(rolecall(h.db, ["--as", "owner@acme.test", "remove", "tm@acme.test"]).code).toBe(0);
    const clicked = await click("owner", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      `You approved request ${id}, but it could not be applied: tm@acme.test is not a member`,
    );
    await settle();
    const thread = h.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts);
    expect(String(thread?.args.text)).toContain("could not be applied: tm@acme.test is not a member");
    expect(audit().filter((e) => e.action === "member.removed")).toHaveLength(2); // the seed's and the CLI's; none by approval
    expect(
      json<{ request: { status: string } }[]>(rolecall(h.db, ["audit", "--format", "json"])).length,
    ).toBeGreaterThan(0);
  });
});

describe("Approve and Reject on a request post", () => {
  const approveOf = async (id: string) => {
    const post = await h.fake.waitFor(() => postsOf(id)[0], "the post");
    return buttonsOf(post.args).find((b) => b.action_id === IDS.actions.requestApprove);
  };

  it.each([
    ["making a Teammate an Owner", "role tm@acme.test owner", "tm@acme.test: Teammate → Owner."],
    ["giving Admins Team Settings", "perms grant admin team_settings", "Admins: Team Settings off → on."],
    [
      "removing an Owner",
      "remove owner2@acme.test",
      "Removes owner2@acme.test (Owner, active) from the team.",
    ],
    ["moving the approvals channel", "settings approvals <#C0GENERAL|general>", "Approvals channel →"],
  ])("%s: Approve asks first, saying what approving does", async (_what, change, effect) => {
    await start();
    const id = await file("admin", change);
    const approve = await approveOf(id);
    expect(approve).toMatchObject({
      style: "primary",
      confirm: {
        title: { type: "plain_text", text: `Approve request ${id}?` },
        text: { type: "plain_text", text: expect.stringContaining(effect) },
        confirm: { type: "plain_text", text: "Approve" },
        deny: { type: "plain_text", text: "Cancel" },
      },
    });
    expect(JSON.stringify(approve?.confirm)).toContain('"text":"Approving applies this change at once. ');
  });

  it.each([
    ["making a Teammate an Admin", "role tm@acme.test admin"],
    ["taking Billing from Teammates", "perms revoke teammate billing"],
    ["removing a Teammate", "remove tm@acme.test"],
  ])("%s: Approve applies at once, no dialog", async (_what, change) => {
    await start();
    const approve = await approveOf(await file("admin", change));
    expect(approve).toMatchObject({ style: "primary" });
    expect(approve).not.toHaveProperty("confirm");
  });

  it("a post drawn without a dialog, for a change that became sensitive since, applies nothing and asks again", async () => {
    await start();
    const id = await file("admin", "remove tm@acme.test");
    const approve = await approveOf(id);
    expect(approve).not.toHaveProperty("confirm");
    await reply("owner", "role tm@acme.test owner"); // removing tm now removes an Owner
    const clicked = await click("owner2", IDS.actions.requestApprove, String(approve?.value));
    const answer = await h.responseTo(clicked.responseId);
    expect(messageText(answer)).toContain("has become sensitive");
    const again = buttonsOf(answer).find((b) => b.action_id === IDS.actions.requestApprove);
    expect(again?.confirm?.text?.text).toContain("Removes tm@acme.test (Owner, active)");
    expect(members().find((m) => m.email === "tm@acme.test")?.status).toBe("active");
    // Approving from the confirmed button applies it.
    await click("owner2", IDS.actions.requestApprove, String(again?.value));
    expect(members().find((m) => m.email === "tm@acme.test")).toBeUndefined();
  });

  it("Reject clicked where there is no message to answer beside (App Home): the form itself confirms", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    const {
      response_url: _none,
      container: _message,
      ...fromHome
    } = blockAction(h.fake, {
      action_id: IDS.actions.requestReject,
      value: id,
    }).payload;
    const clicked = { ...fromHome, container: { type: "view", view_id: "VHOME" } };
    expect((await h.interact("owner", clicked)).status).toBe(200);
    const view = await openedView(h.fake, clicked.trigger_id);
    const submitted = await h.interact("owner", viewSubmission(view, { reason: text("") }));
    const answer = JSON.parse(submitted.text) as { response_action: string; view: unknown };
    expect(answer.response_action).toBe("update");
    expect(messageText(answer.view)).toContain(`You rejected request ${id} from <@U0ADMIN>`);
    await settle();
    const thread = h.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts);
    expect(String(thread?.args.text)).toContain("Rejected by <@U0OWNER>.");
  });
});

describe("a request already made true meanwhile", () => {
  it("is not reported as applied: the thread says nothing changed", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    expect(rolecall(h.db, ["--as", "owner@acme.test", "role", "tm@acme.test", "admin"]).code).toBe(0);
    await click("owner", IDS.actions.requestApprove, id);
    await settle();
    const thread = h.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts);
    expect(String(thread?.args.text)).toContain(
      "could not be applied: Nothing to change: tm@acme.test is already an Admin.",
    );
    expect(String(thread?.args.text)).not.toContain("— applied");
  });
});

describe("rejecting, expiring, cancelling", () => {
  it("reject with a reason: a modal asks, the thread and the requester hear it", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    const clicked = await click("owner", IDS.actions.requestReject, id);
    const view = await openedView(h.fake, clicked.payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.rejectRequest);
    const submitted = await h.interact("owner", viewSubmission(view, { reason: text("Not this quarter") }));
    expect(submitted.text).toBe("");
    // The Owner who rejected hears it privately, where they clicked Reject.
    const confirmation = await h.responseTo(clicked.responseId);
    expect(confirmation).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(messageText(confirmation)).toContain(`You rejected request ${id} from <@U0ADMIN>`);
    expect(messageText(confirmation)).toContain("Not this quarter");
    await settle();
    const thread = h.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts);
    expect(String(thread?.args.text)).toContain("Rejected by <@U0OWNER>: Not this quarter");
    expect(
      h.fake
        .callsTo("chat.postMessage")
        .some((c) => c.args.channel === "U0ADMIN" && String(c.args.text).includes("Rejected")),
    ).toBe(true);
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("teammate");
    const late = await click("owner2", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(late.responseId))).toContain(
      "This request was already rejected by owner@acme.test.",
    );
  });

  it("expires after REQUEST_TTL_HOURS (injected clock): the post says so, approving is refused", async () => {
    const clock = manualClock(new Date().toISOString());
    await start({ clock });
    const id = await file("admin", "role tm@acme.test admin");
    clock.advanceHours(169);
    await settle();
    expect(messageText(h.fake.callsTo("chat.update")[0]?.args)).toContain("Expired");
    const clicked = await click("owner", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      "This request has expired. Ask again if the change is still needed.",
    );
    expect(audit().some((e) => e.action === "request.expired")).toBe(true);
  });

  it("the requester cancels; the post is updated and nobody can approve it any more", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    const cancelled = await click("admin", IDS.actions.requestCancel, id);
    expect(messageText(await h.responseTo(cancelled.responseId))).toContain("Cancelled by <@U0ADMIN>");
    await settle();
    expect(messageText(h.fake.callsTo("chat.update")[0]?.args)).toContain("Cancelled");
    const clicked = await click("owner", IDS.actions.requestApprove, id);
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      "This request was already cancelled by admin@acme.test.",
    );
  });

  it("an approvals channel archived since: the request goes to the Owners by DM at once, and the requester is told it was sent", async () => {
    await start();
    h.fake.archived.add("C0APPROVE");
    h.fake.expectFailure("chat.postMessage", "is_archived");
    const shown = messageText(await reply("admin", "request role tm@acme.test admin"));
    expect(shown).toContain("was sent to the Owners");
    const dm = await h.fake.waitFor(
      () => h.fake.callsTo("chat.postMessage").find((c) => c.ok && c.args.channel === PEOPLE.owner.id),
      "the DM to the Owner",
    );
    expect(buttonsOf(dm.args).map((b) => b.action_id)).toContain(IDS.actions.requestApprove);
    expect(h.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C0APPROVE")).toHaveLength(1);
  });

  it("only the requester may cancel", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    const clicked = await click("owner", IDS.actions.requestCancel, id);
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      "Only the person who filed a request can cancel it; an Owner can reject it instead.",
    );
  });
});

describe("without an approvals channel", () => {
  /** A click on a button of a message the app posted (a DM here), as Slack sends it. */
  const clickIn = async (
    person: Person,
    post: { channel: string; ts: string },
    action: string,
    value: string,
  ) => {
    const b = blockAction(h.fake, { action_id: action, value });
    const payload = {
      ...b.payload,
      container: { type: "message", message_ts: post.ts, channel_id: post.channel, is_ephemeral: false },
      channel: { id: post.channel, name: "directmessage" },
      message: { ts: post.ts, text: "" },
    };
    expect((await h.interact(person, payload)).status).toBe(200);
    return b;
  };
  const landed = (id: string) =>
    h.fake
      .callsTo("chat.postMessage")
      .filter((c) => c.ok && !c.args.thread_ts && messageText(c.args).includes(`Change request ${id}`));

  it("each active linked Owner gets the request by DM; one approves in theirs; every copy, thread and the requester follow", async () => {
    await start({ channel: false });
    await reply("owner2", "whoami"); // links the second owner
    const id = await file("admin", "role tm@acme.test admin", 2);
    const dms = landed(id);
    expect(dms.map((c) => c.args.channel).sort()).toEqual(["U0OWNER", "U0OWNER2"]);
    for (const dm of dms) expect(dm.token).toBe("xoxb-test-token"); // background posts carry the bot token
    const owner2Dm = h.fake.messages.get(h.fake.dmOf("U0OWNER2"));
    const post = { channel: h.fake.dmOf("U0OWNER2"), ts: [...(owner2Dm?.keys() ?? [])][0] ?? "" };

    await clickIn("owner2", post, IDS.actions.requestApprove, id);
    await settle();
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("admin");
    const updates = h.fake.callsTo("chat.update");
    expect(updates.map((c) => c.args.channel).sort()).toEqual([
      h.fake.dmOf("U0OWNER"),
      h.fake.dmOf("U0OWNER2"),
    ]);
    for (const update of updates) {
      expect(update).toMatchObject({ ok: true, token: "xoxb-test-token" });
      expect(messageText(update.args)).not.toContain(IDS.actions.requestApprove);
      expect(messageText(update.args)).toContain("Approved by <@U0OWNER2>");
    }
    const threads = h.fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts);
    expect(threads.map((c) => c.args.channel).sort()).toEqual([
      h.fake.dmOf("U0OWNER"),
      h.fake.dmOf("U0OWNER2"),
    ]);
    for (const thread of threads) {
      expect(thread).toMatchObject({ ok: true, token: "xoxb-test-token" });
      expect(String(thread.args.text)).toContain("Approved by <@U0OWNER2> — applied");
    }
    const toRequester = h.fake
      .callsTo("chat.postMessage")
      .find((c) => c.args.channel === "U0ADMIN" && String(c.args.text).includes(id));
    expect(toRequester).toMatchObject({ ok: true, token: "xoxb-test-token" });
    expect(String(toRequester?.args.text)).toContain("applied");
  });

  it("two Owners approving at once, each in their own DM: applied once, the other told it was already decided", async () => {
    await start({ channel: false });
    await reply("owner2", "whoami");
    const id = await file("admin", "perms grant teammate team_settings", 2);
    const postIn = (user: string) => {
      const channel = h.fake.dmOf(user);
      return { channel, ts: [...(h.fake.messages.get(channel)?.keys() ?? [])][0] ?? "" };
    };
    const [a, b] = await Promise.all([
      clickIn("owner", postIn("U0OWNER"), IDS.actions.requestApprove, id),
      clickIn("owner2", postIn("U0OWNER2"), IDS.actions.requestApprove, id),
    ]);
    // The winner hears it was applied; the other is told it was already decided.
    const answers = () => h.fake.responses.filter((r) => r.id === a.responseId || r.id === b.responseId);
    await h.fake.waitFor(() => (answers().length === 2 ? true : undefined), "both owners' answers");
    const said = answers().map((r) => messageText(r.body));
    expect(said.filter((t) => t.includes(`You approved request ${id}`))).toHaveLength(1);
    const refused = said.find((t) => !t.includes(`You approved request ${id}`)) ?? "";
    expect(refused).not.toMatch(ERROR_CODE_PATTERN);
    expect(refused).toMatch(/already approved by owner2?@acme\.test/);
    await settle();
    expect(answers()).toHaveLength(2);
    expect(audit().filter((e) => e.action === "permission.granted")).toHaveLength(1);
    expect(h.fake.callsTo("chat.update").filter((c) => c.ok)).toHaveLength(2);
  });

  it('the requester hears "sent to the Owners" only once a DM has landed', async () => {
    await start({ channel: false });
    h.fake.behaviours.set("chat.postMessage", { status: 500 });
    const down = await h.slash("admin", "request role tm@acme.test admin");
    const filed = messageText(await h.responseTo(down.responseId));
    expect(filed).toContain("was filed; the Owners will see it when Slack answers");
    expect(filed).not.toContain("was sent to the Owners");
    h.fake.behaviours.delete("chat.postMessage");
    const up = await h.slash("admin", "request role tm@acme.test owner");
    expect(messageText(await h.responseTo(up.responseId))).toContain("was sent to the Owners");
  });
});

describe("listing, App Home and the CLI", () => {
  it("/team requests shows what an owner may decide and what a member filed", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    expect(messageText(await reply("owner", "requests"))).toContain(id);
    expect(messageText(await reply("admin", "requests"))).toContain("Filed by you");
    expect(messageText(await reply("teammate", "requests"))).toContain("No pending requests");
  });

  it("App Home lists pending requests for owners", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    await h.event({ event: { type: "app_home_opened", user: "U0OWNER", channel: "D1", tab: "home" } });
    const home = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[0], "views.publish");
    expect(messageText(home.args.view)).toContain(id);
  });

  it("the CLI files, lists, approves, rejects and cancels under the same rules; Slack catches up", async () => {
    await start();
    const cli = (email: string, ...words: string[]) => rolecall(h.db, ["--as", email, ...words, "--json"]);
    const filed = json<{ request: { id: string; effect: string } }>(
      cli("admin@acme.test", "request", "role", "tm@acme.test", "admin"),
    );
    expect(filed.request.effect).toBe("tm@acme.test: Teammate → Admin.");
    expect(
      json<{ toDecide: { id: string }[] }>(cli("owner@acme.test", "requests")).toDecide.map((r) => r.id),
    ).toContain(filed.request.id);
    expect(
      json<{ error: { code: string } }>(cli("admin@acme.test", "approve", filed.request.id)).error.code,
    ).toBe("FORBIDDEN");
    expect(json(cli("owner@acme.test", "approve", filed.request.id))).toMatchObject({
      ok: true,
      applied: true,
    });
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("admin");
    await settle();
    expect(postsOf(filed.request.id)).toHaveLength(1);
    expect(messageText(h.fake.callsTo("chat.update")[0]?.args)).toContain("Approved by <@U0OWNER>");

    const second = json<{ request: { id: string } }>(
      cli("admin@acme.test", "request", "remove", "tm@acme.test"),
    ).request.id;
    expect(json(cli("owner2@acme.test", "reject", second, "No", "thanks"))).toMatchObject({
      request: { status: "rejected", reason: "No thanks" },
    });
    const third = json<{ request: { id: string } }>(
      cli("admin@acme.test", "request", "resend", "invited@acme.test"),
    ).request.id;
    expect(json<{ error: { code: string } }>(cli("owner@acme.test", "cancel", third)).error.code).toBe(
      "FORBIDDEN",
    );
    expect(json(cli("admin@acme.test", "cancel", third))).toMatchObject({ request: { status: "cancelled" } });
    expect(json<{ error: { code: string } }>(cli("admin@acme.test", "request", "whoami")).error.code).toBe(
      "INVALID_INPUT",
    );
    expect(
      json<{ error: { code: string } }>(cli("admin@acme.test", "request", "role", "tm@acme.test", "boss"))
        .error.code,
    ).toBe("INVALID_INPUT");
  });

  it("request ids are taken in any letter case, from the CLI and from Slack; nothing ends as INTERNAL", async () => {
    await start();
    const cli = (email: string, ...words: string[]) => rolecall(h.db, ["--as", email, ...words, "--json"]);
    const fileFromCli = (...change: string[]) =>
      json<{ request: { id: string } }>(cli("admin@acme.test", "request", ...change)).request.id;

    const approved = fileFromCli("role", "tm@acme.test", "admin");
    expect(json(cli("owner@acme.test", "approve", approved.toLowerCase()))).toMatchObject({
      applied: true,
      request: { id: approved, status: "approved" },
    });
    const rejected = fileFromCli("resend", "invited@acme.test");
    expect(json(cli("owner@acme.test", "reject", ` ${rejected.toLowerCase()}`, "No"))).toMatchObject({
      request: { id: rejected, status: "rejected" },
    });
    const cancelled = fileFromCli("revoke", "invited@acme.test");
    expect(json(cli("admin@acme.test", "cancel", cancelled.toLowerCase()))).toMatchObject({
      request: { id: cancelled, status: "cancelled" },
    });
    const trail = audit().filter((e) => e.target.startsWith("request:"));
    expect(trail.map((e) => e.target)).not.toContainEqual(expect.stringMatching(/^request:R.*[a-z]/));

    const fromSlack = await file("admin", "role tm@acme.test teammate");
    const shown = messageText(await reply("owner", `approve ${fromSlack.toLowerCase()}`));
    expect(shown).toContain(
      `You approved request ${fromSlack} — tm@acme.test is now a Teammate (was an Admin).`,
    );
    expect(shown).not.toContain("Something went wrong");
    expect(members().find((m) => m.email === "tm@acme.test")?.role).toBe("teammate");
    const again = messageText(await reply("owner2", `reject ${fromSlack.toLowerCase()}`));
    expect(again).toContain("This request was already approved by owner@acme.test.");
  });

  it("a refusal offers Ask an Owner only for a change that would do something, and a no-op request is refused", async () => {
    await start();
    const askButton = (message: unknown) =>
      buttonsOf(message).some((e) => e.action_id === IDS.actions.requestAsk);

    const worthAsking = await reply("admin", "perms grant admin team_settings");
    expect(messageText(worthAsking)).toContain("You need the Access Permissions permission");
    expect(askButton(worthAsking)).toBe(true);
    for (const alreadySo of [
      "perms grant admin export_users",
      "role tm@acme.test teammate",
      "remove removed@acme.test",
      "resend tm@acme.test",
    ]) {
      const refused = await reply("admin", alreadySo);
      expect(messageText(refused)).toContain("You need the");
      expect(messageText(refused)).not.toMatch(ERROR_CODE_PATTERN);
      expect(askButton(refused)).toBe(false);
    }

    const posts = h.fake.callsTo("chat.postMessage").length;
    const noOp = messageText(await reply("admin", "request perms grant admin export_users"));
    expect(noOp).toContain("Nothing to ask for: Admins already have Export Users.");
    expect(noOp).not.toMatch(ERROR_CODE_PATTERN);
    await settle();
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(posts);
    expect(audit().map((e) => e.action)).not.toContain("request.filed");
  });
});

describe("Slack failing part of the way: nothing lost, nothing twice", () => {
  const threadReplies = () => h.fake.callsTo("chat.postMessage").filter((c) => c.ok && c.args.thread_ts);

  it("a requester who left Slack: the outcome is replied and the post updated once, however many syncs follow", async () => {
    await start();
    const id = await file("admin", "role tm@acme.test admin");
    h.fake.users.delete("U0ADMIN"); // the requester's DM will be refused for good
    h.fake.expectFailure("chat.postMessage", "channel_not_found");
    await click("owner", IDS.actions.requestApprove, id);
    for (let i = 0; i < 4; i++) await settle();
    expect(threadReplies()).toHaveLength(1);
    expect(h.fake.callsTo("chat.update").filter((c) => c.ok)).toHaveLength(1);
    expect(h.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "U0ADMIN")).toHaveLength(1);
  });

  it("Slack down while a request is filed: the requester is told it waits; once Slack is back each Owner gets one DM", async () => {
    await start({ channel: false });
    await reply("owner2", "whoami"); // links the second owner
    h.fake.behaviours.set("chat.postMessage", { status: 500 });
    const down = await h.slash("admin", "request role tm@acme.test admin");
    expect(messageText(await h.responseTo(down.responseId))).toContain(
      "the Owners will see it when Slack answers",
    );
    h.fake.behaviours.delete("chat.postMessage");
    for (let i = 0; i < 3; i++) await settle();
    const dms = h.fake.callsTo("chat.postMessage").filter((c) => c.ok && !c.args.thread_ts);
    expect(dms.map((c) => c.args.channel).sort()).toEqual(["U0OWNER", "U0OWNER2"]);
  });

  it("an Owner who left Slack is not tried again, and the other Owner gets one copy", async () => {
    await start({ channel: false });
    await reply("owner2", "whoami");
    h.fake.users.delete("U0OWNER2");
    h.fake.expectFailure("chat.postMessage", "channel_not_found");
    const id = await file("admin", "role tm@acme.test admin");
    for (let i = 0; i < 3; i++) await settle();
    expect(
      postsOf(id)
        .map((c) => [c.args.channel, c.ok])
        .sort(),
    ).toEqual([
      ["U0OWNER", true],
      ["U0OWNER2", false],
    ]);
  });

  it("nobody to send it to: the requester is told so; the request reaches the first Owner who links", async () => {
    await start({ channel: false });
    // The only linked Owner is removed; the remaining Owner has never used Rolecall in Slack.
    expect(rolecall(h.db, ["--as", "owner2@acme.test", "remove", "owner@acme.test"]).code).toBe(0);
    const asked = await h.slash("admin", "request role tm@acme.test admin");
    const told = messageText(await h.responseTo(asked.responseId));
    expect(told).toContain("no Owner can be reached in Slack yet");
    const id = /request \*(R[A-Z0-9]{6})\*/.exec(told)?.[1] ?? "";
    await reply("owner2", "whoami"); // owner2 links
    await settle();
    expect(postsOf(id).map((c) => c.args.channel)).toEqual(["U0OWNER2"]);
  });

  it("Ask an Owner clicked twice at once and redelivered: one request, one post", async () => {
    await start();
    const refused = await reply("admin", "add twice@acme.test");
    const ask = buttonsOf(refused).find((e) => e.action_id === IDS.actions.requestAsk);
    const value = ask?.value ?? "";
    const [a, b] = await Promise.all([
      click("admin", IDS.actions.requestAsk, value),
      click("admin", IDS.actions.requestAsk, value),
    ]);
    const again = await click("admin", IDS.actions.requestAsk, value);
    const ids = await Promise.all(
      [a, b, again].map(
        async (c) => /request \*(R[A-Z0-9]{6})\*/.exec(messageText(await h.responseTo(c.responseId)))?.[1],
      ),
    );
    expect(new Set(ids).size).toBe(1);
    await settle();
    expect(postsOf(ids[0] ?? "")).toHaveLength(1);
    const pending = json<{ toDecide: { id: string }[] }>(
      rolecall(h.db, ["--as", "owner@acme.test", "requests", "--json"]),
    );
    expect(pending.toDecide).toHaveLength(1);
  });
});

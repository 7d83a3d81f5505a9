import { afterEach, describe, expect, it } from "vitest";
import { resultMessage } from "../../src/slack/blocks/messages.js";
import { IDS } from "../../src/slack/ids.js";
import { blockProblems } from "../helpers/block-kit-limits.js";
import { listMembers, setFourEyes, setPermission } from "../helpers/core.js";
import type { RecordedCall } from "../helpers/fake-slack.js";
import { approve } from "../helpers/requests.js";
import {
  buttonsOf,
  ERROR_CODE_PATTERN,
  type Harness,
  messageText,
  PEOPLE,
  type Person,
  startHarness,
} from "../helpers/slack-harness.js";
import {
  blockAction,
  homeAction,
  openedView,
  radio,
  select,
  text,
  viewSubmission,
} from "../helpers/slack-payloads.js";
import { manualClock } from "../helpers/team.js";

/**
 * Time-bound grants and four-eyes in Slack, through the real Bolt app against the strict fake:
 * asking, approving for less, the reminder with Extend, the end in the DM and the request's thread,
 * App Home, and changes four-eyes holds for a second Owner.
 */

let h: Harness;
afterEach(() => h?.stop());

const MINUTE = 60_000;
const START = "2026-03-02T14:00:00.000Z";

const start = async (clock = manualClock(START)) => {
  h = await startHarness({}, { clock });
  await h.slash("owner", "settings approvals <#C0APPROVE|approvals>");
  // Teammates hold Billing by default; here they hold it only by a grant.
  await setPermission(h.running.core, h.as("owner"), {
    role: "teammate",
    permission: "billing",
    allowed: false,
  });
  // The teammate has used Rolecall in Slack: linked, so DMs can reach them.
  await h.running.core.linkSlackUser(h.accountId, PEOPLE.teammate.email, PEOPLE.teammate.id);
  return { h, clock };
};

const slack = () => {
  const s = h.running.slack;
  if (!s) throw new Error("Slack is not running");
  return s;
};

const click = async (person: Person, action: string, value: string) => {
  const b = blockAction(h.fake, { action_id: action, value });
  expect((await h.interact(person, b.payload)).status).toBe(200);
  return b;
};

const postsOf = (id: string): RecordedCall[] =>
  h.fake
    .callsTo("chat.postMessage")
    .filter((c) => !c.args.thread_ts && messageText(c.args).includes(`Change request ${id}`));

const dmsTo = (person: Person): RecordedCall[] =>
  h.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === PEOPLE[person].id);

/** The teammate asks for Billing for an hour (the `/team access` command's core call), and it is posted. */
const askForBilling = async (reason: string, minutes = 60) => {
  const request = await h.running.core.requests.file(h.as("teammate"), {
    kind: "grant.start",
    member: { email: PEOPLE.teammate.email },
    permission: "billing",
    minutes,
    reason,
  });
  await slack().syncRequests();
  const post = await h.fake.waitFor(() => postsOf(request.id)[0], "the request post");
  return { request, post };
};

const billingGrant = async () =>
  (await h.running.core.grants.list(h.as("teammate"))).mine.find((g) => g.permission === "billing");

describe("asking for temporary access and approving it in Slack", () => {
  it("the post shows the time asked and the reason escaped; Approve asks how long; too long or bad text comes back on the field; less is granted", async () => {
    const { clock } = await start();
    const { request, post } = await askForBilling("<!channel> quarter close *now*");
    const shown = messageText(post.args);
    expect(shown).toContain("*For:* 1 hour");
    expect(shown).toContain("&lt;!channel&gt; quarter close");
    expect(shown).not.toContain("<!channel>");
    expect(String(post.args.text)).not.toContain("<!channel>");

    const approve = buttonsOf(post.args).find((b) => b.action_id === IDS.actions.requestApprove);
    const clicked = await click("owner", IDS.actions.requestApprove, approve?.value ?? "");
    const view = await openedView(h.fake, clicked.payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.approveGrant);
    const duration = view.blocks.find((b) => b.block_id === IDS.blocks.duration);
    expect(duration?.element).toMatchObject({ initial_value: "1h" });
    expect(messageText(view)).not.toContain("<!channel>");

    const tooLong = await h.interact("owner", viewSubmission(view, { [IDS.blocks.duration]: text("2h") }));
    expect(JSON.parse(tooLong.text)).toMatchObject({
      response_action: "errors",
      errors: { [IDS.blocks.duration]: expect.stringContaining("You can approve 1 hour or less") },
    });
    const bad = await h.interact("owner", viewSubmission(view, { [IDS.blocks.duration]: text("soon") }));
    expect(JSON.parse(bad.text)).toMatchObject({
      errors: { [IDS.blocks.duration]: expect.stringContaining("A duration is a number and a unit") },
    });
    expect(JSON.parse(bad.text).errors[IDS.blocks.duration]).not.toMatch(ERROR_CODE_PATTERN);
    expect(await billingGrant()).toBeUndefined();

    const ok = await h.interact("owner", viewSubmission(view, { [IDS.blocks.duration]: text("30m") }));
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("");
    const confirmation = await h.responseTo(clicked.responseId);
    expect(messageText(confirmation)).toContain(`You approved request ${request.id}`);
    expect(messageText(confirmation)).toContain("<@U0TEAM> has Billing until");
    const grant = await billingGrant();
    expect(grant?.endsAt).toBe(new Date(clock.now().getTime() + 30 * MINUTE).toISOString());
    expect(grant?.requestId).toBe(request.id);
  });

  it("other requests keep Approve as it was: applied at once, no form", async () => {
    await start();
    await h.slash("owner", "perms grant admin team_settings");
    const request = await h.running.core.requests.file(h.as("admin"), {
      kind: "member.edit",
      member: { email: PEOPLE.teammate.email },
      role: "admin",
    });
    await slack().syncRequests();
    const post = await h.fake.waitFor(() => postsOf(request.id)[0], "the request post");
    const approve = buttonsOf(post.args).find((b) => b.action_id === IDS.actions.requestApprove);
    const clicked = await click("owner", IDS.actions.requestApprove, approve?.value ?? "");
    expect(messageText(await h.responseTo(clicked.responseId))).toContain(
      `You approved request ${request.id}`,
    );
    expect(h.fake.callsTo("views.open")).toHaveLength(0);
  });
});

describe("the grants job: the reminder with Extend, then the end, each once", () => {
  it("reminds once with Extend; Extend files a request; the end is told once in the DM, the thread and the post", async () => {
    const { clock } = await start();
    const { request, post } = await askForBilling("quarter close", 30);
    const outcome = await approve(h.running.core.requests, h.as("owner"), request.id);
    expect(outcome.applied).toBe(true);
    await slack().syncRequests();

    // Nothing is due yet.
    await slack().syncGrants();
    expect(dmsTo("teammate").filter((c) => messageText(c.args).includes("ends at"))).toHaveLength(0);

    // A 30-minute grant reminds 15 minutes before its end; several beats at once send it once.
    clock.advance(16 * MINUTE);
    await Promise.all([slack().syncGrants(), slack().syncGrants()]);
    await slack().syncGrants();
    const reminders = dmsTo("teammate").filter((c) => messageText(c.args).includes("ends at"));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.args.text).toBe("Your temporary Billing ends at 14:30 UTC (in 14 minutes).");
    const extend = buttonsOf(reminders[0]?.args).find((b) => b.action_id === IDS.actions.grantExtend);
    expect(extend?.text.text).toBe("Extend");

    // Extend: a form prefilled with the grant's own length; submitting asks the Owners.
    const clicked = await click("teammate", IDS.actions.grantExtend, extend?.value ?? "");
    const view = await openedView(h.fake, clicked.payload.trigger_id);
    expect(view.callback_id).toBe(IDS.views.extendGrant);
    expect(view.blocks.find((b) => b.block_id === IDS.blocks.duration)?.element).toMatchObject({
      initial_value: "30m",
    });
    const submitted = await h.interact(
      "teammate",
      viewSubmission(view, { [IDS.blocks.duration]: text("30m") }),
    );
    expect(JSON.parse(submitted.text)).toMatchObject({ response_action: "update" });
    const told = messageText(await h.responseTo(clicked.responseId));
    const extendId = /request \*(R[A-Z0-9]{6})\*/.exec(told)?.[1] ?? "";
    expect(told).toContain("was sent to the Owners");
    expect(told).toContain("Billing for 30 minutes longer");
    expect(postsOf(extendId)).toHaveLength(1);
    expect((await h.running.core.requests.get(h.accountId, extendId)).intent).toMatchObject({
      kind: "grant.extend",
      permission: "billing",
      minutes: 30,
    });

    // Past the end (nobody approved the extension): ended in the log, told once everywhere.
    clock.advance(15 * MINUTE);
    await Promise.all([slack().syncGrants(), slack().syncGrants()]);
    await slack().syncGrants();
    const ends = dmsTo("teammate").filter((c) => messageText(c.args).includes("ended at"));
    expect(ends).toHaveLength(1);
    expect(ends[0]?.args.text).toBe("Your temporary Billing ended at 14:30 UTC.");
    // The thread and the post are the request's copy, as Slack answered its post.
    expect(post.args.channel).toBe("C0APPROVE");
    const stored = (await h.running.core.requests.get(h.accountId, request.id)).posts[0];
    const replies = h.fake
      .callsTo("chat.postMessage")
      .filter(
        (c) => c.args.thread_ts === stored?.ts && String(c.args.text).includes("Temporary access ended"),
      );
    expect(replies).toHaveLength(1);
    expect(replies[0]?.args.text).toBe("Temporary access ended at 14:30 UTC.");
    const updates = h.fake
      .callsTo("chat.update")
      .filter((c) => c.args.ts === stored?.ts && messageText(c.args).includes("Temporary access ended"));
    expect(updates).toHaveLength(1);
    expect(messageText(updates[0]?.args)).not.toContain(IDS.actions.requestApprove);
    expect(await billingGrant()).toBeUndefined();
    const audit = await h.running.core.fullAuditLog(h.accountId);
    expect(audit.filter((e) => e.action === "grant.expired")).toHaveLength(1);
  });

  it("a grant an Owner ends early: the holder hears who ended it, once", async () => {
    const { clock } = await start();
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 120,
      reason: null,
    });
    clock.advance(10 * MINUTE);
    await h.running.core.change(h.as("owner"), {
      kind: "grant.end",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
    });
    await Promise.all([slack().syncGrants(), slack().syncGrants()]);
    await slack().syncGrants();
    const ends = dmsTo("teammate").filter((c) => messageText(c.args).includes("ended at"));
    expect(ends).toHaveLength(1);
    expect(ends[0]?.args.text).toBe(
      "Your temporary Billing ended at 14:10 UTC, ended early by owner@acme.test.",
    );
  });

  it("Slack failing for now: the reminder is given back and sent on the next beat, once", async () => {
    const { clock } = await start();
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 60,
      reason: null,
    });
    clock.advance(46 * MINUTE);
    h.fake.behaviours.set("chat.postMessage", { status: 500 });
    await slack().syncGrants();
    h.fake.behaviours.delete("chat.postMessage");
    await slack().syncGrants();
    await slack().syncGrants();
    const delivered = dmsTo("teammate").filter((c) => c.ok && messageText(c.args).includes("ends at"));
    expect(delivered).toHaveLength(1);
  });

  it("an Extend clicked after the grant ended says so in words", async () => {
    await start();
    const clicked = await click(
      "teammate",
      IDS.actions.grantExtend,
      JSON.stringify({ permission: "billing" }),
    );
    const answer = messageText(await h.responseTo(clicked.responseId));
    expect(answer).toContain("You have no temporary Billing right now.");
    expect(answer).not.toMatch(ERROR_CODE_PATTERN);
  });

  it("Extend never offers more than GRANT_MAX_HOURS allows, and a longer ask comes back on the field", async () => {
    const { clock } = await start();
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 60 * 60,
      reason: null,
    });
    clock.advance(10 * MINUTE);
    const clicked = await click(
      "teammate",
      IDS.actions.grantExtend,
      JSON.stringify({ permission: "billing" }),
    );
    const view = await openedView(h.fake, clicked.payload.trigger_id);
    // 72 hours from now at most: the grant ends in 59 h 50 m, so 12 h 10 m more.
    expect(view.blocks.find((b) => b.block_id === IDS.blocks.duration)?.element).toMatchObject({
      initial_value: "730m",
    });
    const refused = await h.interact("teammate", viewSubmission(view, { [IDS.blocks.duration]: text("1d") }));
    expect(JSON.parse(refused.text)).toMatchObject({
      response_action: "errors",
      errors: {
        [IDS.blocks.duration]: expect.stringContaining("Temporary access lasts at most 3 days from now"),
      },
    });
  });
});

describe("/team grants as Slack shows it", () => {
  it("yours, and the team's for Team Settings holders: who, what, until, by whom, why (escaped)", async () => {
    await start();
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 90,
      reason: "<!here> *invoices*",
    });
    const mine = resultMessage({
      type: "grants",
      grants: await h.running.core.grants.list(h.as("teammate")),
    });
    expect(mine.text).toBe("Your temporary access: 1 active");
    expect(messageText(mine)).toContain("*Billing* until <!date^");
    expect(messageText(mine)).not.toContain("<@U0TEAM> ·");
    const all = resultMessage({ type: "grants", grants: await h.running.core.grants.list(h.as("owner")) });
    const shown = messageText(all);
    expect(shown).toContain("Temporary access on the team* (1)");
    expect(shown).toContain("<@U0TEAM> · *Billing* until <!date^");
    expect(shown).toContain("granted by owner@acme.test");
    expect(shown).toContain("&lt;!here&gt;");
    expect(shown).not.toContain("<!here>");
    expect(blockProblems("message", all.blocks)).toEqual([]);
    const started = resultMessage({
      type: "change",
      change: await h.running.core.change(h.as("owner"), {
        kind: "grant.start",
        member: { email: PEOPLE.teammate.email },
        permission: "billing",
        minutes: 30,
        reason: null,
      }),
    });
    // Already held for longer: nothing changes, and it says until when.
    expect(started.text).toBe("Nothing to change: tm@acme.test already has Billing until 15:30 UTC.");
  });
});

describe("App Home shows temporary access", () => {
  it("the holder sees theirs with its end; an Owner sees the team's, the reason escaped", async () => {
    await start();
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 120,
      reason: "<!channel> *close*",
    });
    const home = async (userId: string) => {
      const before = h.fake.callsTo("views.publish").length;
      await h.event({ event: { type: "app_home_opened", user: userId, channel: "D0", tab: "home" } });
      return (await h.fake.waitFor(() => h.fake.callsTo("views.publish")[before], "views.publish")).args.view;
    };
    const mine = messageText(await home(PEOPLE.teammate.id));
    expect(mine).toContain("Your temporary access");
    expect(mine).toContain("*Billing* until <!date^");
    expect(mine).not.toContain("Temporary access (");
    // Extend from App Home: the form, then the request, and the holder hears where it stands by DM.
    const extend = homeAction(h.fake, {
      type: "button",
      action_id: IDS.actions.grantExtend,
      value: JSON.stringify({ permission: "billing" }),
    });
    expect((await h.interact("teammate", extend)).status).toBe(200);
    const form = await openedView(h.fake, extend.trigger_id);
    expect(form.blocks.find((b) => b.block_id === IDS.blocks.duration)?.element).toMatchObject({
      initial_value: "2h",
    });
    const filed = await h.interact("teammate", viewSubmission(form, { [IDS.blocks.duration]: text("1h") }));
    expect(JSON.parse(filed.text)).toMatchObject({ response_action: "update" });
    const dm = await h.fake.waitFor(
      () => dmsTo("teammate").find((c) => messageText(c.args).includes("Your request *R")),
      "the holder's DM",
    );
    expect(messageText(dm.args)).toContain("Billing for 1 hour longer");
    const owners = messageText(await home(PEOPLE.owner.id));
    expect(owners).toContain("Temporary access (1)");
    expect(owners).toContain("<@U0TEAM> · *Billing* until <!date^");
    expect(owners).toContain("&lt;!channel&gt;");
    expect(owners).not.toContain("<!channel>");
  });
});

describe("four-eyes in Slack", () => {
  const fourEyesOn = () => setFourEyes(h.running.core, h.as("owner"), true);

  it("an Owner making someone an Owner from the Edit form files a request, posted to the Owners; another Owner approves", async () => {
    await start();
    await fourEyesOn();
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    const submitted = await h.interact("owner", viewSubmission(view, { role: select("owner") }));
    expect(submitted.status).toBe(200);
    const told = await h.responseTo(r.responseId);
    expect(String(told.text)).toMatch(
      /^Four-eyes is on: this waits for a second Owner's approval \(request R[A-Z0-9]{6}\)\.$/,
    );
    const id = /request (R[A-Z0-9]{6})/.exec(String(told.text))?.[1] ?? "";
    expect(messageText(told)).toContain("was sent to the Owners");
    expect(postsOf(id)).toHaveLength(1);
    expect(postsOf(id)[0]?.args.channel).toBe("C0APPROVE");
    const member = async () =>
      (await listMembers(h.running.core, h.as("owner"))).members.find(
        (m) => m.email === PEOPLE.teammate.email,
      );
    expect((await member())?.role).toBe("teammate");

    const outcome = await approve(h.running.core.requests, h.as("owner2"), id);
    expect(outcome.applied).toBe(true);
    expect((await member())?.role).toBe("owner");
  });

  it("an Owner's /team role to Owner is filed and posted, and they are told four-eyes holds it", async () => {
    await start();
    await fourEyesOn();
    const r = await h.slash("owner", "role tm@acme.test owner");
    const told = r.message ?? (await h.responseTo(r.responseId));
    expect(String(told.text)).toMatch(
      /^Four-eyes is on: this waits for a second Owner's approval \(request R[A-Z0-9]{6}\)\.$/,
    );
    const id = /request (R[A-Z0-9]{6})/.exec(String(told.text))?.[1] ?? "";
    await h.fake.waitFor(() => postsOf(id)[0], "the request post");
    expect(postsOf(id)).toHaveLength(1);
  });

  it("/team settings four-eyes off with two Owners is posted for the other Owner; the maker's Approve is refused, the other's turns it off", async () => {
    await start();
    await fourEyesOn();
    const r = await h.slash("owner", "settings four-eyes off");
    const told = r.message ?? (await h.responseTo(r.responseId));
    expect(String(told.text)).toMatch(
      /^Four-eyes is on: this waits for a second Owner's approval \(request R[A-Z0-9]{6}\)\.$/,
    );
    expect(messageText(told)).not.toContain("went wrong");
    const id = /request (R[A-Z0-9]{6})/.exec(String(told.text))?.[1] ?? "";
    const post = await h.fake.waitFor(() => postsOf(id)[0], "the request post");
    expect(messageText(post.args)).toContain("Four-eyes → off");
    expect((await h.running.core.settings(h.as("owner"))).fourEyes).toBe(true);
    const approve = buttonsOf(post.args).find((b) => b.action_id === IDS.actions.requestApprove);
    const mine = await click("owner", IDS.actions.requestApprove, approve?.value ?? "");
    expect(messageText(await h.responseTo(mine.responseId))).toContain("You cannot decide your own request");
    expect((await h.running.core.settings(h.as("owner"))).fourEyes).toBe(true);
    await click("owner2", IDS.actions.requestApprove, approve?.value ?? "");
    await h.fake.waitFor(
      async () => (await h.running.core.settings(h.as("owner"))).fourEyes === false || undefined,
      "four-eyes off",
    );
  });

  it("a form opened from App Home turns into the four-eyes answer, and the request is posted", async () => {
    await start();
    await fourEyesOn();
    const payload = homeAction(h.fake, {
      type: "overflow",
      action_id: IDS.actions.memberAction,
      block_id: PEOPLE.teammate.email,
      selected: "role",
    });
    expect((await h.interact("owner", payload)).status).toBe(200);
    const view = await openedView(h.fake, payload.trigger_id);
    const submitted = await h.interact("owner", viewSubmission(view, { role: radio("owner") }));
    const body = JSON.parse(submitted.text);
    expect(body.response_action).toBe("update");
    const shown = messageText(body.view);
    expect(shown).toContain("Four-eyes is on: this waits for a second Owner's approval (request *");
    const id = /request \*(R[A-Z0-9]{6})\*/.exec(shown)?.[1] ?? "";
    await h.fake.waitFor(() => postsOf(id)[0], "the request post");
  });

  it("the only active Owner is told a second Owner is needed, on the role field", async () => {
    await start();
    await h.running.core.changeRole(h.as("owner"), { email: PEOPLE.owner2.email }, "admin");
    await fourEyesOn();
    const r = await h.slash("owner", "edit tm@acme.test");
    const view = await openedView(h.fake, r.triggerId);
    const submitted = await h.interact("owner", viewSubmission(view, { role: select("owner") }));
    const body = JSON.parse(submitted.text);
    expect(body).toMatchObject({
      response_action: "errors",
      errors: {
        role: expect.stringContaining("needs a second active Owner to approve it, and you are the only one"),
      },
    });
    expect(body.errors.role).not.toMatch(ERROR_CODE_PATTERN);
  });

  it("Rotate without grace, held by four-eyes, is posted to the Owners", async () => {
    await start();
    await fourEyesOn();
    const choices = await h.running.core.apiKeyRotationChoices(h.as("owner"));
    const value = JSON.stringify({ from: choices.from, grace: 0 });
    const clicked = await click("owner", IDS.actions.apiKeyRotate, value);
    const told = await h.responseTo(clicked.responseId);
    expect(messageText(told)).toContain("needs a second Owner");
    const id = /Request \*(R[A-Z0-9]{6})\*/.exec(messageText(told))?.[1] ?? "";
    expect(id).toMatch(/^R/);
    expect(messageText(told)).toContain("was sent to the Owners");
    expect(postsOf(id)).toHaveLength(1);
  });

  it("settings and whoami say what holds", async () => {
    await start();
    await fourEyesOn();
    const settings = resultMessage({ type: "settings", approvalsChannel: "C0APPROVE", fourEyes: true });
    expect(messageText(settings)).toContain("*Four-eyes:* on");
    await h.running.core.change(h.as("owner"), {
      kind: "grant.start",
      member: { email: PEOPLE.teammate.email },
      permission: "billing",
      minutes: 120,
      reason: null,
    });
    const asked = await h.slash("teammate", "whoami");
    const whoami = messageText(asked.message ?? (await h.responseTo(asked.responseId)));
    expect(whoami).toContain("*Temporary access:*");
    expect(whoami).toContain("*Billing* until <!date^");
  });
});

describe("a mention in a reason is text", () => {
  it("a user Slack does not know (deleted, elsewhere, made up) in a reason still files the request", async () => {
    await start();
    h.fake.expectFailure("users.info", "user_not_found");
    const r = await h.slash("teammate", "access billing for 1h ask <@U0EVIL> about it");
    const shown = messageText(r.message ?? (await h.responseTo(r.responseId)));
    expect(shown).toMatch(/request \*?R[A-Z0-9]{6}/i);
    const [pending] = (await h.running.core.requests.list(h.as("teammate"))).filed;
    expect(pending?.intent).toMatchObject({ kind: "grant.start", reason: "ask <@U0EVIL> about it" });
  });
});

import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { listMembers } from "../helpers/core.js";
import { type Harness, messageText, PEOPLE, startHarness, TEAM_ID } from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";
import { interactiveBody, postSigned, slashCommandBody } from "../helpers/slack-requests.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

/** The process still serves: health, and a real command from a member who is not linked yet. */
const stillServing = async () => {
  expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  const r = await h.slash("admin", "whoami");
  expect(r.http.status).toBe(200);
  expect(messageText(r.message ?? (await h.responseTo(r.responseId)))).toContain("You are *Admin*");
};

const FORM = "application/x-www-form-urlencoded";
const JSON_BODY = "application/json";

describe("signed bodies of the wrong shape get a 400, never a hang or a 500", () => {
  const withoutUser = {
    type: "block_actions",
    team: { id: TEAM_ID },
    api_app_id: "A0ROLECALL",
    trigger_id: "trigger-1",
    actions: [{ type: "button", action_id: IDS.actions.apiKeyAsk, block_id: "b", value: "ask" }],
  };

  it.each([
    ["JSON null", "null", JSON_BODY],
    ["a JSON array", "[]", JSON_BODY],
    ["a JSON string", '"hello"', JSON_BODY],
    ["block_actions without a user, as JSON", JSON.stringify(withoutUser), JSON_BODY],
    ["payload=null", "payload=null", FORM],
    ["payload=[]", interactiveBody([]), FORM],
    ["block_actions without a user, as a form payload", interactiveBody(withoutUser), FORM],
    [
      "block_actions without actions",
      interactiveBody({ ...withoutUser, user: { id: PEOPLE.owner.id }, actions: undefined }),
      FORM,
    ],
    ["a form that is no command", "text=whoami", FORM],
    ["payload that is not JSON", "payload=%7Bnope", FORM],
  ])("%s → 400, and the process keeps serving", async (_label, body, type) => {
    const reply = await postSigned(h.base, body, type as typeof FORM);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toMatchObject({ error: expect.any(String) });
    await stillServing();
  });

  it("the same bodies unsigned are 401, not 400: the signature is checked first", async () => {
    for (const [body, type] of [
      ["null", JSON_BODY],
      ["payload=null", FORM],
    ] as const) {
      expect((await postSigned(h.base, body, type, { signature: "v0=00" })).status).toBe(401);
    }
  });
});

describe("response_url is only ever called on Slack's hooks host (SLACK_HOOKS_URL)", () => {
  let elsewhere: Server;
  const received: string[] = [];
  beforeEach(async () => {
    received.length = 0;
    elsewhere = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume();
      res.end("ok");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", () => resolve()));
  });
  afterEach(async () => {
    elsewhere.closeAllConnections();
    await new Promise((resolve) => elsewhere.close(resolve));
  });
  const foreignUrl = () => `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/respond/x`;

  it("a slash command naming another host is refused, and that host hears nothing", async () => {
    const body = slashCommandBody({
      text: "whoami",
      userId: PEOPLE.admin.id, // not linked yet: the reply would go through the response_url
      teamId: TEAM_ID,
      responseUrl: foreignUrl(),
      triggerId: `trigger-${randomUUID()}`,
    });
    const reply = await postSigned(h.base, body, FORM);
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("SLACK_HOOKS_URL");
    expect(h.fake.callsTo("users.info")).toHaveLength(0); // nothing was done for it
    await stillServing(); // a proper response_url still gets its reply
    expect(received).toEqual([]);
  });

  it("a button naming another host is refused too; the same button on the hooks host is answered", async () => {
    const ask = blockAction(h.fake, { action_id: IDS.actions.apiKeyAsk, value: "ask" });
    const forged = await h.interact("owner", { ...ask.payload, response_url: foreignUrl() });
    expect(forged.status).toBe(400);
    expect((await h.interact("owner", ask.payload)).status).toBe(200);
    expect(messageText(await h.responseTo(ask.responseId))).toContain("Rotate");
    expect(received).toEqual([]);
  });

  it("a modal submission whose response_urls name another host is refused", async () => {
    const reply = await h.interact("owner", {
      type: "view_submission",
      view: { id: "V1", callback_id: IDS.views.addMember, private_metadata: "{}", state: { values: {} } },
      response_urls: [{ block_id: "b", action_id: "a", channel_id: "C1", response_url: foreignUrl() }],
    });
    expect(reply.status).toBe(400);
    expect(received).toEqual([]);
  });
});

describe("a request from no workspace, or from one with no account, is NOT_INSTALLED", () => {
  const NOT_INSTALLED = "Rolecall is not set up for this Slack workspace.";
  const teammateStatus = async () =>
    (await listMembers(h.running.core, h.as("owner"))).members.find((m) => m.email === PEOPLE.teammate.email)
      ?.status;

  it.each([
    ["without a team", { team: undefined, user: { id: PEOPLE.owner.id } }],
    [
      "from an unknown team",
      { team: { id: "T0NOWHERE" }, user: { id: PEOPLE.owner.id, team_id: "T0NOWHERE" } },
    ],
  ])("a signed button %s is refused and changes nothing", async (_label, who) => {
    const click = blockAction(h.fake, {
      action_id: IDS.actions.confirmRemove,
      value: JSON.stringify({ email: PEOPLE.teammate.email, kind: "remove" }),
    });
    expect((await h.interact("owner", { ...click.payload, ...who })).status).toBe(200);
    const answer = messageText(await h.responseTo(click.responseId));
    expect(answer).toContain(NOT_INSTALLED);
    expect(await teammateStatus()).toBe("active");
    expect(h.fake.callsTo("users.info")).toHaveLength(0);
  });

  it("/team whoami from an unknown team is refused, for a linked and an unlinked user alike", async () => {
    for (const userId of [PEOPLE.owner.id, PEOPLE.admin.id]) {
      const responseId = randomUUID();
      const body = slashCommandBody({
        text: "whoami",
        userId,
        teamId: "T0NOWHERE",
        responseUrl: h.fake.responseUrl(responseId),
        triggerId: `trigger-${randomUUID()}`,
      });
      const reply = await postSigned(h.base, body, FORM);
      expect(reply.status).toBe(200);
      expect(messageText(reply.text ? JSON.parse(reply.text) : await h.responseTo(responseId))).toContain(
        NOT_INSTALLED,
      );
    }
    expect(h.fake.callsTo("users.info")).toHaveLength(0);
  });

  it("App Home opened from an unknown team says so", async () => {
    const reply = await h.event({
      team_id: "T0NOWHERE",
      authorizations: [{ team_id: "T0NOWHERE", user_id: "UBOT", is_bot: true }],
      event: { type: "app_home_opened", user: PEOPLE.owner.id, channel: "D0HOME", tab: "home" },
    });
    expect(reply.status).toBe(200);
    const call = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[0], "views.publish");
    expect(messageText(call.args.view)).toContain(NOT_INSTALLED);
  });
});

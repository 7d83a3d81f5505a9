import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { newKey } from "../helpers/api-keys.js";
import { type Harness, PEOPLE, startHarness, TEAM_ID } from "../helpers/slack-harness.js";
import { postSigned, SIGNING_SECRET, slashCommandBody } from "../helpers/slack-requests.js";
import { eventually, freePort, TestSmtp } from "../helpers/smtp.js";

type Line = Record<string, unknown> & { msg?: string };

/**
 * A whole run of Rolecall at debug, its log kept in memory: slash commands (a refusal among them), an
 * add with a full name, the invite mail over real SMTP, its page and acceptance, API calls with the
 * key. Then the whole log is searched for every secret and name the run used.
 */
describe("the log of a whole run", () => {
  const raw: string[] = [];
  let h: Harness;
  let smtp: TestSmtp;
  let apiKey = "";
  let inviteToken = "";
  const lines = () => raw.map((l) => JSON.parse(l) as Line);
  const FULL_NAME = "Ada Quillfeather";
  const REQUEST_ID = "probe-1234.abc";

  beforeAll(async () => {
    smtp = new TestSmtp(await freePort());
    await smtp.start();
    h = await startHarness(
      { SMTP_URL: smtp.url, LOG_LEVEL: "debug" },
      { logger: createLogger("debug", (line) => raw.push(line)) },
    );
    h.fake.users.set("U0ADA", { email: "ada@acme.test" });
    await h.slash("owner", "whoami");
    const added = await h.slash("owner", `add ada@acme.test admin ${FULL_NAME}`);
    if (!added.message) await h.responseTo(added.responseId);
    await h.slash("teammate", "list");
    await eventually(() => smtp.to("ada@acme.test").length === 1, "the invite mail");
    const link = TestSmtp.inviteLink(smtp.to("ada@acme.test")[0] ?? ({} as never));
    inviteToken = link.slice(link.lastIndexOf("/") + 1);
    const local = `${h.base}/invites/${inviteToken}`;
    expect((await fetch(local)).status).toBe(200);
    expect((await fetch(local, { method: "POST" })).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo("chat.postMessage")[0], "the DM to the inviter");
    apiKey = (await newKey(h.running.core.rotateApiKey(h.as("owner"), 0))).apiKey;
    const auth = { authorization: `Bearer ${apiKey}` };
    expect((await fetch(`${h.base}/api/v1/members`, { headers: auth })).status).toBe(200);
    const one = await fetch(`${h.base}/api/v1/members/ada%40acme.test`, {
      headers: { ...auth, "x-request-id": REQUEST_ID },
    });
    expect(one.headers.get("x-request-id")).toBe(REQUEST_ID);
    const bad = await fetch(`${h.base}/api/v1/members`, {
      headers: { authorization: "Bearer rc_wrong", "x-request-id": "no spaces allowed" },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await fetch(`${h.base}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-slack-signature": `v0=${"0".repeat(64)}`,
      },
      body: "command=%2Fteam&text=whoami",
    });
    expect(forged.status).toBe(401);
    // A command Rolecall has no handler for: nothing acknowledges it, and Bolt answers 404 after 3 s.
    const other = slashCommandBody({
      text: "x",
      userId: PEOPLE.owner.id,
      teamId: TEAM_ID,
      responseUrl: h.fake.responseUrl("other"),
      triggerId: "t",
    }).replace("command=%2Fteam", "command=%2Fother");
    expect((await postSigned(h.base, other, "application/x-www-form-urlencoded")).status).toBe(404);
    await h.running.slack?.drain();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await smtp?.stop();
  });

  it("holds no token, signing secret, API key, invite token or link, and no person's name", () => {
    const log = raw.join("");
    expect(log.length).toBeGreaterThan(1000);
    for (const secret of [
      "xoxb-test-token",
      SIGNING_SECRET,
      apiKey,
      apiKey.slice(0, 20),
      inviteToken,
      FULL_NAME,
      "Quillfeather",
    ]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(log, secret).not.toContain(secret);
    }
  });

  it("is JSON lines: level, time, message, and debug lines were written", () => {
    const all = lines();
    expect(all.every((l) => typeof l.level === "string" && typeof l.time === "string" && "msg" in l)).toBe(
      true,
    );
    expect(all.some((l) => l.level === "debug")).toBe(true);
  });

  it("has one line per HTTP request: request id, route pattern (never the path), method, status, duration", () => {
    const http = lines().filter((l) => l.msg === "http request");
    const byRoute = (route: string) => http.filter((l) => l.route === route);
    // The Slack requests Bolt answered 200 are logged by their own lines; the forged one never got
    // that far, and the unacknowledged one's 404 is logged here too, with its Slack line's id.
    expect(byRoute("/slack/events").map((l) => [l.method, l.status])).toEqual([
      ["POST", 401],
      ["POST", 404],
    ]);
    const slackIds = lines()
      .filter((l) => l.msg === "slack request")
      .map((l) => l.requestId);
    expect(slackIds).toContain(byRoute("/slack/events")[1]?.requestId);
    expect(byRoute("/invites/{token}").map((l) => [l.method, l.status])).toEqual([
      ["GET", 200],
      ["POST", 200],
    ]);
    expect(byRoute("/api/v1/members").map((l) => l.status)).toEqual([200, 401]);
    expect(byRoute("/api/v1/members/{email}")).toEqual([
      expect.objectContaining({ requestId: REQUEST_ID, method: "GET", status: 200 }),
    ]);
    expect(http).toHaveLength(7);
    for (const l of http) {
      expect(typeof l.durationMs).toBe("number");
      expect(String(l.requestId)).toMatch(/^[A-Za-z0-9._:-]+$/);
    }
  });

  it("has one line per Slack request: request id, kind, team, user, outcome (ok or the refusal's code), duration", () => {
    const slack = lines().filter((l) => l.msg === "slack request");
    expect(slack.map((l) => [l.kind, l.team, l.user, l.outcome])).toEqual([
      ["command", TEAM_ID, PEOPLE.owner.id, "ok"],
      ["command", TEAM_ID, PEOPLE.owner.id, "ok"],
      ["command", TEAM_ID, PEOPLE.teammate.id, "FORBIDDEN"],
      ["command", TEAM_ID, PEOPLE.owner.id, "ok"],
    ]);
    for (const l of slack) expect(typeof l.durationMs).toBe("number");
  });

  it("logs each request once, and a Slack request Bolt did not answer 200 twice with one id", () => {
    const requests = lines().filter((l) => l.msg === "http request" || l.msg === "slack request");
    expect(requests).toHaveLength(11);
    expect(new Set(requests.map((l) => l.requestId)).size).toBe(10);
  });

  it("has a line per Web API call: method, Slack's result, duration", () => {
    const calls = lines().filter((l) => l.msg === "slack api call");
    expect(calls).toContainEqual(
      expect.objectContaining({ method: "chat.postMessage", result: "ok", durationMs: expect.any(Number) }),
    );
    expect(calls).toContainEqual(expect.objectContaining({ method: "users.lookupByEmail" }));
    expect(calls.length).toBe(h.fake.calls.length);
  });
});

import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOT_TOKEN, FakeSlack } from "../helpers/fake-slack.js";

/**
 * The fake Slack refuses what Slack refuses; otherwise a bug that real Slack would catch (a post
 * without a token, a DM to a user id taken for a channel id, a header too long) passes the suite.
 */
let fake: FakeSlack;
const client = (token?: string) =>
  new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { data?: { error?: string } }) => e.data?.error ?? String(e),
  );

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  fake.users.set("U0ANN", { email: "ann@acme.test" });
});
afterAll(() => fake.stop());

describe("the fake Slack is as strict as Slack", () => {
  it("a call without the workspace's token is refused: not_authed, or invalid_auth for another token", async () => {
    expect(await errorOf(client().chat.postMessage({ channel: "C0GENERAL", text: "hi" }))).toBe("not_authed");
    expect(await errorOf(client("xoxb-someone-else").auth.test())).toBe("invalid_auth");
    expect(await errorOf(client(BOT_TOKEN).auth.test())).toBe("ok");
    // The shared after-each check sees both failures; this test takes them itself.
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["not_authed", "invalid_auth"]);
  });

  it("unknown channels and users are refused; a DM is posted to the user id or an opened conversation", async () => {
    const slack = client(BOT_TOKEN);
    expect(await errorOf(slack.chat.postMessage({ channel: "C0NOPE", text: "hi" }))).toBe(
      "channel_not_found",
    );
    expect(await errorOf(slack.users.info({ user: "U0NOPE" }))).toBe("user_not_found");
    expect(await errorOf(slack.conversations.open({ users: "U0NOPE" }))).toBe("user_not_found");
    const dm = await slack.chat.postMessage({ channel: "U0ANN", text: "hi" });
    expect(dm.channel).toBe("D0ANN");
    expect((await slack.conversations.open({ users: "U0ANN" })).channel?.id).toBe("D0ANN");
    // chat.update needs the conversation id Slack answered with, not the user id.
    expect(await errorOf(slack.chat.update({ channel: "U0ANN", ts: dm.ts ?? "", text: "x" }))).toBe(
      "channel_not_found",
    );
    expect(await errorOf(slack.chat.update({ channel: "D0ANN", ts: "1.000001", text: "x" }))).toBe(
      "message_not_found",
    );
    expect(await errorOf(slack.chat.update({ channel: "D0ANN", ts: dm.ts ?? "", text: "x" }))).toBe("ok");
    expect(fake.takeUnexpectedFailures()).toHaveLength(5);
  });

  it.each([
    ["51 blocks in a message", Array.from({ length: 51 }, () => ({ type: "divider" }))],
    [
      "a section text of 3,001 characters",
      [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }],
    ],
    ["a header of 151 characters", [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }]],
    [
      "a button text of 76 characters",
      [
        {
          type: "actions",
          elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "x".repeat(76) } }],
        },
      ],
    ],
    [
      "a button value of 2,001 characters",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "a",
              value: "x".repeat(2001),
              text: { type: "plain_text", text: "Go" },
            },
          ],
        },
      ],
    ],
    ["a block_id of 256 characters", [{ type: "divider", block_id: "x".repeat(256) }]],
    [
      "a button styled other than primary or danger",
      [
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "a", style: "default", text: { type: "plain_text", text: "Go" } },
          ],
        },
      ],
    ],
    [
      "a confirmation dialog without its deny button",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "a",
              text: { type: "plain_text", text: "Go" },
              confirm: {
                title: { type: "plain_text", text: "Sure?" },
                text: { type: "plain_text", text: "It happens at once." },
                confirm: { type: "plain_text", text: "Go" },
              },
            },
          ],
        },
      ],
    ],
    [
      "a confirmation dialog whose title is mrkdwn",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: "a",
              text: { type: "plain_text", text: "Go" },
              confirm: {
                title: { type: "mrkdwn", text: "*Sure?*" },
                text: { type: "plain_text", text: "It happens at once." },
                confirm: { type: "plain_text", text: "Go" },
                deny: { type: "plain_text", text: "Cancel" },
              },
            },
          ],
        },
      ],
    ],
  ])("a message with %s: invalid_blocks", async (_what, blocks) => {
    const sent = client(BOT_TOKEN).chat.postMessage({
      channel: "C0GENERAL",
      text: "t",
      blocks: blocks as never,
    });
    expect(await errorOf(sent)).toBe("invalid_blocks");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["invalid_blocks"]);
  });

  it("modals: 24-character titles, 3,000 characters of private_metadata, 100 blocks", async () => {
    const slack = client(BOT_TOKEN);
    const modal = (extra: Record<string, unknown>) => ({
      type: "modal" as const,
      title: { type: "plain_text" as const, text: "Add a member" },
      blocks: [],
      ...extra,
    });
    const open = (view: Record<string, unknown>) =>
      errorOf(slack.views.open({ trigger_id: fake.triggerId(), view: view as never }));
    expect(await open(modal({ title: { type: "plain_text", text: "x".repeat(25) } }))).toBe(
      "invalid_arguments",
    );
    expect(await open(modal({ private_metadata: "x".repeat(3001) }))).toBe("invalid_arguments");
    expect(await open(modal({ blocks: Array.from({ length: 101 }, () => ({ type: "divider" })) }))).toBe(
      "invalid_arguments",
    );
    expect(await open(modal({ blocks: Array.from({ length: 100 }, () => ({ type: "divider" })) }))).toBe(
      "ok",
    );
    expect(fake.takeUnexpectedFailures()).toHaveLength(3);
  });

  it("a trigger_id works once, within 3 seconds", async () => {
    const slack = client(BOT_TOKEN);
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "Hi" }, blocks: [] };
    const stale = fake.triggerId(Date.now() - 3_500);
    expect(await errorOf(slack.views.open({ trigger_id: stale, view }))).toBe("expired_trigger_id");
    const fresh = fake.triggerId();
    expect(await errorOf(slack.views.open({ trigger_id: fresh, view }))).toBe("ok");
    expect(await errorOf(slack.views.open({ trigger_id: fresh, view }))).toBe("exchanged_trigger_id");
    expect(await errorOf(slack.views.open({ trigger_id: "made-up", view }))).toBe("invalid_trigger_id");
    expect(fake.takeUnexpectedFailures()).toHaveLength(3);
  });

  it("a response_url takes five messages, each with text (unless it deletes the original), ephemeral or in_channel", async () => {
    const post = (id: string, body: unknown) =>
      fetch(fake.responseUrl(id), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => `${r.status} ${await r.text()}`);
    for (let i = 0; i < 5; i++)
      expect(await post("five", { response_type: "ephemeral", replace_original: false, text: `#${i}` })).toBe(
        "200 ok",
      );
    expect(await post("five", { text: "sixth" })).toBe("404 used_url");
    expect(await post("empty", { response_type: "ephemeral" })).toBe("400 no_text");
    expect(await post("empty", { delete_original: true })).toBe("200 ok");
    expect(await post("odd", { response_type: "public", text: "hi" })).toBe("400 invalid_response_type");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual([
      "used_url",
      "no_text",
      "invalid_response_type",
    ]);
    expect(fake.responses.filter((r) => r.id === "five").map((r) => r.body.text)).toEqual([
      "#0",
      "#1",
      "#2",
      "#3",
      "#4",
    ]);
  });

  it("a failure a test announced with expectFailure is not reported; one it did not announce is", async () => {
    fake.expectFailure("users.info", "user_not_found");
    await errorOf(client(BOT_TOKEN).users.info({ user: "U0NOPE" }));
    expect(fake.takeUnexpectedFailures()).toEqual([]);
    await errorOf(client(BOT_TOKEN).users.info({ user: "U0NOPE" }));
    expect(fake.takeUnexpectedFailures().map((c) => `${c.method} → ${c.error}`)).toEqual([
      "users.info → user_not_found",
    ]);
  });
});

describe("the fake Slack plays Slack's side of OAuth and of many workspaces", () => {
  const app = () => ({ client_id: fake.oauthClient.clientId, client_secret: fake.oauthClient.clientSecret });
  const exchange = (code: string) => client().oauth.v2.access({ ...app(), code });
  const refresh = (refreshToken: string) =>
    client().oauth.v2.access({ ...app(), grant_type: "refresh_token", refresh_token: refreshToken });
  const tokenOf = async (p: Promise<{ access_token?: string }>) => (await p).access_token ?? "";

  beforeAll(() => {
    fake.addWorkspace({ teamId: "T0BETA", name: "Beta Co" });
    fake.users.set("U0BEA", { email: "bea@beta.test", team: "T0BETA" });
    fake.addWorkspace({ teamId: "T0NORTH", name: "North", enterprise: { id: "E0GLOBEX", name: "Globex" } });
    fake.addWorkspace({ teamId: "T0SOUTH", name: "South", enterprise: { id: "E0GLOBEX", name: "Globex" } });
    fake.users.set("W0NED", { team: "T0NORTH" });
    fake.users.set("W0SUE", { team: "T0SOUTH" });
  });

  it("a code is exchanged once, within ten minutes, for a bot token of the workspace that installed", async () => {
    const code = fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA" });
    const install = await exchange(code);
    expect(install).toMatchObject({
      ok: true,
      token_type: "bot",
      scope: "commands,chat:write,users:read,users:read.email,im:write",
      app_id: fake.appId,
      team: { id: "T0BETA", name: "Beta Co" },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: { id: "U0BEA" },
    });
    expect(install.access_token).toMatch(/^xoxb-/);
    expect(install.refresh_token).toBeUndefined();
    const token = install.access_token ?? "";
    expect(fake.tokens.get(token)?.teamId).toBe("T0BETA");
    expect(await client(token).auth.test()).toMatchObject({
      ok: true,
      url: "https://beta-co.slack.com/",
      team: "Beta Co",
      team_id: "T0BETA",
      user_id: install.bot_user_id,
      is_enterprise_install: false,
    });
    expect(await errorOf(exchange(code))).toBe("invalid_code");
    const stale = fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA" });
    fake.advanceClock(10 * 60 + 1);
    expect(await errorOf(exchange(stale))).toBe("invalid_code");
    expect(await errorOf(exchange("made-up"))).toBe("invalid_code");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual([
      "invalid_code",
      "invalid_code",
      "invalid_code",
    ]);
    expect(fake.callsTo("oauth.v2.access")).toHaveLength(4);
  });

  it("the exchange checks the app's client id and secret, sent as form fields or with HTTP Basic", async () => {
    const code = () => fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA" });
    const wrong = { client_id: fake.oauthClient.clientId, client_secret: "guessed" };
    expect(await errorOf(client().oauth.v2.access({ ...wrong, code: code() }))).toBe("bad_client_secret");
    expect(await errorOf(client().oauth.v2.access({ ...app(), client_id: "9999.9999", code: code() }))).toBe(
      "invalid_client_id",
    );
    const basic = Buffer.from(`${fake.oauthClient.clientId}:${fake.oauthClient.clientSecret}`).toString(
      "base64",
    );
    const viaBasic = await fetch(`${fake.apiUrl}oauth.v2.access`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code: code() }),
    }).then((r) => r.json() as Promise<{ ok: boolean; team: { id: string } }>);
    expect(viaBasic).toMatchObject({ ok: true, team: { id: "T0BETA" } });
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual([
      "bad_client_secret",
      "invalid_client_id",
    ]);
  });

  it("a redirect_uri named when authorizing must be sent again with the code", async () => {
    const redirectUri = "https://rolecall.example.com/slack/oauth_redirect";
    const code = fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA", redirectUri });
    expect(await errorOf(exchange(code))).toBe("bad_redirect_uri");
    expect(await errorOf(client().oauth.v2.access({ ...app(), code, redirect_uri: redirectUri }))).toBe("ok");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["bad_redirect_uri"]);
  });

  it("with rotation, a refresh token works once and brings the next; the old access token lives until it expires", async () => {
    const twelveHours = 12 * 3600;
    const rotation = { expiresInSeconds: twelveHours };
    const first = await exchange(fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA", rotation }));
    expect(first.access_token).toMatch(/^xoxe\.xoxb-1-/);
    expect(first.refresh_token).toMatch(/^xoxe-1-/);
    expect(first.expires_in).toBe(twelveHours);
    const second = await refresh(first.refresh_token ?? "");
    expect(second).toMatchObject({
      ok: true,
      token_type: "bot",
      expires_in: twelveHours,
      team: { id: "T0BETA" },
    });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await errorOf(refresh(first.refresh_token ?? ""))).toBe("invalid_refresh_token");
    expect(await errorOf(client(first.access_token).auth.test())).toBe("ok");
    // Two instances refreshing at once with the same refresh token: one of them loses.
    const racing = await Promise.all(
      [1, 2].map(() =>
        refresh(second.refresh_token ?? "").catch(
          (e: { data: { ok: boolean; refresh_token?: string } }) => e.data,
        ),
      ),
    );
    expect(racing.filter((r) => r.ok)).toHaveLength(1);
    const third = racing.find((r) => r.ok);
    fake.advanceClock(twelveHours);
    expect(await errorOf(client(first.access_token).auth.test())).toBe("token_expired");
    expect(await errorOf(client(second.access_token).auth.test())).toBe("token_expired");
    const fourth = await refresh(third?.refresh_token ?? "");
    expect(await errorOf(client(fourth.access_token).auth.test())).toBe("ok");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual([
      "invalid_refresh_token",
      "invalid_refresh_token",
      "token_expired",
      "token_expired",
    ]);
  });

  it("a token lives until its expiry; expireToken ends it at once", async () => {
    fake.addToken("xoxb-beta-short", { teamId: "T0BETA" }, { expiresInSeconds: 60 });
    fake.advanceClock(59);
    expect(await errorOf(client("xoxb-beta-short").auth.test())).toBe("ok");
    fake.expireToken("xoxb-beta-short");
    fake.expectFailure("auth.test", "token_expired");
    expect(await errorOf(client("xoxb-beta-short").auth.test())).toBe("token_expired");
  });

  it("a revoked installation answers token_revoked, an uninstalled one account_inactive; neither refreshes", async () => {
    fake.addWorkspace({ teamId: "T0GONE", name: "Gone" });
    fake.addWorkspace({ teamId: "T0LEFT", name: "Left" });
    fake.users.set("U0GUS", { team: "T0GONE" });
    fake.users.set("U0LEA", { team: "T0LEFT" });
    const rotation = { expiresInSeconds: 3600 };
    const gone = await exchange(fake.authorizationCode({ teamId: "T0GONE", userId: "U0GUS", rotation }));
    const left = await exchange(fake.authorizationCode({ teamId: "T0LEFT", userId: "U0LEA", rotation }));
    fake.revokeTokens("T0GONE");
    fake.uninstall("T0LEFT");
    expect(await errorOf(client(gone.access_token).auth.test())).toBe("token_revoked");
    expect(await errorOf(client(left.access_token).auth.test())).toBe("account_inactive");
    expect(await errorOf(refresh(gone.refresh_token ?? ""))).toBe("invalid_refresh_token");
    expect(await errorOf(refresh(left.refresh_token ?? ""))).toBe("invalid_refresh_token");
    expect(await errorOf(client(BOT_TOKEN).auth.test())).toBe("ok");
    // Installing again brings a token that works.
    const again = await exchange(fake.authorizationCode({ teamId: "T0LEFT", userId: "U0LEA" }));
    expect(await errorOf(client(again.access_token).auth.test())).toBe("ok");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual([
      "token_revoked",
      "account_inactive",
      "invalid_refresh_token",
      "invalid_refresh_token",
    ]);
  });

  it("a workspace's token sees only that workspace's people and channels", async () => {
    const beta = client(
      await tokenOf(exchange(fake.authorizationCode({ teamId: "T0BETA", userId: "U0BEA" }))),
    );
    expect((await beta.users.info({ user: "U0BEA" })).user).toMatchObject({
      id: "U0BEA",
      profile: { email: "bea@beta.test" },
    });
    expect(await errorOf(beta.chat.postMessage({ channel: "U0BEA", text: "welcome" }))).toBe("ok");
    expect(await errorOf(beta.users.info({ user: "U0ANN" }))).toBe("user_not_found");
    expect(await errorOf(beta.users.lookupByEmail({ email: "ann@acme.test" }))).toBe("users_not_found");
    expect(await errorOf(beta.conversations.open({ users: "U0ANN" }))).toBe("user_not_found");
    expect(await errorOf(beta.chat.postMessage({ channel: "U0ANN", text: "hi" }))).toBe("channel_not_found");
    expect(await errorOf(beta.chat.postMessage({ channel: "D0ANN", text: "hi" }))).toBe("channel_not_found");
    expect(await errorOf(beta.chat.postMessage({ channel: "C0GENERAL", text: "hi" }))).toBe(
      "channel_not_found",
    );
    expect(await errorOf(beta.views.publish({ user_id: "U0ANN", view: { type: "home", blocks: [] } }))).toBe(
      "user_not_found",
    );
    expect(await errorOf(client(BOT_TOKEN).users.info({ user: "U0BEA" }))).toBe("user_not_found");
    fake.addChannel("C0BETA", "T0BETA");
    expect(await errorOf(beta.chat.postMessage({ channel: "C0BETA", text: "hi" }))).toBe("ok");
    expect(await errorOf(client(BOT_TOKEN).chat.postMessage({ channel: "C0BETA", text: "hi" }))).toBe(
      "channel_not_found",
    );
    expect(fake.takeUnexpectedFailures()).toHaveLength(9);
    const welcome = fake.callsTo("chat.postMessage").find((c) => c.args.text === "welcome");
    expect(fake.tokens.get(welcome?.token ?? "")?.teamId).toBe("T0BETA");
  });

  it("an org-wide install answers for the enterprise and sees the people of all its workspaces, and only those", async () => {
    const install = await exchange(
      fake.authorizationCode({ teamId: "T0NORTH", userId: "W0NED", enterpriseInstall: true }),
    );
    expect(install).toMatchObject({
      ok: true,
      team: null,
      enterprise: { id: "E0GLOBEX", name: "Globex" },
      is_enterprise_install: true,
    });
    const org = client(install.access_token);
    expect(await org.auth.test()).toMatchObject({
      url: "https://globex.enterprise.slack.com/",
      enterprise_id: "E0GLOBEX",
      is_enterprise_install: true,
      user_id: install.bot_user_id,
    });
    expect(await errorOf(org.users.info({ user: "W0NED" }))).toBe("ok");
    expect(await errorOf(org.users.info({ user: "W0SUE" }))).toBe("ok");
    expect(await errorOf(org.chat.postMessage({ channel: "W0SUE", text: "hi" }))).toBe("ok");
    expect(await errorOf(org.users.info({ user: "U0ANN" }))).toBe("user_not_found");
    // A single-workspace install inside the same enterprise sees only its workspace.
    const north = client(
      await tokenOf(exchange(fake.authorizationCode({ teamId: "T0NORTH", userId: "W0NED" }))),
    );
    expect(await north.auth.test()).toMatchObject({ team_id: "T0NORTH", enterprise_id: "E0GLOBEX" });
    expect(await errorOf(north.users.info({ user: "W0SUE" }))).toBe("user_not_found");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["user_not_found", "user_not_found"]);
    fake.revokeTokens("E0GLOBEX");
    expect(await errorOf(north.auth.test())).toBe("ok");
    expect(await errorOf(org.auth.test())).toBe("token_revoked");
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["token_revoked"]);
  });

  it("a token without a method's scope gets missing_scope; without users:read.email, no email", async () => {
    fake.addToken("xoxb-no-email", { teamId: "T0ACME" }, { scopes: ["users:read", "chat:write"] });
    const narrow = client("xoxb-no-email");
    expect((await narrow.users.info({ user: "U0ANN" })).user?.profile).toEqual({});
    const missing = await narrow.conversations
      .open({ users: "U0ANN" })
      .catch((e: { data: unknown }) => e.data);
    expect(missing).toMatchObject({ ok: false, error: "missing_scope", needed: "im:write" });
    expect(fake.takeUnexpectedFailures().map((c) => c.error)).toEqual(["missing_scope"]);
  });
});

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

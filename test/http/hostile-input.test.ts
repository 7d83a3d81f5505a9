import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokenFormField } from "../../src/http/slack-guard.js";
import { newKey } from "../helpers/api-keys.js";
import { listMembers } from "../helpers/core.js";
import { HIDDEN_SAMPLES } from "../helpers/hidden-characters.js";
import { type Harness, messageText, PEOPLE, startHarness, TEAM_ID } from "../helpers/slack-harness.js";
import { text as textInput, viewSubmission } from "../helpers/slack-payloads.js";
import { interactiveBody, postSigned, slashCommandBody } from "../helpers/slack-requests.js";

/**
 * PRODUCT §8: no input gets a 500, NUL bytes and broken UTF-16 included, through every door (the API,
 * Slack's requests; the CLI in test/cli/cli.test.ts). On PostgreSQL, which refuses NUL in text, these
 * once reached the database: test/postgres/hostile-input.pg-test.ts runs this file there.
 */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  key = (await newKey(h.running.core.rotateApiKey(h.as("owner"), 0))).apiKey;
});
afterAll(() => h.stop());

const api = async (path: string, body?: unknown) => {
  const res = await fetch(`${h.base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
};

/** Broken text as JSON carries it: `\u0000` and lone-surrogate escapes (JSON.stringify writes them so). */
const BROKEN = [
  ["a NUL at the end", "tm@acme.test\u0000"],
  ["only a NUL", "\u0000"],
  ["a lone high surrogate", "tm\ud800@acme.test"],
  ["a lone low surrogate", "\udc00"],
] as const;

describe("the API refuses NUL and broken UTF-16 in every field with 400 INVALID_INPUT", () => {
  it.each(BROKEN)("authorize, one check with %s in the email", async (_label, email) => {
    const answer = await api("/api/v1/authorize", { email, permission: "billing" });
    expect(answer).toEqual({
      status: 400,
      body: {
        error: { code: "INVALID_INPUT", message: expect.stringMatching(/^email: text cannot contain/) },
      },
    });
  });

  it.each(BROKEN)("authorize, a batch with %s in its second email", async (_label, email) => {
    const answer = await api("/api/v1/authorize", {
      checks: [
        { email: PEOPLE.teammate.email, permission: "billing" },
        { email, permission: "billing" },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/^checks\[1\]\.email: text cannot contain/),
    });
  });

  it("authorize, a NUL in the permission or in a key of the body", async () => {
    for (const body of [
      { email: PEOPLE.teammate.email, permission: "billing\u0000" },
      { email: PEOPLE.teammate.email, "permission\u0000": "billing" },
    ]) {
      const answer = await api("/api/v1/authorize", body);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe("INVALID_INPUT");
    }
  });

  it.each([
    ["a NUL", "tm%40acme.test%00"],
    ["only a NUL", "%00"],
    ["a surrogate in UTF-8 (not valid UTF-8)", "tm%ED%A0%80%40acme.test"],
  ])("members/{email} with %s", async (_label, path) => {
    const answer = await api(`/api/v1/members/${path}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe("INVALID_INPUT");
  });

  it("still answers the same checks without the broken text", async () => {
    const answer = await api("/api/v1/authorize", { email: PEOPLE.teammate.email, permission: "billing" });
    expect(answer).toMatchObject({ status: 200, body: { allowed: true } });
  });
});

/** A slash command from Slack with fields of the test's choosing, signed. */
const slashWith = (fields: { text?: string; userId?: string; teamId?: string }) =>
  postSigned(
    h.base,
    slashCommandBody({
      text: fields.text ?? "whoami",
      userId: fields.userId ?? PEOPLE.owner.id,
      teamId: fields.teamId ?? TEAM_ID,
      responseUrl: h.fake.responseUrl("hostile"),
      triggerId: h.fake.triggerId(),
    }),
    "application/x-www-form-urlencoded",
  );

const members = async () =>
  (await listMembers(h.running.core, h.as("owner"))).members.map((m) => m.email).sort();

describe("Slack's requests with NUL or broken UTF-16 are refused before they reach the database", () => {
  it("a signed slash command with a NUL in its text → 200 with an ephemeral message in words, nobody added", async () => {
    const before = await members();
    const reply = await slashWith({ text: "add bob@acme.test teammate Bob\u0000Stone" });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({
      response_type: "ephemeral",
      text: "That command has a character Rolecall cannot read (a NUL or broken text); nothing was changed.",
    });
    expect(await members()).toEqual(before);
  });

  // Percent-encoded bytes that are no UTF-8: an encoded surrogate, an overlong "/", a stray byte.
  // Node's form parser reads each as U+FFFD; they are refused, never stored so.
  it.each([
    ["an encoded surrogate", "%ED%A0%80"],
    ["an overlong sequence", "%C0%AF"],
    ["a stray byte", "%FF"],
  ])("a signed slash command with %s in a form field: refused, nobody added", async (_label, bytes) => {
    const before = await members();
    const body = (text: string, userId: string = PEOPLE.owner.id, teamId = TEAM_ID) =>
      slashCommandBody({
        text,
        userId,
        teamId,
        responseUrl: h.fake.responseUrl("hostile"),
        triggerId: h.fake.triggerId(),
      });
    // In the text a person typed: told in words, as a command's answer.
    const inText = await postSigned(
      h.base,
      body("add utf8@acme.test teammate BoXXb").replace("BoXXb", `Bo${bytes}b`),
      "application/x-www-form-urlencoded",
    );
    expect(inText.status).toBe(200);
    expect(JSON.parse(inText.text)).toEqual({
      response_type: "ephemeral",
      text: expect.stringContaining("a character Rolecall cannot read"),
    });
    // In Slack's own ids: 400, naming the field.
    for (const [field, raw] of [
      ["team_id", body("whoami", PEOPLE.owner.id, "T0AXXCME").replace("T0AXXCME", `T0A${bytes}CME`)],
      ["user_id", body("whoami", "U0XXOWNER").replace("U0XXOWNER", `U0${bytes}OWNER`)],
    ] as const) {
      const reply = await postSigned(h.base, raw, "application/x-www-form-urlencoded");
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.text)).toEqual({ error: `${field}: text is not valid UTF-8.` });
    }
    expect(await members()).toEqual(before);
  });

  it.each([
    ["the user_id", { userId: "U0OWNER\u0000" }, "user_id"],
    ["the team_id", { teamId: "T0ACME\u0000" }, "team_id"],
  ])("a signed slash command with a NUL in %s → 400 naming the field", async (_label, fields, field) => {
    const before = await members();
    const reply = await slashWith(fields);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({
      error: expect.stringMatching(new RegExp(`^${field}: text cannot`)),
    });
    expect(reply.text).not.toMatch(/went wrong/i);
    expect(await members()).toEqual(before);
  });

  it("a lone surrogate in an interaction's user id (JSON payload) → 400", async () => {
    const reply = await postSigned(
      h.base,
      interactiveBody({
        type: "block_actions",
        team: { id: TEAM_ID, domain: "acme" },
        user: { id: "U0OWNER\ud800", team_id: TEAM_ID },
        api_app_id: "A0ROLECALL",
        token: "deprecated",
        trigger_id: h.fake.triggerId(),
        actions: [{ action_id: "noop", type: "button", value: "x" }],
      }),
      "application/x-www-form-urlencoded",
    );
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({ error: expect.stringMatching(/^user\.id: text cannot/) });
  });

  it("a view submission with a NUL in the Add member form's name → 400, nobody added", async () => {
    const opened = await h.slash("owner", "add");
    const view = await h.fake.waitFor(
      () =>
        h.fake.callsTo("views.open").find((c) => c.args.trigger_id === opened.triggerId)?.args.view as
          | Parameters<typeof viewSubmission>[0]
          | undefined,
      "the Add member form",
    );
    const before = await members();
    const reply = await h.interact(
      "owner",
      viewSubmission(view, { email: textInput("nul@acme.test"), name: textInput("Nul\u0000Person") }),
    );
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/name.*text cannot contain a NUL/);
    expect(await members()).toEqual(before);
  });

  it("the same person's ordinary command still works", async () => {
    const reply = await h.slash("owner", "whoami");
    expect(reply.http.status).toBe(200);
    expect(messageText(reply.message ?? (await h.responseTo(reply.responseId)))).toMatch(/Owner/);
  });
});

describe("Slack: names and reasons with hidden characters are refused in words", () => {
  // NUL is refused at the door (above); a lone surrogate cannot be sent in a form body at all; the
  // line and paragraph separators are spaces between words to the grammar, as a newline is.
  const typeable = HIDDEN_SAMPLES.filter(([, c]) => c !== "\u0000" && !/[\p{Cs}\s]/u.test(c));

  it.each(typeable)("/team add with %s in the name → refused, nobody added", async (_label, c, kind) => {
    const email = `hidden-${c.codePointAt(0)}@acme.test`;
    const reply = await h.slash("owner", `add ${email} teammate Bob${c}Stone`);
    expect(reply.http.status).toBe(200);
    const shown = messageText(reply.message ?? (await h.responseTo(reply.responseId)));
    expect(shown).toContain(`A name cannot contain ${kind}`);
    expect(shown).not.toMatch(/went wrong/i);
    expect(await members()).not.toContain(email);
  });

  it.each(typeable)("/team grant with %s in the reason → refused", async (_label, c, kind) => {
    const reply = await h.slash("owner", `grant tm@acme.test team_settings for 1h on call${c}tonight`);
    const shown = messageText(reply.message ?? (await h.responseTo(reply.responseId)));
    expect(shown).toContain(`A reason cannot contain ${kind}`);
  });
});

describe("brokenFormField: a form's fields, percent-decoded, as UTF-8", () => {
  it("passes what Slack sends (multi-byte text, emoji, '+' for spaces, a stray '%'), and names the first field that is no UTF-8", () => {
    const ok = new URLSearchParams({ text: "add é@acme.test Zoë 🚀 100%", user_id: "U0A" }).toString();
    expect(brokenFormField(Buffer.from(ok))).toBeNull();
    expect(brokenFormField(Buffer.from("text=100%&a=%zz&b=%"))).toBeNull();
    expect(brokenFormField(Buffer.from("a=1&text=Bo%ED%A0%80b&user_id=%FF"))).toBe("text");
    expect(brokenFormField(Buffer.from("a=%E2%82&b=%AC"))).toBe("a");
    expect(brokenFormField(Buffer.from("%C0%AF=1"))).toBe("");
    expect(brokenFormField(Buffer.concat([Buffer.from("text=a"), Buffer.from([0xff])]))).toBe("text");
  });
});

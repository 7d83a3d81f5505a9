import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newKey } from "../helpers/api-keys.js";
import { openRaw } from "../helpers/raw-http.js";
import { type Harness, startHarness } from "../helpers/slack-harness.js";

/** REQUEST_BODY_TIMEOUT_MS in these tests: short, so that a late request is cut while the test waits. */
const TIMEOUT_MS = 1500;
const LATE = "The request did not arrive in full within 1500 ms; the connection is closed.";
/** A trickle: one byte this often is activity enough to defeat any idle timeout, and far too slow a body. */
const TRICKLE_MS = 250;

const head = (method: string, path: string, headers: Record<string, string> = {}): string =>
  `${method} ${path} HTTP/1.1\r\nhost: rolecall.test\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

let h: Harness;
let apiKey: string;
beforeEach(async () => {
  h = await startHarness({ REQUEST_BODY_TIMEOUT_MS: String(TIMEOUT_MS) });
  apiKey = (await newKey(h.running.core.rotateApiKey(h.as("owner"), 0))).apiKey;
});
afterEach(async () => {
  await h.stop();
});

describe("REQUEST_BODY_TIMEOUT_MS (PRODUCT §8): a request not arrived in time gets 408 and its connection closes", () => {
  it("50 bodies trickling in, to the API and to Slack's events: each is answered 408, Connection: close, and the connection closed before the body is done", async () => {
    const declared = 1000;
    const slow = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const api = i % 2 === 0;
        const conn = await openRaw(h.running.port);
        conn.send(
          api
            ? head("POST", "/api/v1/authorize", {
                authorization: `Bearer ${apiKey}`,
                "content-type": "application/json",
                "content-length": String(declared),
              })
            : head("POST", "/slack/events", {
                "content-type": "application/x-www-form-urlencoded",
                "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
                "x-slack-signature": `v0=${"0".repeat(64)}`,
                "content-length": String(declared),
              }),
        );
        const trickle = conn.dribble("x", TRICKLE_MS);
        return { api, answers: await conn.closed, sent: trickle.sent() };
      }),
    );
    for (const { api, answers, sent } of slow) {
      // One answer, and nothing after it.
      expect(answers).toHaveLength(1);
      const [answer] = answers;
      expect(answer?.status).toBe(408);
      expect(answer?.headers.connection).toBe("close");
      expect(answer?.headers["content-type"]).toMatch(/^application\/json/);
      expect(JSON.parse(answer?.body ?? "")).toEqual(
        api ? { error: { code: "INVALID_INPUT", message: LATE } } : { error: LATE },
      );
      // Cut off while the client was still sending: the body was far from done.
      expect(sent).toBeLessThan(declared);
    }
  }, 60_000);

  it("headers that never all arrive, or none at all: 408 and the connection closed", async () => {
    const trickling = await openRaw(h.running.port);
    trickling.send("POST /api/v1/authorize HTTP/1.1\r\nhost: rolecall.test\r\nx-slow: ");
    trickling.dribble("x", TRICKLE_MS);
    const silent = await openRaw(h.running.port);
    for (const answers of await Promise.all([trickling.closed, silent.closed])) {
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ status: 408, headers: { connection: "close" } });
      expect(JSON.parse(answers[0]?.body ?? "")).toEqual({ error: { code: "INVALID_INPUT", message: LATE } });
    }
  }, 30_000);

  it("a request answered before its body was read gets its answer alone, then its connection is closed", async () => {
    // Each declares a body and never sends it. Wrong key, no such route, wrong method, a body declared
    // too large, an invite link: none of them reads the body before answering.
    const declared = (length: number, headers: Record<string, string> = {}) => ({
      ...headers,
      "content-length": String(length),
    });
    const early = [
      {
        request: head("POST", "/api/v1/authorize", declared(1000, { authorization: "Bearer rc_wrong" })),
        status: 401,
      },
      { request: head("POST", "/nowhere", declared(1000)), status: 404 },
      {
        request: head("PUT", "/api/v1/members", declared(1000, { authorization: `Bearer ${apiKey}` })),
        status: 405,
      },
      {
        request: head(
          "POST",
          "/api/v1/authorize",
          declared(1_000_000, { authorization: `Bearer ${apiKey}` }),
        ),
        status: 413,
      },
      { request: head("POST", `/invites/${"A".repeat(43)}`, declared(1000)), status: 410 },
    ];
    const answered = await Promise.all(
      early.map(async ({ request, status }) => {
        const conn = await openRaw(h.running.port);
        conn.send(request);
        const answer = await conn.answer();
        return { status, answer, all: await conn.closed };
      }),
    );
    for (const { status, answer, all } of answered) {
      expect(answer.status).toBe(status);
      expect(all).toHaveLength(1);
    }
  }, 30_000);

  it("a body that arrives in parts within the time is answered, and its connection stays open for the next request", async () => {
    const conn = await openRaw(h.running.port);
    const body = JSON.stringify({ email: "owner@acme.test", permission: "billing" });
    conn.send(
      head("POST", "/api/v1/authorize", {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        "content-length": String(body.length),
      }),
    );
    conn.send(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, TRICKLE_MS));
    conn.send(body.slice(10));
    expect(await conn.answer(0)).toMatchObject({ status: 200, headers: { connection: "keep-alive" } });
    conn.send(head("GET", "/healthz"));
    expect(await conn.answer(1)).toMatchObject({ status: 200 });
    expect(conn.isClosed()).toBe(false);
    conn.socket.destroy();
  }, 30_000);
});

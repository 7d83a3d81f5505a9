import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listeningServer } from "../helpers/http-server.js";
import { openRaw, refused } from "../helpers/raw-http.js";
import { eventually } from "../helpers/smtp.js";
import { openCore } from "../helpers/team.js";

const TIMEOUT_MS = 1000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The HTTP server alone on an empty database; `slackEvents` stands in for Bolt where a test needs it. */
const serve = async (
  slackEvents: ((req: IncomingMessage, res: ServerResponse) => void) | null = null,
  requestTimeoutMs = TIMEOUT_MS,
) => {
  const wired = await openCore();
  cleanups.push(() => wired.close());
  const { server, port } = await listeningServer(wired.core, { slackEvents, requestTimeoutMs });
  cleanups.push(() => {
    if (server.listening) server.closeAllConnections();
    if (server.listening) return new Promise<void>((r) => server.close(() => r()));
  });
  return { wired, server, port };
};

const GET_HEALTHZ = "GET /healthz HTTP/1.1\r\nhost: rolecall.test\r\n\r\n";

/** Lets the server's event loop read what was just written (the test runs in the same process). */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe("drain (the end of a shutdown): no accepted request is cut", () => {
  it("closes a keep-alive connection at rest, answers one whose request has begun to arrive, refuses new connections", async () => {
    // The arriving request's headers end only after the drain's steps below: a roomy timeout, so a
    // loaded machine does not turn the answer into the 408 the last test pins.
    const { server, port } = await serve(null, 15_000);
    const resting = await openRaw(port);
    resting.send(GET_HEALTHZ);
    expect(await resting.answer()).toMatchObject({ status: 200, headers: { connection: "keep-alive" } });
    // The first bytes of a request are in when the server stops: this connection is not idle.
    const arriving = await openRaw(port);
    arriving.send("GET /healthz HTTP/1.1\r\nhost: rolecall.test\r\n");
    await settle();

    const drained = server.drain();
    expect(await resting.closed).toHaveLength(1);
    expect(await refused(port)).toBe(true);
    arriving.send("\r\n");
    expect(await arriving.answer()).toMatchObject({ status: 200, headers: { connection: "close" } });
    expect(await arriving.closed).toHaveLength(1);
    await drained;
  }, 30_000);

  it("a connection accepted just before the drain, its request not yet sent, is answered rather than closed", async () => {
    const { server, port } = await serve();
    // Connected, nothing sent yet: the client is about to send, as after any connect.
    const fresh = await openRaw(port);
    // A keep-alive connection that has just answered, its client about to send the next request.
    const reused = await openRaw(port);
    reused.send(GET_HEALTHZ);
    expect(await reused.answer(0)).toMatchObject({ status: 200, headers: { connection: "keep-alive" } });
    await settle();

    const drained = server.drain();
    // Once the port has closed (no connection arriving), answers close their connections.
    await eventually(() => !server.listening, "the port to close");
    fresh.send(GET_HEALTHZ);
    reused.send(GET_HEALTHZ);
    expect(await fresh.answer()).toMatchObject({ status: 200, headers: { connection: "close" } });
    expect(await reused.answer(1)).toMatchObject({ status: 200, headers: { connection: "close" } });
    expect(await fresh.closed).toHaveLength(1);
    expect(await reused.closed).toHaveLength(2);
    await drained;
  }, 30_000);

  it("a keep-alive answer that ends after the shutdown began: the client's next request on that connection is answered", async () => {
    let release = () => {};
    let taken = () => {};
    const held = new Promise<void>((r) => {
      taken = r;
    });
    const { server, port } = await serve((_req, res) => {
      // The head goes out (keep-alive) before the shutdown; the end comes after it.
      res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
      res.write("o");
      release = () => res.end("k");
      taken();
    });
    const conn = await openRaw(port);
    conn.send("POST /slack/events HTTP/1.1\r\nhost: rolecall.test\r\ncontent-length: 0\r\n\r\n");
    await held;

    const drained = server.drain();
    release();
    const first = await conn.answer(0);
    expect(first).toMatchObject({ status: 200, body: "ok", headers: { connection: "keep-alive" } });
    await eventually(() => !server.listening, "the port to close");
    // As a pooled client does: the next request goes on the connection that has just answered.
    conn.send(GET_HEALTHZ);
    expect(await conn.answer(1)).toMatchObject({ status: 200, headers: { connection: "close" } });
    expect(await conn.closed).toHaveLength(2);
    await drained;
  }, 30_000);

  it("a request whose body is still arriving when the server stops gets 408 at REQUEST_BODY_TIMEOUT_MS, and the drain ends", async () => {
    const { server, port, wired } = await serve();
    const { account } = await wired.core.createAccount({
      slackTeamId: "T0DRAIN",
      name: "Drain",
      ownerEmail: "owner@drain.test",
      ownerSlackUserId: "U0OWNER",
    });
    const { apiKey } = await wired.core.rotateApiKey({ accountId: account.id }, 0);
    const conn = await openRaw(port);
    conn.send(
      `POST /api/v1/authorize HTTP/1.1\r\nhost: rolecall.test\r\nauthorization: Bearer ${apiKey}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"email":`,
    );
    await settle();

    const drained = server.drain();
    const [answer] = await conn.closed;
    expect(answer).toMatchObject({ status: 408, headers: { connection: "close" } });
    expect(JSON.parse(answer?.body ?? "")).toMatchObject({ error: { code: "INVALID_INPUT" } });
    await drained;
  }, 30_000);
});

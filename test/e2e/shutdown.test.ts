import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Agent, type IncomingMessage, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listeningPort, spawnApp } from "../helpers/app-process.js";
import { tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { openRaw, refused } from "../helpers/raw-http.js";
import { SIGNING_SECRET, signature, slashCommandBody } from "../helpers/slack-requests.js";
import { eventually, freePort, outboxRows, TestSmtp } from "../helpers/smtp.js";
import { openCore } from "../helpers/team.js";

const TEAM = "T0ACME";
const OWNER = "U0OWNER";

interface Answer {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own (no pooled keep-alive to muddle what was accepted).
 * `hold` lets the caller stop after the headers and part of the body: the request is then under
 * way on the server, and the caller sends the rest when it likes.
 */
const send = (
  port: number,
  path: string,
  headers: Record<string, string>,
  body: string,
  hold?: (sendRest: () => void) => void,
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: false,
        headers: {
          ...headers,
          "content-length": String(Buffer.byteLength(body)),
          ...(hold ? { expect: "100-continue" } : {}),
        },
      },
      (res: IncomingMessage) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("aborted", () => reject(new Error(`${path}: the answer was cut`)));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    if (!hold) {
      req.end(body);
      return;
    }
    // The server answers 100 Continue once it has taken the request in hand.
    req.on("continue", () => {
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      hold(() => req.end(body.slice(half)));
    });
  });

const slash = (fake: FakeSlack, text: string) => {
  const body = slashCommandBody({
    text,
    userId: OWNER,
    teamId: TEAM,
    responseUrl: fake.responseUrl(randomUUID()),
    triggerId: "t",
  });
  const ts = Math.floor(Date.now() / 1000);
  return {
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature(ts, body, SIGNING_SECRET),
    },
    body,
  };
};

/** A request refused before the server took it: its connection was refused, never made. */
const notAccepted = (error: unknown): boolean => (error as { code?: string }).code === "ECONNREFUSED";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("SIGTERM under load", () => {
  it("cuts no accepted request, finishes the mail under way, exits 0; a restart sends the rest, each mail once", async () => {
    const smtp = new TestSmtp(await freePort());
    await smtp.start();
    const fake = new FakeSlack();
    await fake.start();
    fake.users.set(OWNER, { email: "owner@acme.test" });
    const { db, cleanup } = await tempDatabase();
    const seed = await openCore(db);
    const { account } = await seed.core.createAccount({
      slackTeamId: TEAM,
      name: "Acme",
      ownerEmail: "owner@acme.test",
      ownerSlackUserId: OWNER,
    });
    const { apiKey } = (await seed.core.rotateApiKey({ accountId: account.id }, 0)) as { apiKey: string };
    await seed.close();
    const env = {
      SLACK_API_URL: fake.apiUrl,
      SLACK_HOOKS_URL: fake.responseUrl(""),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: db,
      SMTP_URL: smtp.url,
      LOG_LEVEL: "info",
      // The held requests wait on the test's steps, not on a slow network: no 408 for them here.
      REQUEST_BODY_TIMEOUT_MS: "60000",
      SHUTDOWN_DRAIN_MS: "1000",
    };
    const start = async () => {
      const child = spawnApp(env);
      children.push(child);
      const started = listeningPort(child);
      return { child, port: await started.port, log: started.log };
    };
    try {
      const first = await start();
      const exited = new Promise<number | null>((done) => first.child.once("exit", (code) => done(code)));
      const api = {
        "content-type": "application/json",
        authorization: `Bearer ${apiKey}`,
      };
      const authorize = JSON.stringify({ email: "owner@acme.test", permission: "billing" });
      // Mail is held at the SMTP server: the first one is being sent when SIGTERM comes.
      let releaseMail = () => {};
      smtp.hold = new Promise<void>((done) => {
        releaseMail = done;
      });

      // Load: invites added from Slack and API checks, all at once.
      const load: Promise<Answer>[] = [];
      for (let i = 0; i < 30; i++) {
        const add = slash(fake, `add person${i}@acme.test`);
        load.push(send(first.port, "/slack/events", add.headers, add.body));
        load.push(send(first.port, "/api/v1/authorize", api, authorize));
      }
      // Two requests surely under way at SIGTERM: taken in hand, their bodies half sent.
      let finishApi = () => {};
      let finishSlack = () => {};
      const held: Promise<Answer>[] = [];
      const apiHeld = new Promise<() => void>((ready) => {
        held.push(send(first.port, "/api/v1/authorize", api, authorize, ready));
      }).then((rest) => {
        finishApi = rest;
      });
      const lastAdd = slash(fake, "add held@acme.test");
      const slackHeld = new Promise<() => void>((ready) => {
        held.push(send(first.port, "/slack/events", lastAdd.headers, lastAdd.body, ready));
      }).then((rest) => {
        finishSlack = rest;
      });
      await Promise.all([apiHeld, slackHeld]);
      await eventually(async () => (await outboxRows(db)).length > 0, "a mail to be queued");
      first.child.kill("SIGTERM");
      // The held requests' bodies end only once the app has begun to stop.
      await eventually(() => first.log().includes("shutting down"), "the app to begin stopping");
      finishApi();
      finishSlack();
      releaseMail();
      smtp.hold = null;

      const settled = await Promise.allSettled(load);
      const answered = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      const refused = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
      // Whatever was not refused at the door came back whole: a 200 with a complete JSON body.
      expect(refused.filter((e) => !notAccepted(e))).toEqual([]);
      for (const a of answered) {
        expect(a.status).toBe(200);
        expect(() => JSON.parse(a.body)).not.toThrow();
      }
      // The two held requests were under way at SIGTERM, and finished after it: answered in full.
      const [heldApi, heldSlack] = await Promise.all(held);
      expect(heldApi).toMatchObject({ status: 200 });
      expect(JSON.parse(heldApi?.body ?? "").allowed).toBe(true);
      expect(heldSlack).toMatchObject({ status: 200 });
      expect(heldSlack?.body).toContain("held@acme.test");

      // Exit 0: the process stopped on its own inside its grace (past it, it exits 1).
      expect(await exited).toBe(0);
      expect(first.log()).toContain('"msg":"stopped"');
      const sentBefore = smtp.messages.length;
      const queued = await outboxRows(db);
      expect(queued.filter((r) => r.status === "sent")).toHaveLength(sentBefore);

      // A restart sends what is left, each mail once.
      const second = await start();
      await eventually(
        async () => (await outboxRows(db)).every((r) => r.status === "sent"),
        "every queued mail to be sent",
        20_000,
      );
      const rows = await outboxRows(db);
      expect(rows.length).toBeGreaterThan(sentBefore);
      const recipients = smtp.messages.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address);
      expect(recipients.sort()).toEqual(rows.map((r) => r.recipient).sort());
      expect(new Set(recipients).size).toBe(recipients.length);
      second.child.kill("SIGTERM");
      await new Promise((done) => second.child.once("exit", done));
      expect(second.child.exitCode).toBe(0);
    } finally {
      await fake.stop();
      await smtp.stop();
      await cleanup();
    }
  }, 60_000);
});

/** What became of one request: answered whole, or failed (and whether its connection had been made). */
type Outcome =
  | { answered: true; status: number; body: string; connection: string | undefined }
  | { answered: false; code: string | undefined; message: string; connected: boolean };

const AUTHORIZE = JSON.stringify({ email: "owner@acme.test", permission: "billing" });

/** POST /api/v1/authorize through `agent` (a keep-alive pool), or on a connection of its own. */
const authorize = (port: number, apiKey: string, agent: Agent | false): Promise<Outcome> =>
  new Promise((resolve) => {
    let connected = false;
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/v1/authorize",
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "content-length": String(AUTHORIZE.length),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("error", (error: NodeJS.ErrnoException) =>
          resolve({ answered: false, code: error.code, message: `answer cut: ${error.message}`, connected }),
        );
        res.on("end", () =>
          resolve({ answered: true, status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        );
      },
    );
    req.on("socket", (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ answered: false, code: error.code, message: error.message, connected }),
    );
    req.end(AUTHORIZE);
  });

/** GET on a connection of its own: the status and parsed body. */
const get = (port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });

/** The real app on a fresh database holding one account, and its API key. */
const startSeeded = async (env: Record<string, string>) => {
  const fake = new FakeSlack();
  await fake.start();
  const { db, cleanup } = await tempDatabase();
  const seed = await openCore(db);
  const { account } = await seed.core.createAccount({
    slackTeamId: TEAM,
    name: "Acme",
    ownerEmail: "owner@acme.test",
    ownerSlackUserId: OWNER,
  });
  const { apiKey } = await seed.core.rotateApiKey({ accountId: account.id }, 0);
  await seed.close();
  const child = spawnApp({ SLACK_API_URL: fake.apiUrl, DATABASE_URL: db, LOG_LEVEL: "info", ...env });
  children.push(child);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const started = listeningPort(child);
  const port = await started.port;
  return {
    child,
    port,
    apiKey,
    exited,
    log: started.log,
    stop: async () => {
      await fake.stop();
      await cleanup();
    },
  };
};

/** The failures on a connection that had been made (reset, hung up, cut): none may happen. */
const notAnsweredButConnected = (outcomes: Outcome[]) =>
  outcomes.filter((o) => !o.answered && (o.connected || o.code !== "ECONNREFUSED")).slice(0, 5);

/**
 * 50 keep-alive clients posting /api/v1/authorize in a loop, reconnecting whenever an answer says
 * `Connection: close`, each until a request of its fails (the port closed: refused); `signal` is sent
 * once the load is under way, and /readyz asked at once on a connection of its own.
 */
const loadAcross = async (app: Awaited<ReturnType<typeof startSeeded>>, signal: NodeJS.Signals) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const outcomes: Outcome[] = [];
  const clients = Array.from({ length: 50 }, async () => {
    for (let sent = 0; sent < 100_000; sent++) {
      const outcome = await authorize(app.port, app.apiKey, agent);
      outcomes.push(outcome);
      if (!outcome.answered) return;
    }
  });
  await eventually(() => outcomes.length >= 300, "the load to be under way");
  app.child.kill(signal);
  const readyz = get(app.port, "/readyz").catch((error: Error) => error);
  await Promise.all(clients);
  agent.destroy();
  return { outcomes, signalled: { readyz } };
};

describe("SIGTERM drains (PRODUCT §8): /readyz turns 503 at once, requests are served for SHUTDOWN_DRAIN_MS, no accepted connection is reset", () => {
  it("50 keep-alive clients posting /api/v1/authorize through the drain and past the port closing: every connection made is answered, and the process exits 0", async () => {
    const app = await startSeeded({ SHUTDOWN_DRAIN_MS: "2000" });
    try {
      await eventually(async () => (await get(app.port, "/readyz")).status === 200, "the app to be ready");
      const { outcomes, signalled } = await loadAcross(app, "SIGTERM");
      // The first /readyz after the signal, under load, already says 503.
      expect(await signalled.readyz).toEqual({
        status: 503,
        body: { ok: false, shutdown: expect.stringMatching(/^not ready: this instance is shutting down/) },
      });

      // No request failed on a connection that was made: the only failures are connections refused
      // once the port had closed (each client stops at its first).
      expect(notAnsweredButConnected(outcomes)).toEqual([]);
      const refusedAtDoor = outcomes.filter((o) => !o.answered);
      expect(refusedAtDoor).toHaveLength(50);
      for (const o of outcomes) {
        if (o.answered)
          expect(o).toMatchObject({ status: 200, body: expect.stringContaining('"allowed":true') });
      }
      // Clients were served during the drain, told to leave, and came back until the port closed.
      const toldToLeave = outcomes.filter((o) => o.answered && o.connection === "close");
      expect(toldToLeave.length).toBeGreaterThanOrEqual(100);
      expect(await app.exited).toBe(0);
      expect(app.log()).toContain('"msg":"stopped"');
      expect(app.log()).toContain("no longer accepting connections");
    } finally {
      await app.stop();
    }
  }, 90_000);

  it("SIGINT under the same load: no drain, but the requests on their way on keep-alive connections are answered; exit 0", async () => {
    const app = await startSeeded({ SHUTDOWN_DRAIN_MS: "60000" });
    try {
      const { outcomes } = await loadAcross(app, "SIGINT");
      expect(notAnsweredButConnected(outcomes)).toEqual([]);
      expect(outcomes.filter((o) => !o.answered)).toHaveLength(50);
      // Those on their way when the signal came were answered, told to leave.
      expect(outcomes.filter((o) => o.answered && o.connection === "close").length).toBeGreaterThanOrEqual(1);
      expect(await app.exited).toBe(0);
      expect(app.log()).toMatch(/"signal":"SIGINT","drainMs":0/);
    } finally {
      await app.stop();
    }
  }, 60_000);

  it("SIGINT (Ctrl-C) stops without the drain: the port closes as soon as no connection arrives, a request still arriving gets 408 at REQUEST_BODY_TIMEOUT_MS, exit 0", async () => {
    // A drain this long would outlast the test: the process exiting at all shows SIGINT has none.
    const app = await startSeeded({ SHUTDOWN_DRAIN_MS: "60000", REQUEST_BODY_TIMEOUT_MS: "1500" });
    try {
      const arriving = await openRaw(app.port);
      arriving.send(
        `POST /api/v1/authorize HTTP/1.1\r\nhost: rolecall.test\r\nauthorization: Bearer ${app.apiKey}\r\ncontent-type: application/json\r\ncontent-length: ${AUTHORIZE.length}\r\nexpect: 100-continue\r\n\r\n`,
      );
      // 100 Continue: the app has the request in hand; half its body comes, the rest never does.
      await eventually(() => arriving.received().includes("100 Continue"), "the request to be taken");
      arriving.send(AUTHORIZE.slice(0, 10));

      app.child.kill("SIGINT");
      await eventually(() => app.log().includes("shutting down"), "the app to begin stopping");
      // The port closes once no connection has arrived for a moment (SETTLE_QUIET_MS).
      const portClosed = await eventually(() => refused(app.port), "the port to close", 5_000).then(
        () => true,
      );
      const [answer, ...more] = await arriving.closed;
      expect(more).toEqual([]);
      expect(answer).toMatchObject({ status: 408, headers: { connection: "close" } });
      expect(JSON.parse(answer?.body ?? "")).toEqual({
        error: {
          code: "INVALID_INPUT",
          message: "The request did not arrive in full within 1500 ms; the connection is closed.",
        },
      });
      expect(await app.exited).toBe(0);
      expect(portClosed).toBe(true);
      expect(app.log()).toMatch(/"signal":"SIGINT","drainMs":0/);
    } finally {
      await app.stop();
    }
  }, 30_000);
});

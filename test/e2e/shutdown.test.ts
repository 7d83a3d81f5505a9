import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { type IncomingMessage, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listeningPort, spawnApp } from "../helpers/app-process.js";
import { tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";
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

/** A request refused before the server took it: the connection was refused or reset unanswered. */
const notAccepted = (error: unknown): boolean =>
  ["ECONNREFUSED", "ECONNRESET", "EPIPE"].includes((error as { code?: string }).code ?? "");

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

      // Exit 0: the process stopped on its own inside its 10-second grace (past it, it exits 1).
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

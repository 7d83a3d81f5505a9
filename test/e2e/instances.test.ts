import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditMemberEmail } from "../../src/core/audit.js";
import { IDS } from "../../src/slack/ids.js";
import type { Wired } from "../../src/wiring.js";
import { listeningPort, spawnApp } from "../helpers/app-process.js";
import { rolecallAsync } from "../helpers/cli.js";
import { freshDatabase, type TestDatabase } from "../helpers/database.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { messageText } from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";
import { interactiveBody, postSigned, slashCommandBody } from "../helpers/slack-requests.js";
import { eventually, freePort, TestSmtp } from "../helpers/smtp.js";
import { openCore } from "../helpers/team.js";

/**
 * Three real app processes (`npm start`) on one database — a SQLite file in `npm test`, a PostgreSQL
 * schema in `npm run test:postgres` — behind one loopback fake Slack and one SMTP server: what issue
 * 13 asks of several instances, each point its own test, in order on the same three instances.
 */

const TEAM_ID = "T0ACME";
const SECRET = "secret"; // spawnApp's SLACK_SIGNING_SECRET
const PEOPLE = {
  owner: { id: "U0OWNER", email: "owner@acme.test" },
  owner2: { id: "U0OWNER2", email: "owner2@acme.test" },
  admin: { id: "U0ADMIN", email: "admin@acme.test" },
  teammate: { id: "U0TEAM", email: "tm@acme.test" },
} as const;
type Person = keyof typeof PEOPLE;

interface Instance {
  name: string;
  child: ChildProcess;
  base: string;
}

let fake: FakeSlack;
let smtp: TestSmtp;
let db: TestDatabase;
let seed: Wired;
let accountId: string;
let apiKey: string;
const instances: Instance[] = [];
const children: ChildProcess[] = [];

const as = (person: Person) => ({
  accountId,
  actor: { email: PEOPLE[person].email },
  source: "cli" as const,
});

const startInstance = async (name: string): Promise<Instance> => {
  const child = spawnApp({
    SLACK_API_URL: fake.apiUrl,
    SLACK_HOOKS_URL: fake.hooksUrl,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    APP_BASE_URL: "http://rolecall.test",
    MAIL_RETRY_SECONDS: "0.2",
    // A killed instance's mail lease runs out quickly, for another to take the mail over.
    MAIL_LEASE_SECONDS: "2",
    LOG_LEVEL: "info", // the port is read from the log
  });
  children.push(child);
  child.stdout?.resume();
  const port = await listeningPort(child).port;
  return { name, child, base: `http://127.0.0.1:${port}` };
};

const instance = (i: number): Instance => {
  const found = instances[i];
  if (!found) throw new Error(`no instance ${i}`);
  return found;
};

/** `/team <text>` from `person` through one instance; the reply they see (ack or response_url). */
const slash = async (at: Instance, person: Person, text: string): Promise<string> => {
  const responseId = randomUUID();
  const body = slashCommandBody({
    text,
    userId: PEOPLE[person].id,
    teamId: TEAM_ID,
    responseUrl: fake.responseUrl(responseId),
    triggerId: fake.triggerId(),
  });
  const http = await postSigned(at.base, body, "application/x-www-form-urlencoded", { secret: SECRET });
  expect(http.status, `/team ${text} at ${at.name}`).toBe(200);
  if (http.text) return messageText(JSON.parse(http.text));
  return messageText(
    await fake.waitFor(() => fake.responses.find((r) => r.id === responseId)?.body, `the reply to ${text}`),
  );
};

/** A button click from `person` through one instance; the reply on its response_url. */
const click = async (at: Instance, person: Person, action: string, value: string): Promise<string> => {
  const b = blockAction(fake, { action_id: action, value });
  const http = await postSigned(
    at.base,
    interactiveBody({
      team: { id: TEAM_ID, domain: "acme" },
      user: { id: PEOPLE[person].id, team_id: TEAM_ID },
      api_app_id: "A0ROLECALL",
      token: "deprecated",
      ...b.payload,
    }),
    "application/x-www-form-urlencoded",
    { secret: SECRET },
  );
  expect(http.status).toBe(200);
  return messageText(
    await fake.waitFor(
      () => fake.responses.find((r) => r.id === b.responseId)?.body,
      `the reply to ${action}`,
    ),
  );
};

const activeOwners = async () =>
  (await seed.store.listMembers(accountId, { role: "owner", status: "active" })).map((m) => m.email);
const roleChanges = async () =>
  (await seed.store.listAudit(accountId)).filter((e) => e.action === "member.role_changed").length;

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  for (const p of Object.values(PEOPLE)) fake.users.set(p.id, { email: p.email });
  smtp = new TestSmtp(await freePort());
  await smtp.start();
  db = await freshDatabase();
  seed = await openCore(db.url);
  const { account } = await seed.core.createAccount({
    slackTeamId: TEAM_ID,
    name: "Acme",
    ownerEmail: PEOPLE.owner.email,
    ownerSlackUserId: PEOPLE.owner.id,
  });
  accountId = account.id;
  for (const [person, role] of [
    ["owner2", "owner"],
    ["admin", "admin"],
    ["teammate", "teammate"],
  ] as const) {
    await seed.core.addMember(as("owner"), { email: PEOPLE[person].email, role });
    await seed.core.activate(accountId, PEOPLE[person].email);
  }
  await seed.core.setApprovalsChannel(as("owner"), "C0APPROVE");
  apiKey = (await seed.core.rotateApiKey({ accountId })).apiKey;
  instances.push(...(await Promise.all(["A", "B", "C"].map(startInstance))));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await seed?.close();
  await smtp?.stop();
  await fake?.stop();
  await db?.cleanup();
});

describe("three instances on one database", () => {
  it("mails exactly once: 30 invites through three instances, one killed with SIGKILL midway", async () => {
    const invitees = Array.from({ length: 30 }, (_, n) => `invitee${n}@acme.test`);
    const received = () => invitees.filter((e) => smtp.to(e).length > 0).length;
    // Each instance's own worker picks up the mail its command queued.
    const add = (n: number, at: Instance) => slash(at, "owner", `add ${invitees[n]} teammate Invitee ${n}`);
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((n) => add(n, instance(n % 3))));
    // Mail is flowing: kill C before every mail has gone out. The SMTP server holds new transactions
    // at MAIL FROM meanwhile, so C dies holding a leased row it has begun to send, never in the
    // moment between the server's 250 and marking the row sent (see below).
    await eventually(() => received() >= 3, "the first invites to arrive", 20_000);
    let release = () => {};
    smtp.hold = new Promise<void>((done) => {
      release = done;
    });
    await new Promise((r) => setTimeout(r, 300)); // transactions under way finish and are marked
    const c = instance(2);
    c.child.kill("SIGKILL");
    await new Promise((done) => c.child.once("exit", done));
    smtp.hold = null;
    release();
    await Promise.all(Array.from({ length: 15 }, (_, i) => add(15 + i, instance(i % 2))));
    await eventually(() => received() === 30, "all 30 invites to arrive", 40_000);
    await new Promise((r) => setTimeout(r, 1_000)); // time for any duplicate to arrive
    // The killed instance is replaced, for the tests that follow.
    instances[2] = await startInstance("C2");
    // Exactly one invite mail per invitee. The one at-least-once gap left is the moment between the
    // SMTP server's 250 and the instance marking the row sent: an instance dying there leaves a mail
    // its lease cannot tell apart from an unsent one, and another instance sends it again. No lease
    // can close that gap; the Message-ID is stable per outbox row, so such a duplicate would be
    // recognisable (and a receiving server may drop it).
    for (const email of invitees) expect(smtp.to(email), email).toHaveLength(1);
    const rows = (await seed.store.listMail()).filter((m) => invitees.includes(m.recipient));
    expect(rows.map((m) => m.status)).toEqual(invitees.map(() => "sent"));
  });

  it("one Owner left after cross-instance demotions (20 rounds)", async () => {
    for (let round = 0; round < 20; round++) {
      const before = await roleChanges();
      const [x, y] = [instance(round % 3), instance((round + 1) % 3)];
      await Promise.all([
        slash(x, "owner", `role ${PEOPLE.owner2.email} admin`),
        slash(y, "owner2", `role ${PEOPLE.owner.email} admin`),
      ]);
      const owners = await activeOwners();
      expect(owners, `round ${round}`).toHaveLength(1);
      expect(await roleChanges(), `role changes in round ${round}`).toBe(before + 1);
      // The survivor makes the other an Owner again for the next round.
      const survivor = owners[0] === PEOPLE.owner.email ? "owner" : "owner2";
      const demoted = survivor === "owner" ? PEOPLE.owner2.email : PEOPLE.owner.email;
      await seed.core.changeRole(as(survivor), { email: demoted }, "owner");
      expect(await activeOwners()).toHaveLength(2);
    }
  });

  it("one approval applied (20 rounds): two Owners approve at once through two instances", async () => {
    const ids: string[] = [];
    for (let round = 0; round < 20; round++) {
      const email = `asked${round}@acme.test`;
      const filed = await slash(instance(round % 3), "admin", `request add ${email} teammate`);
      const id = /request \*(R[A-Z0-9]{6})\*/.exec(filed)?.[1] ?? "";
      expect(id, filed).toMatch(/^R[A-Z0-9]{6}$/);
      ids.push(id);
      const replies = await Promise.all([
        click(instance((round + 1) % 3), "owner", IDS.actions.requestApprove, id),
        click(instance((round + 2) % 3), "owner2", IDS.actions.requestApprove, id),
      ]);
      expect(
        replies.filter((r) => r.includes(`approved request ${id}`)),
        `round ${round}`,
      ).toHaveLength(1);
      expect(
        replies.filter((r) => r.includes("already approved")),
        `round ${round}`,
      ).toHaveLength(1);
      const added = (await seed.store.listAudit(accountId)).filter(
        (e) => e.action === "member.added" && auditMemberEmail(e.target) === email,
      );
      expect(added, `the change of ${id} applied once`).toHaveLength(1);
    }
    // Slack: each request posted once, its post updated once, one outcome in its thread.
    const postOf = (id: string) =>
      fake
        .callsTo("chat.postMessage")
        .filter(
          (c) =>
            c.answered && c.ok && !c.args.thread_ts && messageText(c.args).includes(`Change request ${id}`),
        );
    for (const id of ids) {
      await eventually(
        async () => (await seed.core.requests.get(accountId, id)).announced,
        `request ${id} announced`,
        20_000,
      );
      expect(postOf(id), `posts of ${id}`).toHaveLength(1);
      const { posts } = await seed.core.requests.get(accountId, id);
      expect(posts).toHaveLength(1);
      const ts = posts[0]?.ts;
      expect(
        fake.callsTo("chat.update").filter((c) => c.args.ts === ts),
        `updates of ${id}`,
      ).toHaveLength(1);
      expect(
        fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === ts),
        `thread replies to ${id}`,
      ).toHaveLength(1);
    }
  });

  it("freshness: a permission changed through A is in B's /api/v1/authorize answers within 1 s", async () => {
    const authorize = async (at: Instance) => {
      const res = await fetch(`${at.base}/api/v1/authorize`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ email: PEOPLE.teammate.email, permission: "billing" }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { allowed: boolean }).allowed;
    };
    for (const [grant, expected] of [
      ["revoke", false],
      ["grant", true],
    ] as const) {
      expect(await authorize(instance(1))).toBe(!expected); // B has the matrix warm
      const started = Date.now();
      await slash(instance(0), "owner", `perms ${grant} teammate billing`);
      let elapsed = 0;
      for (;;) {
        elapsed = Date.now() - started;
        if ((await authorize(instance(1))) === expected || elapsed > 5_000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(elapsed, `${grant} seen by B`).toBeLessThan(1_000);
    }
  });

  it("rolecall audit --verify passes on every account", async () => {
    const accounts = await seed.store.listAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      const run = await rolecallAsync(db.url, ["--team", account.slackTeamId, "audit", "--verify"]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
  });
});

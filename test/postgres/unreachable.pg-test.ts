import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../helpers/database.js";
import type { Relay } from "../helpers/relay.js";
import { relayedApp } from "../helpers/relayed-app.js";
import { slashToProcess } from "../helpers/slack-harness.js";
import { eventually } from "../helpers/smtp.js";
import { TEAM } from "../helpers/team.js";

/**
 * PRODUCT §8: a database that is not answering gets 503 with Retry-After, as JSON for the API and as
 * an HTML page for a browser on /invites/…, and Slack says so in words; never a 500. Made so under a
 * running instance two ways: the connection cut (a loopback relay), and Rolecall's schema dropped
 * (the server answers, but with "relation does not exist").
 */
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const c of cleanups.splice(0).reverse()) await c();
});

const UNAVAILABLE_WORDS = /The database is not answering right now; nothing was changed/;
const A_TOKEN = "A".repeat(43);

/** The app on a fresh schema through a relay, with an account, a teammate and an API key. */
const running = async (): Promise<{
  base: string;
  key: string;
  relay: Relay;
  schema: string;
  log(): string;
  slash(text: string): Promise<string>;
}> => {
  const { db, relay, fake, apiKey, listening } = await relayedApp({ children, cleanups });
  const schema = /search_path=(\w+)/.exec(decodeURIComponent(db.url))?.[1] ?? "";
  const base = `http://127.0.0.1:${await listening.port}`;
  const slash = (text: string) => slashToProcess(fake, base, { userId: "U0OWNER", teamId: TEAM, text });
  expect(await slash("whoami")).toMatch(/Owner/);
  return { base, key: apiKey, relay, schema, log: listening.log, slash };
};

/** What each door answers while the database is away: asserted the same for both ways of losing it. */
const expectEveryDoorSaysUnavailable = async ({ base, key, slash }: Awaited<ReturnType<typeof running>>) => {
  const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  // Emails never asked about, so no answer can come from the instance's memory.
  const api = [
    await fetch(`${base}/api/v1/authorize`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ email: "first-time@acme.test", permission: "billing" }),
    }),
    await fetch(`${base}/api/v1/authorize`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ checks: [{ email: "second-time@acme.test", permission: "billing" }] }),
    }),
    await fetch(`${base}/api/v1/members`, { headers: auth }),
    await fetch(`${base}/api/v1/members/third-time%40acme.test`, { headers: auth }),
  ];
  for (const res of api) {
    expect(res.status, res.url).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: "UNAVAILABLE", message: expect.stringMatching(UNAVAILABLE_WORDS) },
    });
  }
  for (const method of ["GET", "POST"]) {
    const res = await fetch(`${base}/invites/${A_TOKEN}`, { method });
    expect(res.status, method).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toMatch(UNAVAILABLE_WORDS);
  }
  for (const words of ["whoami", "add late@acme.test teammate Late Comer"]) {
    const reply = await slash(words);
    expect(reply, words).toMatch(UNAVAILABLE_WORDS);
    expect(reply).not.toMatch(/went wrong/i);
  }
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
};

describe("a database that stops answering under a running instance", () => {
  it("the connection cut: every door says the database is not answering", async () => {
    const app = await running();
    app.relay.down();
    await expectEveryDoorSaysUnavailable(app);
  });

  it("Rolecall's schema dropped: every door says so too, and the log says why", async () => {
    const app = await running();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA ${app.schema} CASCADE`);
    } finally {
      await admin.end();
    }
    await expectEveryDoorSaysUnavailable(app);
    // A JSON line: the quotes around the table's name are escaped.
    const why = /PostgreSQL cannot serve Rolecall \(42P01: relation \\"\w+\\" does not exist\)/;
    await eventually(() => why.test(app.log()), "the log line that says why");
    // Said once, not once per request.
    expect(app.log().match(/PostgreSQL cannot serve Rolecall/g)).toHaveLength(1);
  });
});

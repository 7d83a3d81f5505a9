import { type ChildProcess, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { listeningPort, MAIN, spawnApp } from "../helpers/app-process.js";
import { tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";

const OAUTH = {
  SLACK_CLIENT_ID: "1234.5678",
  SLACK_CLIENT_SECRET: "client-secret",
  SLACK_STATE_SECRET: "state-secret",
  SLACK_SIGNING_SECRET: "signing-secret",
};
const KEY = randomBytes(32).toString("base64");
const SHORT_KEY = randomBytes(16).toString("base64");

const children: ChildProcess[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const c of cleanups.splice(0)) await c();
});

describe("npm start", () => {
  it("with a bot token but no signing secret, names the missing variable and exits non-zero", async () => {
    const { db, cleanup } = await tempDatabase();
    cleanups.push(cleanup);
    const run = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: "xoxb-1", DATABASE_URL: db },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("SLACK_SIGNING_SECRET");
  });

  it.each([
    [
      "OAuth variables without ROLECALL_ENCRYPTION_KEY",
      {},
      "ROLECALL_ENCRYPTION_KEY is required in OAuth mode",
    ],
    [
      "a 16-byte ROLECALL_ENCRYPTION_KEY",
      { ROLECALL_ENCRYPTION_KEY: SHORT_KEY },
      "ROLECALL_ENCRYPTION_KEY must be 32 random bytes in base64",
    ],
    [
      "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID",
      { ROLECALL_ENCRYPTION_KEY: KEY, SLACK_BOT_TOKEN: "xoxb-1" },
      "SLACK_BOT_TOKEN must be unset in OAuth mode",
    ],
  ])("with %s, refuses to start and names the variable", async (_, extra, named) => {
    const { db, cleanup } = await tempDatabase();
    cleanups.push(cleanup);
    const run = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, DATABASE_URL: db, ...OAUTH, ...extra },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(named);
    expect(run.stderr).not.toContain(SHORT_KEY);
  });

  it("with tokens, serves Slack on PORT (real process) and answers /healthz", async () => {
    const fake = new FakeSlack();
    await fake.start();
    cleanups.push(() => fake.stop());
    const { db, cleanup } = await tempDatabase();
    cleanups.push(cleanup);
    const child = spawnApp({ SLACK_API_URL: fake.apiUrl, DATABASE_URL: db, LOG_LEVEL: "info" });
    children.push(child);
    const started = listeningPort(child);
    const port = await started.port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "x" })).status).toBe(
      401,
    );
    await fake.waitFor(() => fake.callsTo("auth.test").find((c) => c.ok), "auth.test at start-up");
    // Ready once Slack accepted the token (the app learns it a moment after the fake answered).
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 200; i++) {
      ready = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 25));
    }
    expect(ready).toBe(200);
    child.kill("SIGTERM");
    expect(await new Promise((done) => child.on("exit", done))).toBe(0);
  });
});

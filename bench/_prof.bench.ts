import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { it } from "vitest";
import { listeningPort, MAIN } from "../test/helpers/app-process.js";
import { BOT_TOKEN, FakeSlack } from "../test/helpers/fake-slack.js";
import { signature, slashCommandBody } from "../test/helpers/slack-requests.js";
import { openSqliteCore as openCore } from "../test/helpers/team.js";

it("profiles", { timeout: 120_000 }, async () => {
  const what = process.env.PROF ?? "slack";
  const fake = new FakeSlack();
  await fake.start();
  const db = join(mkdtempSync(join(tmpdir(), "prof-")), "p.db");
  const seed = await openCore(db);
  const { account } = await seed.core.createAccount({ slackTeamId: "T0BENCH", name: "B", ownerEmail: "owner@bench.test", ownerSlackUserId: "U0OWNER" });
  const key = (await seed.core.rotateApiKey({ accountId: account.id }, 0)).apiKey;
  await seed.close();
  const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", MAIN], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH, PORT: "0", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: "secret", LOG_LEVEL: process.env.LVL ?? "info", SLACK_API_URL: fake.apiUrl, SLACK_HOOKS_URL: fake.responseUrl(""), DATABASE_URL: db },
  });
  const port = await listeningPort(child).port;
  const body = slashCommandBody({ text: "whoami", userId: "U0OWNER", teamId: "T0BENCH", responseUrl: fake.responseUrl("b"), triggerId: "t" });
  const ts = Math.floor(Date.now() / 1000);
  const opts = what === "slack"
    ? { url: `http://127.0.0.1:${port}/slack/events`, method: "POST" as const, body, headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(ts), "x-slack-signature": signature(ts, body, "secret") } }
    : { url: `http://127.0.0.1:${port}/api/v1/authorize`, method: "POST" as const, body: JSON.stringify({ email: "owner@bench.test", permission: "billing" }), headers: { "content-type": "application/json", authorization: `Bearer ${key}` } };
  const r = await autocannon({ ...opts, connections: 50, duration: 6 });
  console.log("req/s", r.requests.average, "non2xx", r.non2xx, "p99", r.latency.p99);
  child.kill("SIGTERM");
  await new Promise((d) => child.on("exit", d));
  await fake.stop();
});

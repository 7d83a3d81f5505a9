import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { spawnApp } from "../helpers/app-process.js";
import { json, rolecall, tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { eventually, freePort, TestSmtp } from "../helpers/smtp.js";
import { openCore, seedTeam } from "../helpers/team.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("a restart loses no mail", () => {
  it("the app killed with SIGKILL while mail is queued: restarted, the queue drains, nothing twice", async () => {
    const fake = new FakeSlack();
    await fake.start();
    cleanups.push(() => fake.stop());
    const smtp = new TestSmtp(await freePort()); // not listening yet: SMTP is down
    cleanups.push(() => smtp.stop());
    const { db, cleanup } = await tempDatabase();
    cleanups.push(cleanup);
    const seed = await openCore(db);
    const team = await seedTeam(seed.core);
    const invitees = Array.from({ length: 8 }, (_, i) => `queued${i}@acme.test`);
    for (const email of invitees) await seed.core.addMember(team.as("owner@acme.test"), { email });
    await seed.close();

    const start = (): ChildProcess => {
      const child = spawnApp(
        {
          SLACK_API_URL: fake.apiUrl,
          DATABASE_URL: db,
          SMTP_URL: smtp.url,
          MAIL_RETRY_SECONDS: "0.05",
          MAIL_LEASE_SECONDS: "1",
        },
        "ignore",
      );
      cleanups.push(() => child.kill("SIGKILL"));
      return child;
    };
    const queue = () =>
      json<{ mail: { to: string; status: string; attempts: number }[] }>(
        rolecall(db, ["mail", "list", "--json"]),
      ).mail;

    const first = start();
    await eventually(
      async () => (await queue()).every((m) => m.attempts > 0),
      "the first app to try every mail",
      20_000,
    );
    first.kill("SIGKILL");
    await new Promise((done) => first.once("exit", done));
    expect((await queue()).every((m) => m.status === "queued")).toBe(true);

    await smtp.start();
    start();
    await eventually(
      () => queue().every((m) => m.status === "sent"),
      "the restarted app to drain the queue",
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500)); // time for any duplicate to arrive
    for (const email of invitees) expect(smtp.to(email)).toHaveLength(1);
  });
});

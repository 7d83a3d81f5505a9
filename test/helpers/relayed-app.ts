import type { ChildProcess } from "node:child_process";
import { listeningPort, spawnApp } from "./app-process.js";
import { freshDatabase } from "./database.js";
import { FakeSlack } from "./fake-slack.js";
import { relayTo } from "./relay.js";
import { openCore, seedTeam } from "./team.js";

/** What a test gives the app to stop and clean up after it. */
export interface Tracked {
  children: ChildProcess[];
  cleanups: (() => Promise<void> | void)[];
}

/**
 * The real app (a process, HTTP mode, a fake Slack) on a fresh database that it reaches through a
 * loopback relay the test controls, so the database can go away under it while the shared server
 * keeps running: an account (its Owner linked to Slack as U0OWNER), a teammate and an API key.
 */
export const relayedApp = async ({ children, cleanups }: Tracked) => {
  const db = await freshDatabase();
  cleanups.push(db.cleanup);
  const { relay, url } = await relayTo(db.url);
  cleanups.push(() => relay.stop());
  const seed = await openCore(db.url);
  const seeded = await seedTeam(seed.core, [{ email: "tm@acme.test", role: "teammate" }]);
  const { apiKey } = await seed.core.rotateApiKey({ accountId: seeded.accountId }, 0);
  await seed.close();
  const fake = new FakeSlack();
  await fake.start();
  cleanups.push(() => fake.stop());
  fake.users.set("U0OWNER", { email: "owner@acme.test" });
  const app = spawnApp({
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: url,
    SLACK_HOOKS_URL: fake.hooksUrl,
    LOG_LEVEL: "info",
  });
  children.push(app);
  return {
    db,
    relay,
    relayedUrl: url,
    fake,
    app,
    apiKey,
    accountId: seeded.accountId,
    listening: listeningPort(app),
  };
};

import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Wired } from "../../src/wiring.js";
import { setPermission } from "../helpers/core.js";
import { freshDatabase, TEST_DATABASE_URL } from "../helpers/database.js";
import { relayTo } from "../helpers/relay.js";
import { openCore, seedTeam } from "../helpers/team.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const instance = async (url: string): Promise<Wired> => {
  const wired = await openCore(url);
  cleanups.push(wired.close);
  return wired;
};

/** Ends every connection that LISTENs for changes (as a failover or an idle-connection reaper would). */
const dropListeners = async (): Promise<number> => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'rolecall-listener'",
    );
    return rows.length;
  } finally {
    await admin.end();
  }
};

const within = async (ms: number, check: () => Promise<boolean>): Promise<number> => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
};

describe("change notifications on PostgreSQL", () => {
  it("without its LISTEN connection an instance still sees another's change within a second, and listens again by itself", async () => {
    const db = await freshDatabase("postgres");
    cleanups.push(db.cleanup);
    const a = await instance(db.url);
    const b = await instance(db.url);
    const seeded = await seedTeam(a.core, [{ email: "tm@acme.test", role: "teammate" }]);
    const owner = seeded.as("owner@acme.test");
    expect(await b.core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);

    expect(await dropListeners()).toBeGreaterThanOrEqual(2);
    await setPermission(a.core, owner, { role: "teammate", permission: "billing", allowed: false });
    const seen = await within(
      1_000,
      async () => !(await b.core.access.can(seeded.accountId, "tm@acme.test", "billing")),
    );
    expect(seen).toBeLessThan(1_000);

    // Back on notifications: a change is seen within a second again, and B answers from memory between.
    const listening = b.store as unknown as { changes: { listening: boolean } };
    await within(10_000, async () => listening.changes.listening);
    await setPermission(a.core, owner, { role: "teammate", permission: "billing", allowed: true });
    expect(
      await within(1_000, async () => await b.core.access.can(seeded.accountId, "tm@acme.test", "billing")),
    ).toBeLessThan(1_000);
  });

  it("notices a LISTEN connection that went silent (no reset) and sees another's change within 3 seconds", async () => {
    const db = await freshDatabase("postgres");
    cleanups.push(db.cleanup);
    const { relay, url: relayed } = await relayTo(db.url);
    cleanups.push(() => relay.stop());
    const a = await instance(db.url);
    const b = await instance(relayed);
    const seeded = await seedTeam(a.core, [{ email: "tm@acme.test", role: "teammate" }]);
    expect(await b.core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);

    relay.freeze("rolecall-listener");
    await setPermission(a.core, seeded.as("owner@acme.test"), {
      role: "teammate",
      permission: "billing",
      allowed: false,
    });
    const seen = await within(
      3_000,
      async () => !(await b.core.access.can(seeded.accountId, "tm@acme.test", "billing")),
    );
    expect(seen).toBeLessThan(3_000);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { Decision } from "../../src/core/decision.js";
import type { ApplyContext } from "../../src/core/ports.js";
import { DatabaseTooNewError } from "../../src/store/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { openStore } from "../../src/store/open-store.js";
import type { Wired } from "../../src/wiring.js";
import { freshDatabase, TEST_ENGINE, type TestDatabase } from "../helpers/database.js";
import { openCore, seedTeam } from "../helpers/team.js";

/**
 * What every store promises the core, on whichever engine the suite runs (SQLite in `npm test`,
 * PostgreSQL in `npm run test:postgres`). Two cores on one database stand for two instances.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const database = async (): Promise<TestDatabase> => {
  const db = await freshDatabase();
  cleanups.push(db.cleanup);
  return db;
};

const instance = async (url: string): Promise<Wired> => {
  const wired = await openCore(url);
  cleanups.push(wired.close);
  return wired;
};

const ctx = (accountId: string): ApplyContext => ({
  accountId,
  actor: "owner@acme.test",
  source: "cli",
  requestId: null,
  now: new Date(),
});
const setChannel = (channel: string): Decision<unknown> => ({
  changes: [{ kind: "setApprovalsChannel", channel }],
  audit: [{ action: "setting.changed", target: "account", before: null, after: { channel } }],
  mails: [],
  result: null,
});

/** Waits until `check` holds (polling), failing after `ms`. */
const eventually = async (check: () => Promise<boolean> | boolean, ms = 2_000): Promise<number> => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
};

describe(`the store contract (${TEST_ENGINE})`, () => {
  it("applies a change with its audit entries and its mail together, and moves the account's version", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    const before = (await store.getAccount(seeded.accountId))?.version ?? 0;
    await core.addMember(seeded.as("owner@acme.test"), { email: "bob@acme.test", role: "admin" });
    expect((await store.getAccount(seeded.accountId))?.version).toBe(before + 1);
    const mail = await store.listMail();
    expect(mail.map((m) => [m.recipient, m.status])).toEqual([["bob@acme.test", "queued"]]);
    const actions = (await store.listAudit(seeded.accountId)).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(["member.added", "invite.sent"]);
    expect((await core.verifyAudit(seeded.accountId)).ok).toBe(true);
  });

  it("writes nothing when the version moved (the guard), nor when a change fails halfway", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    const version = (await store.getAccount(seeded.accountId))?.version ?? 0;
    const audit = (await store.listAudit(seeded.accountId)).length;
    expect(await store.apply(ctx(seeded.accountId), version - 1, setChannel("C0STALE"))).toBe(false);
    // A request that is not pending cannot be closed: the whole decision rolls back.
    const failing: Decision<unknown> = {
      ...setChannel("C0HALF"),
      changes: [
        { kind: "setApprovalsChannel", channel: "C0HALF" },
        {
          kind: "closeRequest",
          closing: {
            accountId: seeded.accountId,
            id: "no-such-request",
            status: "rejected",
            decidedBy: "owner@acme.test",
            at: new Date().toISOString(),
            reason: null,
            outcome: null,
          },
        },
      ],
    };
    await expect(store.apply(ctx(seeded.accountId), version, failing)).rejects.toThrow();
    const account = await store.getAccount(seeded.accountId);
    expect(account?.approvalsChannel).toBeNull();
    expect(account?.version).toBe(version);
    expect(await store.listAudit(seeded.accountId)).toHaveLength(audit);
  });

  it("lets exactly one of two instances apply on the same version, whatever the timing", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    for (let round = 0; round < 10; round++) {
      const version = (await a.store.getAccount(seeded.accountId))?.version ?? 0;
      const results = await Promise.all([
        a.store.apply(ctx(seeded.accountId), version, setChannel(`C0A${round}`)),
        b.store.apply(ctx(seeded.accountId), version, setChannel(`C0B${round}`)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    expect((await a.store.getAccount(seeded.accountId))?.version).toBe(
      ((await b.store.getAccount(seeded.accountId))?.version ?? 0) + 0,
    );
    expect((await a.core.verifyAudit(seeded.accountId)).ok).toBe(true);
  });

  it("keeps one unbroken audit chain while two instances write the same account at once", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    const owner = seeded.as("owner@acme.test");
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? a : b).core.addMember(owner, { email: `m${i}@acme.test`, role: "teammate" }),
      ),
    );
    const entries = await a.store.listAudit(seeded.accountId);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.filter((e) => e.action === "member.added")).toHaveLength(13);
    expect((await b.core.verifyAudit(seeded.accountId)).ok).toBe(true);
  });

  it("a read sees one state, even when another instance commits while it runs", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    const owner = seeded.as("owner@acme.test");
    let written = false;
    const [first, second] = await a.store.read(async () => {
      const first = await a.store.countMembers(seeded.accountId, {});
      // SQLite runs a read again when a commit overtook it; PostgreSQL reads one snapshot throughout.
      if (!written) await b.core.addMember(owner, { email: "late@acme.test" });
      written = true;
      return [first, await a.store.countMembers(seeded.accountId, {})];
    });
    expect(second).toBe(first);
    expect(await a.store.countMembers(seeded.accountId, {})).toBe(2);
  });

  it("the permission cache keeps what is true now, even when it loads inside a read that began before a change", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core, [{ email: "tm@acme.test", role: "teammate" }]);
    let changed = false;
    await a.store.read(async () => {
      await a.store.countMembers(seeded.accountId, {}); // the read's view begins here
      if (!changed) {
        changed = true;
        const seen = a.store.dataVersion();
        await b.core.setPermission(seeded.as("owner@acme.test"), {
          role: "teammate",
          permission: "billing",
          allowed: false,
        });
        await eventually(() => a.store.dataVersion() !== seen, 1_000);
        await new Promise((r) => setImmediate(r));
      }
      // A check made from inside the read loads the member now, not as of the read's view.
      expect(await a.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);
    });
    await new Promise((r) => setImmediate(r));
    expect(await a.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);
  });

  it("lists members owners first, then admins, then teammates, each by email compared bytewise", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core, [
      { email: "a_b@acme.test", role: "teammate" },
      { email: "a-b@acme.test", role: "teammate" },
      { email: "a.b@acme.test", role: "teammate" },
      { email: "ab@acme.test", role: "admin" },
      { email: "zed@acme.test", role: "owner" },
    ]);
    const listed = (await store.listMembers(seeded.accountId, {})).map((m) => m.email);
    expect(listed).toEqual([
      "owner@acme.test",
      "zed@acme.test",
      "ab@acme.test",
      "a-b@acme.test",
      "a.b@acme.test",
      "a_b@acme.test",
    ]);
    const page = await store.listMembers(seeded.accountId, { role: "teammate" }, { offset: 1, limit: 1 });
    expect(page.map((m) => m.email)).toEqual(["a.b@acme.test"]);
    expect(await store.countMembers(seeded.accountId, { role: "teammate" })).toBe(3);
  });

  it("hands each due mail to one claimer at a time, and gives it back when the lease runs out", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    const owner = seeded.as("owner@acme.test");
    for (let i = 0; i < 8; i++) await a.core.addMember(owner, { email: `m${i}@acme.test` });
    const now = new Date(Date.now() + 1_000);
    const claims = await Promise.all([
      a.store.claimDueMail(now, 60_000, 5),
      b.store.claimDueMail(now, 60_000, 5),
      a.store.claimDueMail(now, 60_000, 5),
    ]);
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(await b.store.claimDueMail(now, 60_000, 5)).toEqual([]);
    const later = new Date(now.getTime() + 61_000);
    const [sent, ...rest] = await b.store.claimDueMail(later, 60_000, 10);
    expect(rest).toHaveLength(7);
    expect(sent?.attempts).toBe(2);
    await b.store.markMailSent(sent?.id ?? "", later);
    const stored = (await a.store.listMail()).find((m) => m.id === sent?.id);
    expect(stored?.status).toBe("sent");
    expect(JSON.stringify(stored?.mail)).not.toMatch(/"token"/);
  });

  it("closes a request once: the first decision wins", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core, [{ email: "tm@acme.test", role: "teammate" }]);
    const member = await store.findMember(seeded.accountId, { email: "tm@acme.test" });
    const request = {
      id: "R1",
      accountId: seeded.accountId,
      requesterId: member?.id ?? "",
      intent: { kind: "set_approvals_channel", channel: "C0X" } as never,
      summary: "s",
      effect: "e",
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    await store.requests.insertRequest(request);
    const closing = (status: "approved" | "rejected") => ({
      accountId: seeded.accountId,
      id: "R1",
      status,
      decidedBy: "owner@acme.test",
      at: new Date().toISOString(),
      reason: null,
      outcome: null,
    });
    const results = await Promise.all([
      store.requests.closeRequest(closing("approved")),
      store.requests.closeRequest(closing("rejected")),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getRequest(seeded.accountId, "R1"))?.status).toBe(
      results[0] ? "approved" : "rejected",
    );
  });

  it("moves dataVersion in every instance when any of them commits (within a second)", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core, [{ email: "tm@acme.test", role: "teammate" }]);
    expect(await b.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);
    const seen = b.store.dataVersion();
    await a.core.setPermission(seeded.as("owner@acme.test"), {
      role: "teammate",
      permission: "billing",
      allowed: false,
    });
    expect(await eventually(() => b.store.dataVersion() !== seen, 1_000)).toBeLessThan(1_000);
    await new Promise((r) => setImmediate(r));
    expect(await b.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);
  });

  it("migrates once when instances open an empty database at the same moment, and again finds nothing to do", async () => {
    const { url } = await database();
    const opened = await Promise.all([1, 2, 3].map(() => openStore({ DATABASE_URL: url })));
    for (const o of opened) cleanups.push(o.close);
    expect(opened.map((o) => o.schema.to)).toEqual([
      LATEST_SCHEMA_VERSION,
      LATEST_SCHEMA_VERSION,
      LATEST_SCHEMA_VERSION,
    ]);
    expect(opened.filter((o) => o.schema.from === 0)).toHaveLength(1);
    const again = await openStore({ DATABASE_URL: url });
    cleanups.push(again.close);
    expect(again.schema).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
  });

  it("refuses a database written by a newer Rolecall, touching nothing", async () => {
    const { url } = await database();
    const first = await openStore({ DATABASE_URL: url });
    const future = LATEST_SCHEMA_VERSION + 3;
    if (first.db) first.db.pragma(`user_version = ${future}`);
    else
      await (first.store as unknown as { db: { query(sql: string): Promise<unknown> } }).db.query(
        `UPDATE rolecall_schema SET version = ${future}`,
      );
    await first.close();
    await expect(openStore({ DATABASE_URL: url })).rejects.toThrow(DatabaseTooNewError);
    await expect(openStore({ DATABASE_URL: url })).rejects.toThrow(/newer Rolecall \(schema version \d+/);
  });
});

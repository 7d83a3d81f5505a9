import { afterEach, describe, expect, it } from "vitest";
import type { Change, Decision } from "../../src/core/decision.js";
import type { Installation } from "../../src/core/model.js";
import type { ApplyContext } from "../../src/core/ports.js";
import { DatabaseTooNewError } from "../../src/store/migrate.js";
import { LATEST_SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { openStore } from "../../src/store/open-store.js";
import type { Wired } from "../../src/wiring.js";
import { freshDatabase, TEST_ENGINE, type TestDatabase } from "../helpers/database.js";
import { sql } from "../helpers/sql.js";
import { openCore, seedTeam, TEAM } from "../helpers/team.js";

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
  audit: [
    {
      action: "setting.changed",
      target: { type: "setting", setting: "approvals_channel" },
      before: null,
      after: { channel },
    },
  ],
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

const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const installation = (accountId: string, over: Partial<Installation> = {}): Installation => ({
  key: TEAM,
  accountId,
  teamId: TEAM,
  enterpriseId: null,
  isEnterpriseInstall: false,
  appId: "A0APP",
  botId: "B0BOT",
  botUserId: "U0BOT",
  scopes: ["commands", "chat:write"],
  installerUserId: "U0OWNER",
  installedAt: T0.toISOString(),
  tokenExpiresAt: at(60).toISOString(),
  tokens: { botToken: "sealed:bot-1", refreshToken: "sealed:refresh-1" },
  ...over,
});

/** Applies one installation change at the account's current version, audited as Slack would. */
const applyInstall = async (store: Wired["store"], accountId: string, change: Change): Promise<boolean> => {
  const version = (await store.getAccount(accountId))?.version ?? 0;
  const action = change.kind === "saveInstallation" ? "app.installed" : "app.uninstalled";
  return store.apply(ctx(accountId), version, {
    changes: [change],
    audit: [{ action, target: { type: "installation", key: "slack" }, before: null, after: null }],
    mails: [],
    result: null,
  });
};
const install = (store: Wired["store"], i: Installation) =>
  applyInstall(store, i.accountId, { kind: "saveInstallation", installation: i });

describe(`Slack installations in the store (${TEST_ENGINE})`, () => {
  it("are saved by apply and found by key, in a read and outside one; a reinstall replaces the row; a delete removes it", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    const first = installation(seeded.accountId);
    expect(await install(store, first)).toBe(true);
    expect(await store.findInstallation(TEAM)).toEqual(first);
    expect(await store.read(() => store.findInstallation(TEAM))).toEqual(first);
    expect(await store.findInstallation("T0NOBODY")).toBeNull();

    const again = installation(seeded.accountId, {
      teamId: null,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
      appId: null,
      botId: null,
      scopes: [],
      installerUserId: "U0OTHER",
      installedAt: at(5).toISOString(),
      tokenExpiresAt: null,
      tokens: { botToken: "sealed:bot-2", refreshToken: null },
    });
    expect(await install(store, again)).toBe(true);
    expect(await store.installations.listInstallations()).toEqual([again]);

    expect(await applyInstall(store, seeded.accountId, { kind: "deleteInstallation", key: TEAM })).toBe(true);
    expect(await store.findInstallation(TEAM)).toBeNull();
    expect(await store.installations.listInstallations()).toEqual([]);
    expect(await store.getAccount(seeded.accountId)).not.toBeNull();
    const actions = (await store.listAudit(seeded.accountId)).map((e) => e.action);
    expect(actions.slice(-3)).toEqual(["app.installed", "app.installed", "app.uninstalled"]);
  });

  it("lets one of two instances take a token refresh at a time, only for the token it saw, without moving the account's version", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    const seen = installation(seeded.accountId).tokenExpiresAt ?? "";
    await install(a.store, installation(seeded.accountId));
    const version = (await a.store.getAccount(seeded.accountId))?.version;
    for (let round = 0; round < 5; round++) {
      const until = [at(round * 10 + 1), at(round * 10 + 2)] as const;
      const won = await Promise.all([
        a.store.installations.claimTokenRefresh(TEAM, seen, at(round * 10), until[0]),
        b.store.installations.claimTokenRefresh(TEAM, seen, at(round * 10), until[1]),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      await (won[0] ? a : b).store.installations.releaseTokenRefresh(TEAM, won[0] ? until[0] : until[1]);
    }
    const stale = "2026-03-01T09:00:00.000Z";
    expect(await a.store.installations.claimTokenRefresh(TEAM, stale, at(100), at(101))).toBe(false);

    // The holder stores the new tokens; a save from tokens that are not the stored ones changes nothing,
    // nor does a second save from the tokens the first replaced; the next claim needs the new expiry.
    expect(await a.store.installations.claimTokenRefresh(TEAM, seen, at(100), at(101))).toBe(true);
    const original = installation(seeded.accountId).tokens;
    const fresh = { botToken: "sealed:bot-2", refreshToken: "sealed:refresh-2" };
    const other = { botToken: "sealed:bot-x", refreshToken: "sealed:refresh-x" };
    expect(await b.store.installations.saveRefreshedTokens(TEAM, other, fresh, at(200).toISOString())).toBe(
      false,
    );
    expect(
      await a.store.installations.saveRefreshedTokens(TEAM, original, fresh, at(200).toISOString()),
    ).toBe(true);
    expect(
      await b.store.installations.saveRefreshedTokens(TEAM, original, other, at(300).toISOString()),
    ).toBe(false);
    expect(await b.store.findInstallation(TEAM)).toMatchObject({
      tokens: fresh,
      tokenExpiresAt: at(200).toISOString(),
    });
    expect(await b.store.installations.claimTokenRefresh(TEAM, seen, at(103), at(104))).toBe(false);
    expect(await b.store.installations.claimTokenRefresh(TEAM, at(200).toISOString(), at(103), at(104))).toBe(
      true,
    );
    expect((await a.store.getAccount(seeded.accountId))?.version).toBe(version);
  });

  it("lets a refresh lease that ran out be taken over; the old holder no longer releases it, but its tokens still save first", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core);
    const seen = installation(seeded.accountId).tokenExpiresAt ?? "";
    await install(a.store, installation(seeded.accountId));
    const refreshes = (w: Wired) => w.store.installations;
    expect(await refreshes(a).claimTokenRefresh(TEAM, seen, at(0), at(1))).toBe(true);
    expect(await refreshes(b).claimTokenRefresh(TEAM, seen, at(0.5), at(2))).toBe(false);
    expect(await refreshes(b).claimTokenRefresh(TEAM, seen, at(1), at(3))).toBe(true);
    await refreshes(a).releaseTokenRefresh(TEAM, at(1));
    expect(await refreshes(a).claimTokenRefresh(TEAM, seen, at(2), at(4))).toBe(false);
    await refreshes(b).releaseTokenRefresh(TEAM, at(3));
    expect(await refreshes(a).claimTokenRefresh(TEAM, seen, at(2), at(4))).toBe(true);
    expect((await a.store.findInstallation(TEAM))?.tokens.botToken).toBe("sealed:bot-1");
    // Slack issued the slow holder's tokens (spending the old refresh token): they are kept; the
    // later holder's save, from the same old tokens, then changes nothing.
    const original = installation(seeded.accountId).tokens;
    const slow = { botToken: "sealed:slow", refreshToken: "sealed:slow" };
    expect(await refreshes(a).saveRefreshedTokens(TEAM, original, slow, at(100).toISOString())).toBe(true);
    expect(
      await refreshes(b).saveRefreshedTokens(TEAM, original, { ...slow, botToken: "sealed:b" }, null),
    ).toBe(false);
    expect((await b.store.findInstallation(TEAM))?.tokens).toEqual(slow);
  });

  it("a reinstall ends a refresh under way: its tokens are not overwritten by the old ones' refresh", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    await install(store, installation(seeded.accountId));
    expect(await store.installations.claimTokenRefresh(TEAM, at(60).toISOString(), at(0), at(1))).toBe(true);
    const reinstall = installation(seeded.accountId, {
      tokens: { botToken: "sealed:new", refreshToken: null },
    });
    await install(store, reinstall);
    const refreshed = { botToken: "sealed:refreshed-old", refreshToken: "sealed:refreshed-old" };
    const original = installation(seeded.accountId).tokens;
    expect(await store.installations.saveRefreshedTokens(TEAM, original, refreshed, null)).toBe(false);
    expect(await store.findInstallation(TEAM)).toEqual(reinstall);
  });

  it("reseals tokens only while they are still the ones read (a refresh meanwhile wins)", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    const was = installation(seeded.accountId).tokens;
    await install(store, installation(seeded.accountId));
    const resealed = { botToken: "sealed2:bot-1", refreshToken: "sealed2:refresh-1" };
    expect(await store.installations.resealTokens(TEAM, was, resealed)).toBe(true);
    expect(await store.installations.resealTokens(TEAM, was, { botToken: "x", refreshToken: "x" })).toBe(
      false,
    );
    expect((await store.findInstallation(TEAM))?.tokens).toEqual(resealed);
    // Without token rotation there is no refresh token: null compares as null.
    const noRefresh = { botToken: "sealed:bot-3", refreshToken: null };
    await install(store, installation(seeded.accountId, { tokens: noRefresh }));
    const next = { botToken: "sealed2:bot-3", refreshToken: null };
    expect(await store.installations.resealTokens(TEAM, noRefresh, next)).toBe(true);
    expect(await store.installations.resealTokens(TEAM, resealed, noRefresh)).toBe(false);
    expect((await store.findInstallation(TEAM))?.tokens).toEqual(next);
  });

  it("uses each OAuth state once across instances, and forgets states past their expiry", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const states = (w: Wired) => w.store.installations;
    expect(await states(a).consumeOAuthState("n1", at(10), at(0))).toBe(true);
    expect(await states(a).consumeOAuthState("n1", at(10), at(1))).toBe(false);
    expect(await states(b).consumeOAuthState("n1", at(10), at(2))).toBe(false);
    const race = await Promise.all([
      states(a).consumeOAuthState("n2", at(10), at(3)),
      states(b).consumeOAuthState("n2", at(10), at(3)),
    ]);
    expect(race.filter(Boolean)).toHaveLength(1);
    // Past its expiry the nonce is forgotten (the state itself is refused as expired before it gets here).
    expect(await states(b).consumeOAuthState("n3", at(30), at(11))).toBe(true);
    expect(await states(a).consumeOAuthState("n1", at(40), at(12))).toBe(true);
    expect(await states(a).consumeOAuthState("n2", at(40), at(12))).toBe(true);
    expect(await states(a).consumeOAuthState("n3", at(40), at(12))).toBe(false);
  });
});

/** The tables with an account_id column, as the database itself lists them (so a new one is checked too). */
const accountTables = async (url: string): Promise<string[]> => {
  const rows = await sql<{ t: string }>(
    url,
    TEST_ENGINE === "sqlite"
      ? `SELECT m.name AS t FROM sqlite_master m, pragma_table_info(m.name) c
          WHERE m.type = 'table' AND c.name = 'account_id'`
      : `SELECT table_name AS t FROM information_schema.columns
          WHERE column_name = 'account_id' AND table_schema = current_schema()`,
  );
  return rows.map((r) => r.t).filter((t) => t !== "deleted_accounts");
};
const rowsOf = async (url: string, table: string, accountId: string): Promise<number> => {
  const [row] = await sql<{ n: number }>(
    url,
    `SELECT CAST(count(*) AS INTEGER) AS n FROM ${table} WHERE account_id = '${accountId}'`,
  );
  return row?.n ?? 0;
};

describe(`deleting an account (${TEST_ENGINE})`, () => {
  it("removes everything it holds in one go, keeps its digest (entry count and chain head), and leaves other accounts alone", async () => {
    const { url } = await database();
    const a = await instance(url);
    const b = await instance(url);
    const seeded = await seedTeam(a.core, [
      { email: "tm@acme.test", role: "teammate" },
      { email: "new@acme.test", role: "admin", status: "invited" },
    ]);
    const owner = seeded.as("owner@acme.test");
    const other = await a.core.createAccount({
      slackTeamId: "T0OTHER",
      name: "Other",
      ownerEmail: "boss@other.test",
    });
    await a.core.addMember(
      { accountId: other.account.id, actor: { email: "boss@other.test" }, source: "cli" },
      { email: "pal@other.test" },
    );
    await a.core.rotateApiKey({ accountId: seeded.accountId }, 24);
    const tm = await a.store.findMember(seeded.accountId, { email: "tm@acme.test" });
    await a.store.requests.insertRequest({
      id: "R1",
      accountId: seeded.accountId,
      requesterId: tm?.id ?? "",
      intent: { kind: "set_approvals_channel", channel: "C0X" } as never,
      summary: "s",
      effect: "e",
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await install(a.store, installation(seeded.accountId));
    await install(a.store, installation(other.account.id, { key: "T0OTHER", teamId: "T0OTHER" }));
    await a.core.setPermission(owner, { role: "teammate", permission: "billing", allowed: false });
    await a.core.setPermission(owner, { role: "teammate", permission: "billing", allowed: true });
    await a.core.change(owner, {
      kind: "grant.start",
      member: { email: "tm@acme.test" },
      permission: "team_settings",
      minutes: 60,
    });
    const tables = await accountTables(url);
    expect(tables).toEqual(
      expect.arrayContaining(["members", "audit_log", "outbox", "installations", "grants"]),
    );
    // Every table holds some of the account's rows, so the deletion below is tested on each.
    for (const table of tables)
      expect([table, await rowsOf(url, table, seeded.accountId)]).not.toEqual([table, 0]);
    expect(await b.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);
    const log = await a.store.listAudit(seeded.accountId);
    const otherLog = await a.store.listAudit(other.account.id);
    const seenByB = b.store.dataVersion();

    const now = new Date("2026-03-02T00:00:00.000Z");
    const digest = await a.store.deleteAccount(seeded.accountId, now);
    expect(digest).toEqual({
      accountId: seeded.accountId,
      slackTeamId: TEAM,
      name: "Acme",
      deletedAt: now.toISOString(),
      auditEntries: log.length,
      auditHead: log.at(-1)?.hash,
    });
    for (const table of tables)
      expect([table, await rowsOf(url, table, seeded.accountId)]).toEqual([table, 0]);
    const [orphans] = await sql<{ n: number }>(
      url,
      "SELECT CAST(count(*) AS INTEGER) AS n FROM invites WHERE member_id NOT IN (SELECT id FROM members)",
    );
    expect(orphans?.n).toBe(0);
    expect(await a.store.getAccount(seeded.accountId)).toBeNull();
    expect(await a.store.findAccountBySlackTeam(TEAM)).toBeNull();
    expect(await a.store.findInstallation(TEAM)).toBeNull();
    expect(await a.store.deletedAccounts()).toEqual([digest]);

    // The other instance learns of it like any commit, and stops answering for the account.
    await eventually(() => b.store.dataVersion() !== seenByB, 1_000);
    await new Promise((r) => setImmediate(r));
    expect(await b.core.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);

    expect(await a.store.listAudit(other.account.id)).toEqual(otherLog);
    expect((await a.core.verifyAudit(other.account.id)).ok).toBe(true);
    expect(await a.store.countMembers(other.account.id, {})).toBe(2);
    expect((await a.store.findInstallation("T0OTHER"))?.accountId).toBe(other.account.id);
    expect(await a.store.listMail()).toHaveLength(1);

    expect(await a.store.deleteAccount(seeded.accountId, now)).toBeNull();
    expect(await a.store.deleteAccount("no-such-account", now)).toBeNull();
    const later = await b.store.deleteAccount(other.account.id, new Date("2026-03-03T00:00:00.000Z"));
    expect(later).toMatchObject({ slackTeamId: "T0OTHER", auditEntries: otherLog.length });
    expect(await a.store.deletedAccounts()).toEqual([later, digest]);
  });

  it("leaves the audit log append-only for accounts that still exist", async () => {
    const { url } = await database();
    const { core } = await instance(url);
    const seeded = await seedTeam(core);
    await expect(sql(url, `DELETE FROM audit_log WHERE account_id = '${seeded.accountId}'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(url, "UPDATE audit_log SET actor = 'someone'")).rejects.toThrow(/append-only/);
  });

  it("a decision made before the deletion finds the account gone when it applies", async () => {
    const { url } = await database();
    const { core, store } = await instance(url);
    const seeded = await seedTeam(core);
    const version = (await store.getAccount(seeded.accountId))?.version ?? 0;
    await store.deleteAccount(seeded.accountId, new Date());
    expect(await store.apply(ctx(seeded.accountId), version, setChannel("C0LATE"))).toBe(false);
    expect(await store.listAudit(seeded.accountId)).toEqual([]);
  });
});

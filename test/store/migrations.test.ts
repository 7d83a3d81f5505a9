import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { auditHash, GENESIS_HASH } from "../../src/core/audit.js";
import { DatabaseTooNewError } from "../../src/shared/database-too-new.js";
import { LATEST_SCHEMA_VERSION, migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { openDatabase } from "../../src/store/open.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { listMembers } from "../helpers/core.js";
import { refusedWith } from "../helpers/refusals.js";
import { approve } from "../helpers/requests.js";
import { openCore, seedTeam } from "../helpers/team.js";

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-migrate-"));
  dirs.push(dir);
  return join(dir, "nested", "rolecall.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("migrations", () => {
  it("bring an empty file (in a folder that does not exist yet) to the latest schema", () => {
    const db = openDatabase(tempFile());
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual([
      "accounts",
      "api_keys_in_grace",
      "audit_log",
      "change_requests",
      "deleted_accounts",
      "grants",
      "installations",
      "invites",
      "members",
      "oauth_states",
      "outbox",
      "role_permissions",
    ]);
    db.close();
  });

  it("open a file with WAL, full sync, foreign keys and a busy timeout", () => {
    const db = openDatabase(tempFile());
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBeGreaterThan(0);
    db.close();
  });

  it("are applied once: reopening changes nothing", () => {
    const file = tempFile();
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it("apply later migrations in order on top of earlier ones", () => {
    const db = new Database(":memory:");
    const steps = [
      {
        version: 1,
        name: "one",
        sqlite: "CREATE TABLE t (a INTEGER);",
        postgres: "CREATE TABLE t (a INTEGER);",
      },
      {
        version: 2,
        name: "two",
        sqlite: "ALTER TABLE t ADD COLUMN b TEXT;",
        postgres: "ALTER TABLE t ADD COLUMN b TEXT;",
      },
    ];
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    expect(migrate(db, steps)).toBe(2);
    expect(db.prepare("SELECT name FROM pragma_table_info('t')").pluck().all()).toEqual(["a", "b"]);
  });

  it("roll back a migration that fails, leaving the version where it was", () => {
    const db = new Database(":memory:");
    const broken = [
      {
        version: 1,
        name: "broken",
        sqlite: "CREATE TABLE t (a INTEGER); THIS IS NOT SQL;",
        postgres: "CREATE TABLE t (a INTEGER); THIS IS NOT SQL;",
      },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't'").pluck().get()).toBe(0);
  });

  it("refuse a database from the future with a clear message, touching nothing", () => {
    const file = tempFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(
      /newer Rolecall \(schema version \d+; this one knows up to \d+\)/,
    );
    const check = new Database(file);
    expect(check.pragma("user_version", { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    check.close();
  });

  it("keep a key that was in its grace period before version 7 working, now among the keys in grace", async () => {
    const file = tempFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 5));
    old.exec(`INSERT INTO accounts (id, slack_team_id, name, api_key_hash, api_key_prefix, api_key_created_at,
        created_at, previous_api_key_hash, previous_api_key_prefix, previous_api_key_expires_at)
      VALUES ('a', 'T1', 'X', 'new-hash', 'rc_newnewn', 'now', 'now', 'old-hash', 'rc_oldoldo', '2999-01-01T00:00:00.000Z'),
             ('b', 'T2', 'Y', 'h', 'rc_bbbbbbb', 'now', 'now', NULL, NULL, NULL);`);
    old.close();
    const store = new SqliteStore(openDatabase(file));
    expect((await store.getAccount("a"))?.apiKey.previous).toEqual([
      { prefix: "rc_oldoldo", expiresAt: "2999-01-01T00:00:00.000Z" },
    ]);
    expect((await store.getAccount("b"))?.apiKey.previous).toEqual([]);
    expect(await store.apiKeyCandidates("rc_oldoldo")).toEqual([
      { accountId: "a", hash: "old-hash", expiresAt: "2999-01-01T00:00:00.000Z" },
    ]);
    store.db.close();
  });

  it("keep the audit log append-only", () => {
    const db = openDatabase(":memory:");
    db.exec(`INSERT INTO accounts (id, slack_team_id, name, api_key_hash, api_key_prefix, api_key_created_at, created_at)
        VALUES ('a', 'T1', 'X', 'h', 'p', 'now', 'now');
      INSERT INTO audit_log VALUES ('a', 1, 'now', 'x', 'cli', 'test', 't', 'null', 'null', NULL, 'p', 'h', NULL);`);
    expect(() => db.exec("UPDATE audit_log SET actor = 'y'")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM audit_log")).toThrow(/append-only/);
  });

  it("move invite mails skipped before 'skipped' existed out of 'failed'; real failures stay failed", () => {
    const db = new Database(":memory:");
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 5),
    );
    const mail = db.prepare(`INSERT INTO outbox (id, account_id, kind, recipient, payload_json, status,
        next_attempt_at, last_error, created_at) VALUES (?, 'a', 'invite', 'x@acme.test', '{}', ?, 'now', ?, 'now')`);
    db.exec(`INSERT INTO accounts (id, slack_team_id, name, api_key_hash, api_key_prefix, api_key_created_at, created_at)
        VALUES ('a', 'T1', 'X', 'h', 'p', 'now', 'now')`);
    mail.run("m1", "failed", "Not sent: the invite was accepted, revoked or replaced before it went out.");
    mail.run("m2", "failed", "550 mailbox unavailable");
    mail.run("m3", "sent", null);
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT id, status FROM outbox ORDER BY id").all()).toEqual([
      { id: "m1", status: "skipped" },
      { id: "m2", status: "failed" },
      { id: "m3", status: "sent" },
    ]);
    expect(
      db
        .prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index' ORDER BY name")
        .pluck()
        .all(),
    ).toContain("outbox_due");
  });
});

describe("change requests filed as words, before they stored their typed change (version 8)", () => {
  it("are carried over: approved after the upgrade, one does what it said; one that no longer reads is closed, saying why", async () => {
    const file = tempFile();
    mkdirSync(dirname(file), { recursive: true });
    const before = await openCore(file);
    const team = await seedTeam(before.core, [
      { email: "tm@acme.test", role: "teammate" },
      { email: "ada@acme.test", role: "admin" },
    ]);
    await before.close();
    // The database as version 7 left it: requests hold only the words they were filed with.
    const raw = new Database(file);
    const ada = raw.prepare("SELECT id FROM members WHERE email = 'ada@acme.test'").pluck().get();
    raw.exec("ALTER TABLE change_requests DROP COLUMN slack_lease_until");
    raw.exec("ALTER TABLE change_requests DROP COLUMN intent_json");
    raw.exec("ALTER TABLE change_requests ADD COLUMN words_json TEXT NOT NULL DEFAULT '[]'");
    raw.exec("ALTER TABLE audit_log DROP COLUMN batch_seq");
    raw.exec("DROP TABLE grants; ALTER TABLE accounts DROP COLUMN four_eyes");
    raw.exec("DROP TABLE installations; DROP TABLE oauth_states; DROP TABLE deleted_accounts");
    raw.pragma("user_version = 7");
    const insert =
      raw.prepare(`INSERT INTO change_requests (id, account_id, requester_id, words_json, summary,
      effect, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, '', 'pending', '2026-01-01', '2999-01-01')`);
    insert.run("RLEGAC1", team.accountId, ada, JSON.stringify(["role", "tm@acme.test", "admin"]), "role tm");
    insert.run("RLEGAC2", team.accountId, ada, JSON.stringify(["frobnicate", "tm@acme.test"]), "frobnicate");
    raw.close();

    const after = await openCore(file);
    const owner = team.as("owner@acme.test");
    const outcome = await approve(after.core.requests, owner, "rlegac1");
    expect(outcome.applied).toBe(true);
    expect((await listMembers(after.core, owner)).members.find((m) => m.email === "tm@acme.test")?.role).toBe(
      "admin",
    );
    const gone = await after.core.requests.get(team.accountId, "RLEGAC2");
    expect(gone).toMatchObject({ status: "expired", intent: null });
    expect(gone.outcome).toMatchObject({
      closed: expect.stringContaining("could not carry this request over"),
    });
    expect(await refusedWith(approve(after.core.requests, owner, "RLEGAC2"))).toMatch(
      /^This request was closed: Rolecall could not carry this request over/,
    );
    // The migration closed it as any change is made: its entry extends the account's chain.
    const log = await after.core.fullAuditLog(team.accountId);
    const closed = log.findIndex((e) => e.requestId === "RLEGAC2");
    expect(log[closed]).toMatchObject({ action: "request.expired", actor: "system" });
    expect(log[closed]?.prevHash).toBe(log[closed - 1]?.hash);
    await after.close();
  });
});

describe("an audit log written before changes were marked (version 9)", () => {
  it("still verifies; each old entry reads as a change of its own, new ones are marked by change", async () => {
    const file = tempFile();
    mkdirSync(dirname(file), { recursive: true });
    const raw = new Database(file);
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version <= 8),
    );
    raw.exec(`INSERT INTO accounts (id, slack_team_id, name, api_key_hash, api_key_prefix, api_key_created_at,
      created_at) VALUES ('a1', 'T0OLD', 'Old', 'h', 'p', '2026-01-01', '2026-01-01')`);
    raw.exec(`INSERT INTO members (id, account_id, email, role, status, created_at, updated_at)
      VALUES ('m1', 'a1', 'owner@acme.test', 'owner', 'active', '2026-01-01', '2026-01-01')`);
    const insert = raw.prepare(`INSERT INTO audit_log (account_id, seq, at, actor, source, action, target,
      before_json, after_json, request_id, prev_hash, hash) VALUES ('a1', @seq, @at, @actor, @source, @action,
      @target, 'null', @after, NULL, @prevHash, @hash)`);
    let prevHash = GENESIS_HASH;
    for (const [seq, permission] of [
      [1, "billing"],
      [2, "export_users"],
    ] as const) {
      const content = {
        seq,
        at: "2026-01-01T00:00:00.000Z",
        actor: "owner@acme.test",
        source: "cli" as const,
        action: "permission.revoked",
        target: "role:admin",
        before: null,
        after: { [permission]: false },
        requestId: null,
      };
      const hash = auditHash(prevHash, content);
      insert.run({ ...content, after: JSON.stringify(content.after), prevHash, hash });
      prevHash = hash;
    }
    raw.close();

    const { core, close } = await openCore(file);
    const owner = { accountId: "a1", actor: { email: "owner@acme.test" }, source: "cli" as const };
    expect(await core.verifyAudit("a1")).toEqual({ ok: true, entries: 2 });
    await core.setPermissions(owner, { admin: ["billing"], teammate: ["team_settings", "billing"] });
    const log = await core.fullAuditLog("a1");
    expect(log.map((e) => e.batch)).toEqual([null, null, 3, 3, 3]);
    expect(await core.verifyAudit("a1")).toEqual({ ok: true, entries: log.length });
    const page = await core.auditChanges(owner, { last: 2, before: null });
    expect(page.entries.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    expect(page.older).toBe(2);
    await close();
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AccessCore } from "../../src/core/access-core.js";
import { systemClock } from "../../src/core/ports.js";
import type { Logger } from "../../src/log.js";
import type { MailTransport } from "../../src/mail/transport.js";
import { OutboxWorker } from "../../src/mail/worker.js";
import { openDatabase } from "../../src/store/open.js";
import { MEMBER_LIST_ORDER, SqliteStore } from "../../src/store/sqlite-store.js";
import { intentWords } from "../../src/wiring.js";
import { removeMember, setPermission } from "../helpers/core.js";
import { plainWords } from "../helpers/refusals.js";
import { openSqliteCore as openCore, seedTeam } from "../helpers/team.js";

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-store-"));
  dirs.push(dir);
  return join(dir, "rolecall.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the store", () => {
  it("a read is one snapshot: a commit while it awaits (this process or another) runs it again on the newer state", async () => {
    const file = tempDb();
    const { core, store, close } = await openCore(file);
    const seeded = await seedTeam(core);
    const other = await openCore(file);
    let runs = 0;
    const seen = await store.read(async () => {
      runs++;
      const before = await store.countMembers(seeded.accountId, {});
      if (runs === 1) await core.addMember(seeded.as("owner@acme.test"), { email: "a@acme.test" });
      if (runs === 2) await other.core.addMember(seeded.as("owner@acme.test"), { email: "b@acme.test" });
      return [before, await store.countMembers(seeded.accountId, {})];
    });
    expect(runs).toBe(3);
    expect(seen).toEqual([3, 3]);
    await other.close();
    await close();
  });

  it("applies a change, its audit entries and its invite mail in one transaction", async () => {
    const { core, db } = await openCore();
    const seeded = await seedTeam(core);
    await core.addMember(seeded.as("owner@acme.test"), {
      email: "bob@acme.test",
      role: "admin",
      name: "Bob Stone",
    });
    expect(db.prepare("SELECT recipient, kind, status FROM outbox").all()).toEqual([
      { recipient: "bob@acme.test", kind: "invite", status: "queued" },
    ]);
    const actions = (await core.fullAuditLog(seeded.accountId)).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(["member.added", "invite.sent"]);
  });

  it("stores only the invite token's SHA-256", async () => {
    const { core, db } = await openCore();
    const seeded = await seedTeam(core);
    await core.addMember(seeded.as("owner@acme.test"), { email: "bob@acme.test" });
    const hash = db.prepare("SELECT token_hash FROM invites").pluck().get() as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a write whose snapshot is stale (the version guard)", async () => {
    const { core, store } = await openCore();
    const seeded = await seedTeam(core);
    const stale = (await store.getAccount(seeded.accountId))?.version ?? 0;
    await core.addMember(seeded.as("owner@acme.test"), { email: "bob@acme.test" });
    const applied = await store.apply(
      { accountId: seeded.accountId, actor: "x", source: "cli", requestId: null, now: new Date() },
      stale,
      { changes: [{ kind: "setApprovalsChannel", channel: "C0STALE" }], audit: [], mails: [], result: null },
    );
    expect(applied).toBe(false);
    expect((await store.getAccount(seeded.accountId))?.approvalsChannel).toBeNull();
  });

  it("the permission cache sees a change made by another connection by the next turn of the event loop", async () => {
    const file = tempDb();
    const app = await openCore(file);
    const seeded = await seedTeam(app.core, [{ email: "tm@acme.test", role: "teammate" }]);
    const nextRequest = () => new Promise((resolve) => setImmediate(resolve));
    expect(await app.core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);
    expect(await app.core.access.can(seeded.accountId, "TM@acme.test", "team_settings")).toBe(false);

    const other = await openCore(file); // a second process, as far as SQLite is concerned
    await setPermission(other.core, seeded.as("owner@acme.test"), {
      role: "teammate",
      permission: "billing",
      allowed: false,
    });
    await other.core.changeRole(seeded.as("owner@acme.test"), { email: "tm@acme.test" }, "owner");
    await nextRequest();
    expect(await app.core.access.can(seeded.accountId, "tm@acme.test", "team_settings")).toBe(true);
    await other.core.changeRole(seeded.as("owner@acme.test"), { email: "tm@acme.test" }, "teammate");
    await nextRequest();
    expect(await app.core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);
    await removeMember(other.core, seeded.as("owner@acme.test"), { email: "tm@acme.test" });
    await nextRequest();
    expect(await app.core.access.can(seeded.accountId, "tm@acme.test", "export_users")).toBe(false);
    await other.close();
    await app.close();
  });

  it("the permission cache sees its own writes", async () => {
    const { core } = await openCore();
    const seeded = await seedTeam(core, [{ email: "a@acme.test", role: "admin" }]);
    expect(await core.access.can(seeded.accountId, "a@acme.test", "access_permissions")).toBe(false);
    await setPermission(core, seeded.as("owner@acme.test"), {
      role: "admin",
      permission: "access_permissions",
      allowed: true,
    });
    expect(await core.access.can(seeded.accountId, "a@acme.test", "access_permissions")).toBe(true);
  });

  it("answers can() false for invited, removed and unknown people", async () => {
    const { core } = await openCore();
    const seeded = await seedTeam(core, [
      { email: "inv@acme.test", role: "owner", status: "invited" },
      { email: "gone@acme.test", role: "owner", status: "removed" },
    ]);
    for (const email of ["inv@acme.test", "gone@acme.test", "nobody@acme.test"]) {
      expect(await core.access.can(seeded.accountId, email, "export_users")).toBe(false);
    }
    expect(await core.access.can(seeded.accountId, "owner@acme.test", "team_settings")).toBe(true);
  });
});

describe("a database another process holds", () => {
  /** Another process (a second instance, a long CLI write) in the middle of its write, on its own connection. */
  const holdWriteLock = (file: string) => {
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    return {
      release: () => {
        other.exec("ROLLBACK");
        other.close();
      },
    };
  };
  /** The core on a store whose writes wait `writeWaitMs` at most for the file (10 s in the app). */
  const openWaiting = (file: string, writeWaitMs: number) => {
    const db = openDatabase(file);
    const store = new SqliteStore(db, { writeWaitMs });
    const core = new AccessCore({
      store,
      clock: systemClock,
      inviteTtlHours: 168,
      requestStore: store.requests,
      requestTtlHours: 168,
      grantStore: store.grants,
      grantMaxHours: 72,
      words: intentWords,
    });
    return { core, store, close: () => db.close() };
  };
  const emails = async (core: AccessCore, accountId: string) =>
    (await core.apiMembers(accountId)).members.map((m) => m.email);

  it("a change waits for the lock without holding the event loop: timers fire, reads answer, and it is applied once the lock is let go", async () => {
    const file = tempDb();
    const { core, close } = await openCore(file);
    const seeded = await seedTeam(core);
    const lock = holdWriteLock(file);
    let settled = false;
    const change = core.addMember(seeded.as("owner@acme.test"), { email: "late@acme.test" }).finally(() => {
      settled = true;
    });
    // A timer fires while the change waits. Waiting inside SQLite (busy_timeout), the loop could
    // run no timer until the wait gave up, and the change would already be BUSY by then.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    // A read through the core answers meanwhile, without the change.
    expect(await emails(core, seeded.accountId)).not.toContain("late@acme.test");
    expect(await core.whoami(seeded.as("owner@acme.test"))).toMatchObject({ role: "owner" });
    expect(settled).toBe(false);
    // Let go from a timer's callback: the change is then applied, not refused.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        lock.release();
        resolve();
      }, 20),
    );
    await change;
    expect(await emails(core, seeded.accountId)).toContain("late@acme.test");
    expect((await core.fullAuditLog(seeded.accountId)).map((e) => e.action).slice(-2)).toEqual([
      "member.added",
      "invite.sent",
    ]);
    await close();
  });

  it("a change whose lock is held past its bound is BUSY, with nothing changed, and the loop ran all along", async () => {
    const file = tempDb();
    const { core, store, close } = openWaiting(file, 300);
    const seeded = await seedTeam(core);
    const before = await store.getAccount(seeded.accountId);
    const lock = holdWriteLock(file);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const refused = await core.addMember(seeded.as("owner@acme.test"), { email: "late@acme.test" }).then(
      () => null,
      (error: unknown) => error,
    );
    const ticksWhileWaiting = ticks;
    clearInterval(ticker);
    lock.release();
    expect(refused).toMatchObject({ code: "BUSY" });
    expect(plainWords(refused)).toContain("nothing was changed");
    expect(ticksWhileWaiting).toBeGreaterThan(0);
    expect(await emails(core, seeded.accountId)).not.toContain("late@acme.test");
    expect((await store.getAccount(seeded.accountId))?.version).toBe(before?.version);
    expect(await store.listMail()).toHaveLength(0);
    // Once the lock is let go, the same change goes through.
    await core.addMember(seeded.as("owner@acme.test"), { email: "late@acme.test" });
    expect(await emails(core, seeded.accountId)).toContain("late@acme.test");
    close();
  });

  it("the store's other writes (the outbox's claims and marks, leases) wait the same way and are BUSY past the bound", async () => {
    const file = tempDb();
    const { core, store, close } = openWaiting(file, 200);
    const seeded = await seedTeam(core);
    await core.addMember(seeded.as("owner@acme.test"), { email: "bob@acme.test" });
    const lock = holdWriteLock(file);
    await expect(store.claimDueMail(new Date(), 60_000, 1)).rejects.toMatchObject({ code: "BUSY" });
    await expect(store.grants.claimGrantNotice("G1", "reminder", new Date())).rejects.toMatchObject({
      code: "BUSY",
    });
    await expect(store.requests.markAnnounced(seeded.accountId, "R1")).rejects.toMatchObject({
      code: "BUSY",
    });
    // Let go while a claim waits: it takes the mail.
    const claim = store.claimDueMail(new Date(Date.now() + 60_000), 60_000, 1);
    setTimeout(() => lock.release(), 20);
    const [row] = await claim;
    expect(row?.mail.kind).toBe("invite");
    close();
  });

  it("the mail worker whose claim stays busy says so at warn, without a stack, and sends on a later poll", async () => {
    const file = tempDb();
    const { core, store, close } = openWaiting(file, 100);
    const seeded = await seedTeam(core);
    await core.addMember(seeded.as("owner@acme.test"), { email: "bob@acme.test" });
    const lines: { level: string; msg: unknown[] }[] = [];
    const logger = Object.fromEntries(
      (["debug", "info", "warn", "error"] as const).map((level) => [
        level,
        (...msg: unknown[]) => lines.push({ level, msg }),
      ]),
    ) as unknown as Logger;
    const sent: string[] = [];
    let busyWarned = () => {};
    const warned = new Promise<void>((resolve) => {
      busyWarned = resolve;
    });
    const lock = holdWriteLock(file);
    const worker = new OutboxWorker({
      store,
      transport: { send: async (mail) => void sent.push(String(mail.to)), close: () => {} } as MailTransport,
      clock: systemClock,
      logger: new Proxy(logger, {
        get: (target, key) =>
          key === "warn"
            ? (...msg: unknown[]) => {
                target.warn(...msg);
                busyWarned();
              }
            : Reflect.get(target, key),
      }),
      baseUrl: "https://rolecall.test",
      from: "Rolecall <rolecall@acme.test>",
      pollMs: 20,
    });
    worker.start();
    await warned;
    lock.release();
    await vi.waitFor(() => expect(sent).toEqual(["bob@acme.test"]), { timeout: 10_000 });
    await worker.stop();
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    const warning = lines.find((l) => l.level === "warn");
    expect(warning?.msg.join(" ")).toContain("BUSY");
    expect(warning?.msg.some((m) => m instanceof Error)).toBe(false);
    close();
  });
});

describe("the member list order", () => {
  it("lists owners, admins, then teammates, each by email, walking the list-order index instead of sorting", async () => {
    const { core, db, store } = await openCore();
    const seeded = await seedTeam(core, [
      { email: "b-tm@acme.test", role: "teammate" },
      { email: "a-tm@acme.test", role: "teammate" },
      { email: "z-admin@acme.test", role: "admin" },
      { email: "a-admin@acme.test", role: "admin" },
    ]);
    expect((await store.listMembers(seeded.accountId, {})).map((m) => `${m.role}:${m.email}`)).toEqual([
      "owner:owner@acme.test",
      "admin:a-admin@acme.test",
      "admin:z-admin@acme.test",
      "teammate:a-tm@acme.test",
      "teammate:b-tm@acme.test",
    ]);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM members WHERE account_id = ? AND status <> 'removed'
        ORDER BY ${MEMBER_LIST_ORDER}`)
      .all("a")
      .map((row) => (row as { detail: string }).detail)
      .join("\n");
    expect(plan).toContain("members_list_order");
    expect(plan).not.toContain("TEMP B-TREE");
  });
});

describe("the audit chain", () => {
  it("verifies, and names the entry edited behind its back", async () => {
    const { core, db } = await openCore();
    const seeded = await seedTeam(core, [{ email: "a@acme.test", role: "admin" }]);
    expect(await core.verifyAudit(seeded.accountId)).toMatchObject({ ok: true });
    db.exec("DROP TRIGGER audit_log_append_only_update");
    db.prepare("UPDATE audit_log SET after_json = ? WHERE seq = 3").run(JSON.stringify({ role: "owner" }));
    expect(await core.verifyAudit(seeded.accountId)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("notices a deleted entry", async () => {
    const { core, db } = await openCore();
    const seeded = await seedTeam(core, [{ email: "a@acme.test", role: "admin" }]);
    db.exec("DROP TRIGGER audit_log_append_only_delete");
    db.prepare("DELETE FROM audit_log WHERE seq = 2").run();
    expect(await core.verifyAudit(seeded.accountId)).toMatchObject({ ok: false, brokenAt: 3 });
  });
});

import type Database from "better-sqlite3";
import { busy } from "../core/errors.js";
import { SQLITE } from "./dialects.js";
import type { Db } from "./open.js";
import { type Executor, runSync, type SyncSql } from "./script.js";
import { SqlStore } from "./sql-store.js";
import { SQLITE_WRITE_WAIT_MS, SqliteWrites } from "./sqlite-writes.js";

type Statement<P extends unknown[] | object = unknown[] | object> = Database.Statement<P>;

const MAX_READ_ATTEMPTS = 20;

/** Members in display order (see `memberListOrder`), as SQLite's list-order index holds them. */
export const MEMBER_LIST_ORDER = SQLITE.sql.members.order;

export interface SqliteStoreOptions {
  /** How long a write waits for another process's write lock before it is BUSY (10 s; tests shorten it). */
  writeWaitMs?: number;
}

/** Runs scripts on better-sqlite3: at once, each statement prepared once. */
const executor = (db: Db, writes: SqliteWrites): Executor => {
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let found = prepared.get(sql);
    if (!found) {
      found = db.prepare(sql);
      prepared.set(sql, found);
    }
    return found;
  };
  const sql: SyncSql = {
    rows: (text, params) => statement(text).all(params),
    run: (text, params) => statement(text).run(params).changes,
  };
  return {
    read: async (script) => runSync(script, sql),
    // One read transaction: without it another process (a second CLI, another instance on the file)
    // could commit between the statements, and a refusal decided on the mix of two states (an Owner
    // who is still one, with an owner count that already lost them) is never caught by the version guard.
    consistent: async (script) => db.transaction(() => runSync(script, sql))(),
    write: (script) => writes.run(() => runSync(script(), sql)),
    transaction: (script) => writes.run(() => db.transaction(() => runSync(script(), sql)).immediate()),
  };
};

/**
 * The SQLite store: every write is one BEGIN IMMEDIATE transaction or one statement, each through
 * `writes` (another process holding the file is waited for without holding this process's event
 * loop, and is BUSY past its bound). better-sqlite3 is synchronous, so a transaction never spans an
 * `await`: another task's statements cannot run inside it.
 */
export class SqliteStore extends SqlStore {
  private readonly totalChanges: Statement<[]>;
  private readonly version: Statement<[]>;

  constructor(
    readonly db: Db,
    options: SqliteStoreOptions = {},
  ) {
    super(executor(db, new SqliteWrites(db, options.writeWaitMs ?? SQLITE_WRITE_WAIT_MS)), SQLITE);
    this.totalChanges = db.prepare<[]>("SELECT total_changes()").pluck();
    this.version = db.prepare<[]>("PRAGMA data_version").pluck();
  }

  /**
   * A read is validated instead of locked: it runs again when any connection committed while it ran
   * (this one: total_changes(); others: data_version).
   */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const before = this.commitMark();
      const result = await fn();
      if (this.commitMark() === before) return result;
      if (attempt >= MAX_READ_ATTEMPTS) throw busy();
    }
  }

  private commitMark(): string {
    return `${this.totalChanges.get() as number}:${this.dataVersion()}`;
  }

  outside<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  write<T>(_accountId: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  dataVersion(): number {
    return this.version.get() as number;
  }
}

import type pg from "pg";
import { POSTGRES } from "./dialects.js";
import type { ChangeListener, Postgres } from "./pg.js";
import { type AsyncSql, type Executor, runAsync } from "./script.js";
import { SqlStore } from "./sql-store.js";

/** Runs scripts on node-postgres: on `client`, or on the snapshot's or write's connection, or any pooled one. */
const executor = (db: Postgres): Executor => {
  const on = (client?: pg.PoolClient): AsyncSql => ({
    rows: async (sql, params) => (await db.queryNamed(sql, params, client)).rows,
    run: async (sql, params) => (await db.queryNamed(sql, params, client)).rowCount ?? 0,
  });
  const pooled = on();
  return {
    read: (script) => runAsync(script, pooled),
    // Each dialect step PostgreSQL runs "consistently" is one statement: one snapshot of its own.
    consistent: (script) => runAsync(script, pooled),
    write: (script) => runAsync(script(), pooled),
    transaction: (script) => db.outside(() => db.transaction((client) => runAsync(script(), on(client)))),
  };
};

/**
 * The PostgreSQL store, for several instances on one database. Every write is one transaction whose
 * first statement bumps the account's version where it is still the one the decision was made on:
 * that row lock serializes an account's writers across instances (a second writer waits, then finds
 * the version moved and writes nothing), so its audit chain stays one chain. Each commit notifies
 * `rolecall_changes`, which moves every instance's `dataVersion`.
 */
export class PgStore extends SqlStore {
  constructor(
    readonly db: Postgres,
    private readonly changes: ChangeListener,
  ) {
    super(executor(db), POSTGRES);
  }

  read<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.snapshot(fn);
  }

  outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.outside(fn);
  }

  write<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    return this.db.exclusive("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", [accountId], fn);
  }

  dataVersion(): number {
    return this.changes.version;
  }
}

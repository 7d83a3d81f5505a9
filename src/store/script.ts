/**
 * SQL written once, run by either engine. A `Script` is a generator that yields the statements it
 * wants run (SQL with `@name` parameters) and receives each one's answer: the same script runs
 * synchronously on better-sqlite3 (`runSync`, so a SQLite transaction never spans an await) and
 * asynchronously on node-postgres (`runAsync`).
 *
 *     function* ownerCount(accountId: string): Script<number> {
 *       const [row] = yield* rows<{ n: number }>(MEMBER_SQL.ownerCount, { accountId });
 *       return row?.n ?? 0;
 *     }
 */

/** One statement a script asks for: its rows, or how many rows it changed. */
export type Statement = { want: "rows" | "run"; sql: string; params: object };

export type Script<T> = Generator<Statement, T, unknown>;

/** The rows a statement answers. */
export function* rows<R>(sql: string, params: object = {}): Script<R[]> {
  return (yield { want: "rows", sql, params }) as R[];
}

/** Runs a write; answers how many rows it changed. */
export function* run(sql: string, params: object = {}): Script<number> {
  return (yield { want: "run", sql, params }) as number;
}

/** How better-sqlite3 runs a statement: at once. */
export interface SyncSql {
  rows(sql: string, params: object): unknown[];
  run(sql: string, params: object): number;
}

/** How node-postgres runs a statement: with a round trip. */
export interface AsyncSql {
  rows(sql: string, params: object): Promise<unknown[]>;
  run(sql: string, params: object): Promise<number>;
}

export const runSync = <T>(script: Script<T>, sql: SyncSql): T => {
  let step = script.next();
  while (!step.done) {
    const { want, sql: text, params } = step.value;
    step = script.next(want === "rows" ? sql.rows(text, params) : sql.run(text, params));
  }
  return step.value;
};

export const runAsync = async <T>(script: Script<T>, sql: AsyncSql): Promise<T> => {
  let step = script.next();
  while (!step.done) {
    const { want, sql: text, params } = step.value;
    step = script.next(want === "rows" ? await sql.rows(text, params) : await sql.run(text, params));
  }
  return step.value;
};

/**
 * How a store runs scripts, per engine. SQLite runs each at once (writes through its write-lock
 * turns, a transaction as one BEGIN IMMEDIATE with no await inside); PostgreSQL on a pooled
 * connection, or the one of the snapshot or write the caller is in.
 */
export interface Executor {
  /** Reads (inside the store's `read`, from its snapshot). */
  read<T>(script: Script<T>): Promise<T>;
  /** Reads from one state: SQLite in one read transaction; PostgreSQL as `read` (give it one statement). */
  consistent<T>(script: Script<T>): Promise<T>;
  /**
   * Writes, each statement committing on its own; on SQLite back to back, nothing in between. A
   * write may be tried again (SQLite: while another process holds the file), so it is given as what
   * starts its script afresh.
   */
  write<T>(script: () => Script<T>): Promise<T>;
  /** One transaction: every statement or none. Tried again like a write (PostgreSQL: after a serialization failure). */
  transaction<T>(script: () => Script<T>): Promise<T>;
}
